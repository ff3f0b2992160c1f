// The dashboard (packages/web), served from its build folder `dist`: the page
// at `/` and its hashed files under `/assets/`. Nothing else of the disk is
// reachable. The page loads only what it ships (no CDN), which the
// Content-Security-Policy below enforces; it talks to this gateway only.
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ApiError, notFound } from "@seed/platform";
import type { GatewayCore } from "./core.js";
import { type AliasHandler, type GatewayRequest, type GatewayResponse, pathParam } from "./request.js";
import { sendText } from "./respond.js";

export const WEB_DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};
const ASSET = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

const POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Hashed file names never change content: read once. */
const assets = new Map<string, Promise<Buffer>>();

function page(req: GatewayRequest, res: GatewayResponse, body: Buffer): void {
  res.setHeader("Content-Security-Policy", POLICY);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("Cache-Control", "no-cache");
  sendText(req, res, 200, "text/html; charset=utf-8", body);
}

export function webAliases(gw: GatewayCore, dist = WEB_DIST): Record<string, AliasHandler> {
  return {
    "GET /": gw.handler(async (req, res) => {
      const body = await readFile(join(dist, "index.html")).catch(() => undefined);
      if (!body) throw new ApiError(404, "NotFound", "the dashboard is not built: run `npm run build:web`");
      page(req, res, body);
    }),
    "GET /assets/:file": gw.handler(async (req, res) => {
      const file = pathParam(req, "file") ?? "";
      const type = TYPES[extname(file)];
      if (!ASSET.test(file) || !type) throw notFound("file");
      let body = assets.get(file);
      if (!body) {
        body = readFile(join(dist, "assets", file));
        body.catch(() => assets.delete(file));
        assets.set(file, body);
      }
      const content = await body.catch(() => {
        throw notFound("file");
      });
      res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
      res.setHeader("X-Content-Type-Options", "nosniff");
      sendText(req, res, 200, type, content);
    }),
  };
}
