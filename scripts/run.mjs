#!/usr/bin/env node
// Entry point of every npm script. It runs on whatever Node the machine has
// (even an end-of-life one), makes sure a supported Node and pnpm are present
// (both come from the npm registry into .tools/, nothing is installed by hand),
// installs the workspace if needed, and then runs the real command under the
// supported Node. Plain JavaScript on purpose: it must start before TypeScript
// tooling exists.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { arch } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureChromium } from "./chromium.mjs";
import { NODE_FLAGS, RUNTIME_ENTRY_NAMES, withNodeEnv } from "./node-process.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TOOLS = join(ROOT, ".tools");
const NODE_VERSION = "24.21.0"; // an LTS line; Moleculer 0.15 and vitest 5 need >= 22
const PNPM_VERSION = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).packageManager.split("@")[1];

const say = (msg) => process.stderr.write(`[seed] ${msg}\n`);

function npmInstall(prefix, spec) {
  mkdirSync(prefix, { recursive: true });
  say(`fetching ${spec} from the npm registry into ${prefix}`);
  const r = spawnSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", prefix, spec], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) throw new Error(`could not install ${spec}`);
}

/** A Node >= 22: this one if it is, else node-linux-<arch> from the registry. */
function supportedNode() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= 22) return process.execPath;
  const pkg = `node-linux-${arch() === "arm64" ? "arm64" : "x64"}`;
  const bin = join(TOOLS, "node", "node_modules", pkg, "bin", "node");
  if (!existsSync(bin)) npmInstall(join(TOOLS, "node"), `${pkg}@${NODE_VERSION}`);
  return bin;
}

