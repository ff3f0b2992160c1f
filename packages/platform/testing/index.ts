// Helpers for tests against the real stack (`@seed/platform/testing`): the
// nats-server started by test/global-setup.ts, configs with fresh data
// folders, in-process nodes, real child-process nodes to kill, a tiny HTTP
// client, and `eventually` for views that converge.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { request as send } from "undici";
import { inject, type ProvidedContext } from "vitest";
import type { Clock } from "../src/clock.js";
import { type Config, configVariables, loadConfig } from "../src/config.js";
import { healthOf } from "../src/health.js";
import { freePort } from "../src/nats-server.js";
import type { RunningNode } from "../src/node.js";
import { contractOf } from "./contract.js";
import { CLOCK_START_VARIABLE, crashPoints, FAULT_PLAN_VARIABLE, type FaultPlan } from "./crash-points.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the nats-server (JetStream) the global setup started for this run. */
    natsUrl: string;
    /** The folder of the entries child processes run (test/build-node.ts), if the global setup built them. */
    testBuild?: string;
    /** The run's temp folder (test/temp-root.ts), removed when the run ends. */
    tempRoot?: string;
  }
}

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Nodes of one test file see each other and no node of another file running at the same time. */
export const TEST_NAMESPACE = `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

let seq = 0;
const uniqueId = (prefix: string) => `${prefix}-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 6)}`;

/** Temp folders made by these helpers; removed when the test process exits. */
const tempDirs = new Set<string>();
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** What the run's global setup provided, or undefined outside a vitest worker (a script using these helpers). */
function provided<K extends keyof ProvidedContext>(key: K): ProvidedContext[K] | undefined {
  try {
    return inject(key);
  } catch {
    return undefined;
  }
}

/** The run's temp folder (test/temp-root.ts, removed when the run ends), else the system's. */
const tempRoot = () => provided("tempRoot") || tmpdir();

export function tempDir(prefix = "seed-test-"): string {
  const dir = mkdtempSync(join(tempRoot(), prefix));
  tempDirs.add(dir);
  return dir;
}

function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** The nats-server of this test run: vitest's `inject("natsUrl")`, else NATS_URL. */
export function natsUrl(): string {
  const url = provided("natsUrl") || process.env.NATS_URL;
  if (!url) throw new Error("no nats-server for tests: run through vitest (test/global-setup.ts) or set NATS_URL");
  return url;
}

/**
 * Variables a test sets: the platform's (typed) and the systems' own, which
 * the platform does not know by name (`startTestNode` refuses a name that no
 * system declares, `testConfig` one the platform does not read).
 */
export type ConfigOverrides = Partial<Record<keyof Config, string | number>> & Record<string, string | number>;

/** Environment variables of a test node: fresh DATA_DIR, fixed JWT secret, demo users, short timeouts. */
export function testEnv(overrides: ConfigOverrides = {}): Record<string, string> {
  const env: Record<string, string | number> = {
    NATS_URL: natsUrl(),
    DATA_DIR: tempDir(),
    NODE_ID: uniqueId("node"),
    JWT_SECRET: "test-secret-0123456789abcdef",
    DEMO_USERS: "true",
    LOG_LEVEL: "warn",
    HOST: "127.0.0.1",
    REQUEST_TIMEOUT_MS: 1000,
    BREAKER_HALF_OPEN_MS: 1000,
    POLICY_BACKOFF_MS: 50,
    SHUTDOWN_TIMEOUT_MS: 5000,
    // Peers of a test are on one machine: their services are known within a
    // few milliseconds, and the fixtures wait for the ones they need.
    DISCOVERY_WAIT_MS: 50,
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(env)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}

/** Overrides may only name variables the config reads: a typo fails the test instead of being ignored. */
function refuseUnknown(overrides: ConfigOverrides, variables: ReadonlyArray<{ name: string }>): void {
  const known = new Set(variables.map((v) => v.name));
  const unknown = Object.keys(overrides).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new Error(`not configuration variables: ${unknown.join(", ")}`);
}

/** A validated Config of the platform's variables for a test (see testEnv); `overrides` win. */
export function testConfig(overrides: ConfigOverrides = {}): Config {
  refuseUnknown(overrides, configVariables());
  return loadConfig(testEnv(overrides));
}

export interface TestNode {
  /** Base URL of the gateway (or of the health server when the node runs no gateway). */
  url: string;
  node: RunningNode;
  config: Config;
  /** Graceful stop; removes the node's DATA_DIR unless `keepData`. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export interface StartTestNodeOptions {
  /** SERVICES selector; default "*" (every service and the gateway). */
  services?: string;
  config?: ConfigOverrides;
  /** Wait until readiness says yes (default true). */
  waitReady?: boolean;
  /** Readiness checks not waited for (e.g. "api routes", when the test waits for its peers itself). */
  notWaitedFor?: string[];
  namespace?: string;
  /** "Now" of the node's services, e.g. a ManualClock the test moves. */
  clock?: Clock;
  /** Crash points armed in this node (testing/crash-points.ts). */
  faults?: FaultPlan;
}

/** An in-process node with every system and the gateway on a free port. */
export async function startTestNode(opts: StartTestNodeOptions = {}): Promise<TestNode> {
  const port = await freePort();
  // Loaded lazily: the platform does not depend on the systems; the repository's launcher does.
  const [{ launchNode }, { catalog }] = await Promise.all([
    import("../../../scripts/launch.js"),
    import("../../../scripts/catalog.js"),
  ]);
  refuseUnknown(opts.config ?? {}, configVariables(catalog));
  const config = loadConfig(testEnv({ PORT: port, SERVICES: opts.services ?? "*", ...opts.config }), catalog);
  const launched = await launchNode(config, {
    namespace: opts.namespace ?? TEST_NAMESPACE,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.faults ? { middlewares: [crashPoints(opts.faults)] } : {}),
  });
  const stop = async (o: { keepData?: boolean } = {}) => {
    await launched.stop();
    if (!o.keepData) removeDir(config.DATA_DIR);
  };
  if (opts.waitReady !== false) {
    const health = healthOf(launched.node.broker);
    try {
      await eventually(
        () => {
          const { checks } = health.readiness();
          const notYet = Object.entries(checks).filter(([name, c]) => !c.ok && !opts.notWaitedFor?.includes(name));
          if (notYet.length > 0) throw new Error(`node not ready: ${JSON.stringify(Object.fromEntries(notYet))}`);
        },
        { timeout: 20000, interval: 25 },
      );
    } catch (err) {
      await stop();
      throw err;
    }
  }
  return { url: launched.url, node: launched.node, config, stop };
}

export interface SpawnedNode {
  /** Base URL of its gateway or health server. */
  url: string;
  port: number;
  pid: number;
  process: ChildProcess;
  env: Record<string, string>;
  /** Sends a signal (SIGKILL works) and resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, wait (SIGKILL after `timeoutMs`, default SHUTDOWN_TIMEOUT_MS + 5 s); removes DATA_DIR unless `keepData`. */
  stop(opts?: {
    timeoutMs?: number;
    keepData?: boolean;
  }): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it printed so far. */
  output(): string;
}

export interface SpawnNodeOptions {
  services: string;
  /** Extra environment (config variables); wins over the test defaults. */
  env?: ConfigOverrides & Record<string, string | number>;
  /** Longest wait for readiness (default 30 s). */
  readyTimeoutMs?: number;
  /** Crash points armed in this node (testing/crash-points.ts). */
  faults?: FaultPlan;
  /**
   * Where the node's clock starts (epoch ms or ISO time); it runs on from there
   * at the real pace. Default: the real time.
   */
  clockStart?: number | string;
  /** Told what the node writes (stdout and stderr), chunk by chunk, from its start on. */
  onOutput?: (text: string) => void;
}

/**
 * Node.js arguments that run an entry: as this run built it (`built`, a path
 * in test/build-node.ts's folder), else its TypeScript `source` through tsx.
 * No `--enable-source-maps` of its own: see test/build-node.ts for how to have
 * a child's stack traces name the sources.
 */
function entryArgs(built: string, source: string): string[] {
  const folder = provided("testBuild");
  return folder ? [join(folder, built)] : ["--import", "tsx", join(ROOT, source)];
}

/** Node.js arguments that run one of the scripts a person runs (`npm start`'s start.ts, `npm run node`'s node.ts, `npm run demo`'s demo.ts, `npm run repl`'s repl.ts). */
export const scriptArgs = (name: "start" | "node" | "demo" | "repl"): string[] =>
  entryArgs(join("scripts", `${name}.mjs`), join("scripts", `${name}.ts`));

/** Node.js arguments that start a test node (testing/fault-node.ts). */
export const testNodeArgs = (): string[] =>
  entryArgs("fault-node.mjs", join("packages", "platform", "testing", "fault-node.ts"));

/**
 * A real child process running scripts/node.ts (through testing/fault-node.ts,
 * built once per run), in this test file's namespace, resolved once its
 * /health/ready answers 200. With `faults`, the same node with those crash
 * points armed; with `clockStart`, its clock starts there.
 */
export async function spawnNode(opts: SpawnNodeOptions): Promise<SpawnedNode> {
  const port = await freePort();
  const env = testEnv({ SERVICES: opts.services, PORT: port, ...opts.env });
  env.HEALTH_PORT ??= String(port);
  env.NAMESPACE ??= TEST_NAMESPACE;
  const extra: Record<string, string> = {};
  if (opts.faults) extra[FAULT_PLAN_VARIABLE] = JSON.stringify(opts.faults);
  if (opts.clockStart !== undefined) extra[CLOCK_START_VARIABLE] = String(opts.clockStart);
  const child = spawn(process.execPath, testNodeArgs(), {
    cwd: ROOT,
    env: { ...process.env, ...env, ...extra },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let out = "";
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    out = (out + text).slice(-20000);
    opts.onOutput?.(text);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const kill = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (running()) child.kill(signal);
    return exit;
  };
  const stop = async (o: { timeoutMs?: number; keepData?: boolean } = {}) => {
    const bound = o.timeoutMs ?? Number(env.SHUTDOWN_TIMEOUT_MS) + 5000;
    if (running()) child.kill("SIGTERM");
    const timer = setTimeout(() => running() && child.kill("SIGKILL"), bound);
    const result = await exit;
    clearTimeout(timer);
    if (!o.keepData && env.DATA_DIR) removeDir(env.DATA_DIR);
    return result;
  };
  const url = `http://127.0.0.1:${port}`;
  const node: SpawnedNode = { url, port, pid: child.pid ?? 0, process: child, env, kill, stop, output: () => out };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30000);
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (!running()) {
      await stop();
      throw new Error(
        `node (${opts.services}) exited with ${child.exitCode ?? child.signalCode} before ready:\n${out}`,
      );
    }
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) });
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return node;
    } catch (err) {
      last = String(err);
    }
    await sleep(100);
  }
  await stop({ timeoutMs: 2000 });
  throw new Error(`node (${opts.services}) not ready in time; last /health/ready: ${last}\n${out}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A clock that starts at `start` and runs on at the real pace: a fixed time
 * of day for a test whose nodes keep their own time (spawned nodes get
 * `clockStart: clock.now()`), so the hour the test runs at does not matter.
 */
export function clockFrom(start: number | string | Date): Clock {
  const offset = new Date(start).getTime() - Date.now();
  return { now: () => Date.now() + offset };
}

/**
 * Runs `fn` until it stops throwing (an assertion that becomes true), and
 * returns its result; after `timeout` ms (default 5000) rethrows the last error.
 */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  opts: { timeout?: number; interval?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeout ?? 5000);
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await sleep(opts.interval ?? 50);
    }
  }
}

/**
 * A request sent as a client sends it after a 503: again, while the answer
 * is 503 ("nothing was done, try again shortly"), until another answer comes
 * or `timeout` has passed. A node restarted in the place of a dead one is
 * found by the gateway a moment after it reports ready; a retry sent in that
 * moment is answered 503.
 */
export function retriedWhileUnavailable(
  send: () => Promise<ApiResponse>,
  opts: { timeout?: number; interval?: number } = {},
): Promise<ApiResponse> {
  return eventually(
    async () => {
      const res = await send();
      if (res.status === 503) throw new Error(`still 503: ${JSON.stringify(res.body)}`);
      return res;
    },
    { timeout: opts.timeout ?? 10_000, interval: opts.interval ?? 250 },
  );
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies freely
  body: any;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Overrides the client's token; `null` sends none. */
  token?: string | null;
}

export interface ApiClient {
  readonly baseUrl: string;
  /** The bearer token sent with every request (set by `login`). */
  token: string | undefined;
  /** POST /auth/login with password "demo" (default); keeps and returns the token. */
  login(username: string, password?: string): Promise<string>;
  request(method: string, path: string, body?: unknown, opts?: RequestOptions): Promise<ApiResponse>;
  get(path: string, opts?: RequestOptions): Promise<ApiResponse>;
  post(path: string, body?: unknown, opts?: RequestOptions): Promise<ApiResponse>;
  patch(path: string, body?: unknown, opts?: RequestOptions): Promise<ApiResponse>;
  put(path: string, body?: unknown, opts?: RequestOptions): Promise<ApiResponse>;
  delete(path: string, opts?: RequestOptions): Promise<ApiResponse>;
}

export interface ApiOptions {
  /**
   * Check every response against the OpenAPI document the gateway publishes
   * (default true): an undocumented route, status or field throws. Off only
   * for tests that send what is outside the API on purpose (hostile input).
   */
  contract?: boolean;
}

/** A response's headers as fetch gives them, for tests that read one by name. */
function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

/**
 * A tiny client of the gateway. `body` is parsed JSON when the response is
 * JSON, else text. Every response is checked against the API contract (see
 * ApiOptions.contract). It sends with undici's `request`, not `fetch`: fetch
 * cost the test process about three times the CPU per request (400 against
 * 130 µs), and the cluster files send thousands of requests while the
 * machine is busy with the nodes they test.
 */
export function api(baseUrl: string, options: ApiOptions = {}): ApiClient {
  const checkContract = options.contract !== false;
  const client: ApiClient = {
    baseUrl,
    token: undefined,
    async request(method, path, body, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const token = opts.token === undefined ? client.token : opts.token;
      if (token) headers.authorization = `Bearer ${token}`;
      let payload: string | undefined;
      if (body !== undefined) {
        payload = typeof body === "string" ? body : JSON.stringify(body);
        headers["content-type"] ??= "application/json";
      }
      const url = new URL(path, baseUrl);
      const res = await send(url, { method, headers, body: payload ?? null });
      const text = await res.body.text();
      const responseHeaders = headersOf(res.headers);
      const contentType = responseHeaders.get("content-type") ?? "";
      let parsed: unknown = text;
      if (contentType.includes("json") && text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          // keep the text
        }
      }
      if (checkContract) {
        const contract = await contractOf(baseUrl);
        contract.check(method, url.href, res.statusCode, contentType, parsed);
      }
      return { status: res.statusCode, headers: responseHeaders, body: parsed };
    },
    async login(username, password = "demo") {
      const res = await client.request("POST", "/auth/login", { username, password }, { token: null });
      if (res.status !== 200 || typeof res.body?.token !== "string") {
        throw new Error(`login of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      }
      client.token = res.body.token;
      return res.body.token;
    },
    get: (path, opts) => client.request("GET", path, undefined, opts),
    post: (path, body, opts) => client.request("POST", path, body, opts),
    patch: (path, body, opts) => client.request("PATCH", path, body, opts),
    put: (path, body, opts) => client.request("PUT", path, body, opts),
    delete: (path, opts) => client.request("DELETE", path, undefined, opts),
  };
  return client;
}
// Platform pieces only tests (and the list benchmarks) reach for: a clock they
// move, raw commits of the stream, the event consumers a process declared, and
// a store with its indexes and a repository to drive without a stream.
export { ManualClock } from "../src/clock.js";
export { type Commit, decodeCommit, type EventStore } from "../src/event-store.js";
export { readPage } from "../src/page-scan.js";
export { Repository } from "../src/repository.js";
export { SecondaryIndexes } from "../src/secondary-index.js";
export { declaredConsumers } from "../src/service-kit.js";
export { openStore, type Store } from "../src/store.js";
export * from "./chains.js";
export * from "./consumers.js";
export { ApiContract, ContractViolation, contractOf } from "./contract.js";
export type { FaultPlan } from "./crash-points.js";
export * from "./decider.js";
export { middayTimeZone } from "./midday.js";
export * from "./policy.js";
export { commitsOn, eventCounts } from "./stream.js";
