// The browser `npm run test:e2e` drives (playwright-core needs a Chromium of
// its own: Debian's `chromium` package). Found through CHROME_BIN, at
// /usr/bin/chromium or on PATH; when missing, installed with apt the way
// `npm start` installs nats-server (as root, where apt-get exists); else an
// Error that says how to get one. Plain JavaScript: scripts/run.mjs loads it
// before any TypeScript tooling runs.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

export const HOW_TO =
  "Install Debian's package (as root: apt-get install -y chromium; otherwise: sudo apt-get install -y chromium), " +
  "or point CHROME_BIN at a Chromium or Chrome binary (CHROME_BIN=/path/to/chrome npm run test:e2e).";

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function lookup(env, searchDirs) {
  const dirs = (searchDirs ?? ["/usr/bin", ...(env.PATH ?? "").split(delimiter), "/usr/local/bin"]).filter(Boolean);
  for (const name of ["chromium", "chromium-browser"]) {
    const found = dirs.map((d) => join(d, name)).find(executable);
    if (found) return found;
  }
  return undefined;
}

/**
 * Path of the Chromium to drive. `install: false` never runs apt-get; `root`,
 * `hasApt` and `searchDirs` (where to look) default to this machine's.
 */
export function ensureChromium(opts = {}) {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
  if (env.CHROME_BIN) {
    if (executable(env.CHROME_BIN)) return env.CHROME_BIN;
    throw new Error(`CHROME_BIN=${env.CHROME_BIN} is not an executable file. ${HOW_TO}`);
  }
  const found = lookup(env, opts.searchDirs);
  if (found) return found;
  const root = opts.root ?? process.getuid?.() === 0;
  const hasApt = opts.hasApt ?? spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
  if (opts.install !== false && root && hasApt) {
    log("chromium not found; installing Debian's package (apt-get install -y chromium)…");
    const r = spawnSync("sh", ["-c", "apt-get update && apt-get install -y chromium"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    const installed = lookup(env, opts.searchDirs);
    if (r.status === 0 && installed) return installed;
    throw new Error(`chromium is not installed and apt-get could not install it. ${HOW_TO}`);
  }
  throw new Error(`chromium was not found (CHROME_BIN, /usr/bin/chromium, PATH). ${HOW_TO}`);
}