function pnpmEntry() {
  const entry = join(TOOLS, "pnpm", "node_modules", "pnpm", "bin", "pnpm.cjs");
  if (!existsSync(entry)) npmInstall(join(TOOLS, "pnpm"), `pnpm@${PNPM_VERSION}`);
  return entry;
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function ensureInstalled(node, env) {
  const marker = join(ROOT, "node_modules", ".modules.yaml");
  const lock = join(ROOT, "pnpm-lock.yaml");
  if (existsSync(marker) && mtime(marker) >= mtime(lock)) return;
  const args = [pnpmEntry(), "install", ...(existsSync(lock) ? ["--frozen-lockfile"] : [])];
  say("installing dependencies");
  const r = spawnSync(node, args, { cwd: ROOT, stdio: "inherit", env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const tsx = (script) => ["--import", "tsx", join(ROOT, script)];

/** Newest modification time of the files under these paths. */
function newest(paths) {
  let latest = 0;
  for (const path of paths) {
    const s = statSync(path, { throwIfNoEntry: false });
    if (!s) continue;
    if (!s.isDirectory()) latest = Math.max(latest, s.mtimeMs);
    else latest = Math.max(latest, newest(readdirSync(path).map((name) => join(path, name))));
  }
  return latest;
}

/** The dashboard the gateway serves at `/` is built, not committed: build it when missing or older than its sources. */
function ensureWebBuilt(node, env) {
  const web = join(ROOT, "packages", "web");
  const built = mtime(join(web, "dist", "index.html"));
  if (built > 0 && built >= newest([join(web, "ui"), join(web, "index.html"), join(web, "build.ts")])) return;
  say("building the dashboard (packages/web)");
  const r = spawnSync(node, tsx("packages/web/build.ts"), { cwd: ROOT, stdio: "inherit", env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/**
 * The nodes and the REPL run compiled JavaScript (scripts/build.ts bundles
 * their entries into .build/): built once, and again only when a source, the
 * broker settings or the installed dependencies are newer than the last build,
 * or an entry is missing.
 */
const BUILD = join(ROOT, ".build");
function ensureNodesBuilt(node, env) {
  const built = Math.min(...RUNTIME_ENTRY_NAMES.map((name) => mtime(join(BUILD, `${name}.mjs`))));
  const sources = [
    join(ROOT, "packages"),
    join(ROOT, "scripts"),
    join(ROOT, "broker.config.ts"),
    join(ROOT, "node_modules", ".modules.yaml"),
  ];
  if (built > 0 && built >= newestSource(sources)) return;
  const r = spawnSync(node, tsx("scripts/build.ts"), { cwd: ROOT, stdio: "inherit", env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Newest modification time of the files under these paths, dependencies and built output left out. */
function newestSource(paths) {
  let latest = 0;
  for (const path of paths) {
    const s = statSync(path, { throwIfNoEntry: false });
    if (!s) continue;
    if (!s.isDirectory()) latest = Math.max(latest, s.mtimeMs);
    else {
      const names = readdirSync(path).filter((name) => !["node_modules", "dist", "test"].includes(name));
      latest = Math.max(latest, newestSource(names.map((name) => join(path, name))));
    }
  }
  return latest;
}

/** A built entry, with the flags every node runs with (scripts/node-process.mjs). */
const built = (name) => [...NODE_FLAGS, join(BUILD, `${name}.mjs`)];

/** What each npm script runs, as arguments to the supported node. */
const COMMANDS = {
  start: (args) => [...built("start"), ...args],
  node: (args) => [...built("node"), ...args],
  cluster: (args) => [...built("cluster"), ...args],
  repl: (args) => [...built("repl"), ...args],
  demo: (args) => [...tsx("scripts/demo.ts"), ...args],
  bench: (args) => [...tsx("bench/run.ts"), ...args],
  "bench:lists": (args) => [...tsx("bench/lists.ts"), ...args],
  "bench:list-scan": (args) => [...tsx("bench/list-scan.ts"), ...args],
  contracts: (args) => [...tsx("test/contracts/update.ts"), ...args],
  "k8s:per-service": (args) => [...tsx("scripts/k8s-per-service.ts"), ...args],
  test: (args) => [join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", ...args],
  "test:e2e": (args) => [
    join(ROOT, "node_modules", "vitest", "vitest.mjs"),
    "run",
    "--config",
    join(ROOT, "test", "e2e", "vitest.config.ts"),
    ...args,
  ],
  "build:web": (args) => [...tsx("packages/web/build.ts"), ...args],
  typecheck: (args) => [join(ROOT, "scripts", "typecheck.mjs"), ...args],
  lint: (args) => [join(ROOT, "node_modules", "@biomejs", "biome", "bin", "biome"), "check", ROOT, ...args],
  format: (args) => [
    join(ROOT, "node_modules", "@biomejs", "biome", "bin", "biome"),
    "check",
    "--write",
    ROOT,
    ...args,
  ],
  pnpm: (args) => [pnpmEntry(), ...args],
};

const [command, ...args] = process.argv.slice(2);
const build = COMMANDS[command];
if (!build) {
  say(`unknown command ${command}; one of ${Object.keys(COMMANDS).join(", ")}`);
  process.exit(2);
}
const node = supportedNode();
// Children (test processes, extra nodes) find the same supported node first on PATH.
const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ""}` };
if (command !== "pnpm") ensureInstalled(node, env);
if (command === "start" || command === "test:e2e") ensureWebBuilt(node, env);
if (RUNTIME_ENTRY_NAMES.includes(command)) ensureNodesBuilt(node, env);
if (command === "test:e2e") {
  try {
    env.CHROME_BIN = ensureChromium({ log: say });
  } catch (err) {
    say(err.message);
    process.exit(1);
  }
}
// Nodes (and the nodes a cluster or the bench starts) get the environment every node runs with.
const runsNodes = ["start", "node", "cluster", "bench"].includes(command);
const child = spawn(node, build(args), { cwd: ROOT, stdio: "inherit", env: runsNodes ? withNodeEnv(env) : env });
// Signals sent to this wrapper alone (a process manager, `kill`) are passed on
// so the child shuts down cleanly; a terminal's Ctrl-C reaches both, and the
// child ignores the copy that arrives within a second of the first.
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
