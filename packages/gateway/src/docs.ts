// GET /docs: Swagger UI rendering /openapi.json. The viewer comes from the
// pinned `swagger-ui-dist` package and is served from node_modules — no CDN,
// so the page works offline and loads nothing we did not ship. Files are read
// once, on first request, and kept in memory.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export interface Asset {
  type: string;
  body: Buffer;
}

const DIST = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

/** Files of the viewer that /docs/<name> may serve; nothing else of node_modules is reachable. */
const FILES: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>API documentation</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js" charset="utf-8"></script>
  <script src="/docs/init.js" charset="utf-8"></script>
</body>
</html>
`;

// A file rather than an inline script, so a strict Content-Security-Policy can forbid inline code.
const INIT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis],
});
`;

const cache = new Map<string, Promise<Asset>>();

/** The page (`""`) or one of its files; undefined for any other name. */
export function docsAsset(name: string): Promise<Asset> | undefined {
  if (name === "" || name === "index.html")
    return Promise.resolve({ type: "text/html; charset=utf-8", body: Buffer.from(PAGE) });
  if (name === "init.js") return Promise.resolve({ type: "text/javascript; charset=utf-8", body: Buffer.from(INIT) });
  const type = FILES[name];
  if (!type) return undefined;
  let asset = cache.get(name);
  if (!asset) {
    asset = readFile(join(DIST, name)).then((body) => ({ type, body }));
    asset.catch(() => cache.delete(name));
    cache.set(name, asset);
  }
  return asset;
}
