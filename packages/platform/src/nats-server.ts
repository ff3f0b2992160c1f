// The local nats-server: found (or fetched from Debian's packages), started
// with JetStream on loopback, and stopped again. Used by `npm start` when
// NATS_URL is empty and by the test harness; production nodes get NATS_URL.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { connect } from "nats";

const ALTERNATIVES =
  "Ways to get one: `docker compose up nats` (then NATS_URL=nats://localhost:4222), " +
  "a package manager (`apt install nats-server`, `brew install nats-server`), " +
  "or set NATS_URL to a NATS server with JetStream that is already running.";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The repository's folder (the one with pnpm-workspace.yaml) above this module, if it runs from one. */
function repositoryRoot(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The server scripts/nats-server.sh fetched, else the first on PATH, /usr/sbin, /usr/bin or /usr/local/bin. */
function lookup(root: string | undefined): string | undefined {
  const fetched = root ? [join(root, ".tools", "nats-server")] : [];
  const dirs = [...fetched, ...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin", "/usr/local/bin"];
  return dirs
    .filter(Boolean)
    .map((d) => join(d, "nats-server"))
    .find(executable);
}

/**
 * Path of a nats-server binary: the one scripts/nats-server.sh put into
 * .tools/, else one on PATH, /usr/sbin or /usr/bin. When there is none and
 * we are root (`install: false` skips this): Debian's current server through
 * scripts/nats-server.sh, else the distribution's package (apt-get install).
 * Else an Error naming the alternatives.
 */
export function findNatsServer(opts: { install?: boolean; log?: (line: string) => void } = {}): string {
  const root = repositoryRoot();
  const found = lookup(root);
  if (found) return found;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const asRoot = opts.install !== false && process.getuid?.() === 0;
  const script = root && join(root, "scripts", "nats-server.sh");
  if (asRoot && script && existsSync(script)) {
    log("nats-server not found; fetching Debian's current package (scripts/nats-server.sh)…");
    const fetched = spawnSync("bash", [script], { stdio: ["ignore", "pipe", "inherit"] });
    const path = fetched.stdout.toString().trim();
    if (fetched.status === 0 && executable(path)) return path;
  }
  if (asRoot && spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0) {
    log("nats-server not found; installing the distribution's package (apt-get install -y nats-server)…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const r = spawnSync("sh", ["-c", "apt-get update && apt-get install -y nats-server"], { stdio: "inherit", env });
    const installed = lookup(root);
    if (r.status === 0 && installed) return installed;
    throw new Error(`nats-server is not installed and apt-get could not install it. ${ALTERNATIVES}`);
  }
  throw new Error(`nats-server was not found on PATH, in /usr/sbin or /usr/bin. ${ALTERNATIVES}`);
}

// Ports handed out by freePort() come from below the kernel's ephemeral range
// (32768 and up on Linux), from a block chosen by the process id, counting
// upwards from a random place in it. A port the OS picks could be taken by an
// outgoing connection between our check and the moment a node binds it, or
// be handed to another process as well. Two processes share a block only
// when their ids differ by a multiple of BLOCKS, and even then start at
// different places in it. The range starts above 10080, the highest port that
// fetch() refuses to connect to ("bad port"), so a test's HTTP client can
// reach every port handed out.
const LOWEST = 10_100;
const BLOCKS = 110;
const BLOCK_SIZE = 200;
/** The ports freePort() hands out, unless this process's block is full. */
export const FREE_PORTS = { lowest: LOWEST, highest: LOWEST + BLOCKS * BLOCK_SIZE - 1 } as const;
const block = process.pid % BLOCKS;
let cursor = Math.floor(Math.random() * BLOCK_SIZE);

/** A TCP port that is free now: the next bindable one of this process's block (see above). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  for (let tried = 0; tried < BLOCK_SIZE; tried++) {
    const port = LOWEST + block * BLOCK_SIZE + (cursor++ % BLOCK_SIZE);
    if (await portIsFree(port, host)) return port;
  }
  return osPickedPort(host);
}

/** A port the OS picked a moment ago: only when this process's block is full. */
function osPickedPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether `port` can be bound on `host` right now. */
export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

export interface NatsServerOptions {
  /** 0 = pick a free port. Default 0. */
  port?: number;
  /** JetStream store directory (created if missing). */
  storeDir: string;
  /** Interface to listen on; loopback unless told otherwise. */
  host?: string;
  /** Server name (shown in logs); default a unique one, which tells our server from another on the port. */
  serverName?: string;
  /** Binary to run; default `findNatsServer()`. */
  bin?: string;
  /** Longest wait for the server to accept connections. Default 15 s. */
  startTimeoutMs?: number;
  /** Receives every line the server logs (it is kept quiet otherwise). */
  log?: (line: string) => void;
  /** Extra command-line arguments. */
  args?: string[];
}

export interface NatsServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** SIGTERM, wait for exit; SIGKILL when it takes longer than `timeoutMs` (default 5 s). */
  stop(timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): void;
  /** The last lines the server printed (for error messages). */
  output(): string;
}

const exited = (p: ChildProcess) => p.exitCode !== null || p.signalCode !== null;

function waitExit(p: ChildProcess, ms: number): Promise<boolean> {
  if (exited(p)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts `nats-server -a <host> -p <port> -js -sd <storeDir>` and waits until JetStream answers. */
export async function startNatsServer(opts: NatsServerOptions): Promise<NatsServer> {
  const bin = opts.bin ?? findNatsServer();
  // A port picked by us may be taken by someone else before the server binds it: retry then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(bin, opts.port || (await freePort(opts.host)), opts);
    } catch (err) {
      if (opts.port || attempt >= 3 || !/address already in use/i.test(String(err))) throw err;
    }
  }
}

async function startOnce(bin: string, port: number, opts: NatsServerOptions): Promise<NatsServer> {
  const host = opts.host ?? "127.0.0.1";
  mkdirSync(opts.storeDir, { recursive: true });
  const args = ["-a", host, "-p", String(port), "-js", "-sd", opts.storeDir];
  const name = opts.serverName ?? `seed-nats-${process.pid}-${Date.now().toString(36)}`;
  args.push("-n", name);
  args.push(...(opts.args ?? []));
  // Own process group: a Ctrl-C in the terminal must not stop NATS before the
  // services that still need it have drained; the caller stops it last.
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let tail = "";
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-8000);
    if (opts.log) for (const line of text.split("\n")) if (line) opts.log(line);
  };
  // Always drained, or a chatty server would block on a full pipe.
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let spawnError: Error | undefined;
  child.once("error", (err) => {
    spawnError = err;
  });

  const url = `nats://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  const server: NatsServer = {
    url,
    port,
    process: child,
    output: () => tail,
    kill: (signal = "SIGTERM") => {
      if (!exited(child)) child.kill(signal);
    },
    stop: async (timeoutMs = 5000) => {
      if (exited(child)) return;
      child.kill("SIGTERM");
      if (await waitExit(child, timeoutMs)) return;
      child.kill("SIGKILL");
      await waitExit(child, 2000);
    },
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 15000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (spawnError || exited(child)) break;
    try {
      const nc = await connect({ servers: url, timeout: 500, reconnect: false, name: "nats-server-probe" });
      try {
        // Another server may hold the port: only ours counts.
        if (nc.info?.server_name !== name)
          throw new Error(`another server (${nc.info?.server_name}) answers on ${url}`);
        // Fails until JetStream is up. A member of a cluster answers only once
        // its peers have elected a leader, and a question asked before that is
        // never answered: asked again every half second, not once per 5 s default.
        await nc.jetstreamManager({ timeout: 500 });
        return server;
      } finally {
        await nc.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await server.stop(1000);
  const why = spawnError
    ? `could not run ${bin}: ${spawnError.message}`
    : exited(child)
      ? `nats-server exited (code ${child.exitCode ?? child.signalCode})`
      : `nats-server did not accept connections on ${url} in time (${String(lastError)})`;
  throw new Error(`${why}${tail ? `\n--- nats-server output ---\n${tail.trim()}` : ""}`);
}
