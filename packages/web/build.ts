// Builds the dashboard into dist/ (what the gateway serves at `/`): checks its
// types first, then bundles it with Vite. `npm run build:web` runs this;
// `npm start` and `npm run test:e2e` run it when dist/ is missing or older
// than the sources. JSX goes through Vite's own transformer (no plugin).
/// <reference types="node" />
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));
// The repository's own TypeScript (run.mjs starts its typecheck the same way).
const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));
const checked = spawnSync(process.execPath, [tsc, "-p", here], { stdio: "inherit" });
if (checked.status !== 0) process.exit(checked.status ?? 1);

await build({
  root: here,
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, target: "es2022" },
});
process.stderr.write(`dashboard built into ${here}dist\n`);
