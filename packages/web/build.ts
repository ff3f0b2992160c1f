// Builds the dashboard into dist/ (what the gateway serves at `/`): checks its
// types first, then bundles it with Vite. `npm run build:web` runs this;
// `npm start` and `npm run test:e2e` run it when dist/ is missing or older
// than the sources. JSX goes through Vite's own transformer (no plugin).
/// <reference types="node" />
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));
// The repository's own TypeScript (run.mjs starts its typecheck the same way).
const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));
const checked = spawnSync(process.execPath, [tsc, "-p", here], { stdio: "inherit" });
if (checked.status !== 0) process.exit(checked.status ?? 1);

/**
 * The Korean font as the page needs it: of @fontsource/noto-sans-kr's weight
 * 400, only its numbered Korean chunks (each declares a unicode-range, so the
 * browser fetches just the few a page's text falls in; no Latin, Cyrillic or
 * Vietnamese faces: the system font draws those), and only as woff2.
 */
const koreanFont: Plugin = {
  name: "seed-korean-font",
  enforce: "pre",
  transform(code, id) {
    if (!/@fontsource[\\/]noto-sans-kr[\\/]400\.css$/.test(id)) return undefined;
    const faces = code.split(/(?=\/\* noto-sans-kr-)/).filter((face) => /^\/\* noto-sans-kr-\[\d+\]-400/.test(face));
    if (faces.length === 0) throw new Error("@fontsource/noto-sans-kr/400.css: no Korean chunks found");
    return faces.join("").replace(/,\s*url\([^)]*\.woff\) format\('woff'\)/g, "");
  },
};

await build({
  root: here,
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  plugins: [koreanFont],
  // Every asset a file of its own: the page's policy allows fonts from 'self', not data: URLs.
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, target: "es2022", assetsInlineLimit: 0 },
});
process.stderr.write(`dashboard built into ${here}dist\n`);
