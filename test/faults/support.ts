// What the fault-injection suite shares: a production-shaped cluster per test
// file (scripts/local-cluster.ts), a bounded load that records every answer,
// and readers that collect a system's whole state through the API.
import { randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import {
  type ApiClient,
  type ApiResponse,
  api,
  eventually,
  expectNoForks,
  retriedWhileUnavailable,
  tempDir,
  testNodeArgs,
} from "@seed/platform/testing";
import type { NatsConnection } from "nats";
import { afterEach, beforeEach, expect } from "vitest";
import { type LocalCluster, startLocalCluster } from "../../scripts/local-cluster.js";

export interface ClusterOptions {
  systems: string[];
  replicas?: number;
  env?: Record<string, string>;
}

/**
 * A cluster for one test file: short ack wait and backoff, so what a killed
 * replica held comes back within seconds. Its own NATS servers: nothing else
 * runs on them.
 */
export async function startCluster(opts: ClusterOptions): Promise<LocalCluster> {
  // Every node's warnings go to test-results/<test file>.log: what to read when a fault test fails.
  mkdirSync("test-results", { recursive: true });
  const testFile = expect.getState().testPath;
  const logFile = join("test-results", `${testFile ? basename(testFile, ".ts") : opts.systems.join("-")}.log`);
  writeFileSync(logFile, "");
  clusterLog = logFile;
  clusterLogBytes = 0;
  const started = Date.now();
  return startLocalCluster({
    log: (line) => {
      const text = `+${Date.now() - started}ms ${line}\n`;
      appendFileSync(logFile, text);
      clusterLogBytes += Buffer.byteLength(text);
    },
    dataDir: tempDir("seed-cluster-"),
    port: 0,
    replicas: opts.replicas ?? 2,
    systems: opts.systems,
    namespace: `faults-${process.pid}`,
    env: {
      LOG_LEVEL: "warn",
      POLICY_ACK_WAIT_MS: "2000",
      POLICY_BACKOFF_MS: "100",
      REQUEST_TIMEOUT_MS: "2000",
      RATE_LIMIT_PER_MINUTE: "0",
      SHUTDOWN_TIMEOUT_MS: "5000",
      JWT_SECRET: "fault-suite-secret-0123456789",
      ...opts.env,
    },
    supervisor: { probeEveryMs: 500, nodeArgs: testNodeArgs() },
  });
}

let clusterLog: string | undefined;
/** How much the cluster of this file has logged so far: where a test's own lines start. */
let clusterLogBytes = 0;

/**
 * Call once at the top of a fault file: a test that fails prints what its
 * cluster logged while it ran (restarts and their reasons, warnings), since
 * a CI run keeps only what was printed.
 */
export function printClusterLogOnFailure(): void {
  let bytesBefore = 0;
  beforeEach(() => {
    bytesBefore = clusterLogBytes;
  });
  afterEach(({ task }) => {
    if (task.result?.state !== "fail" || !clusterLog) return;
    // The supervisor's own lines (starts, exits, restarts) all; the nodes' last 80.
    const during = readFileSync(clusterLog).subarray(bytesBefore).toString("utf8").split("\n").filter(Boolean);
    const lastOfNodes = during.length - 80;
    const shown = during.filter((line, i) => i >= lastOfNodes || !/^\+\d+ms \[/.test(line));
    console.log(
      `${clusterLog} while "${task.name}" ran (${shown.length} of ${during.length} lines):\n${shown.join("\n")}`,
    );
  });
}

export async function clientOf(cluster: LocalCluster, user: string): Promise<ApiClient> {
  const client = api(cluster.url);
  await client.login(user);
  return client;
}

/** Runs `fn` over `items`, `limit` at a time. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

export interface Outcome {
  /** The request's Idempotency-Key (each request has its own). */
  key: string;
  status: number;
  body: ApiResponse["body"];
  at: number;
}

/**
 * Sends `send(i, key)` at `rate` per second until `stop()` resolves true (or
 * `max` requests), never more than `concurrency` at once; records every answer.
 * A request that got no answer at all is recorded with status 0.
 */
export async function steadyLoad(opts: {
  rate: number;
  send: (i: number, key: string) => Promise<ApiResponse>;
  until: () => boolean;
  max?: number;
  concurrency?: number;
}): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const inFlight = new Set<Promise<void>>();
  const gap = 1000 / opts.rate;
  const start = performance.now();
  for (let i = 0; !opts.until() && i < (opts.max ?? Number.POSITIVE_INFINITY); i++) {
    const due = start + i * gap;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    while (inFlight.size >= (opts.concurrency ?? 64)) await Promise.race(inFlight);
    const key = randomUUID();
    const p: Promise<void> = opts
      .send(i, key)
      .then(
        (res) => {
          outcomes.push({ key, status: res.status, body: res.body, at: Date.now() });
        },
        (err: unknown) => {
          outcomes.push({ key, status: 0, body: String(err), at: Date.now() });
        },
      )
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return outcomes;
}

/** Every item of a paged list route (`{items, hasMore, nextCursor}`), following the cursor. */
export async function listAll<T = Record<string, unknown>>(client: ApiClient, path: string): Promise<T[]> {
  const items: T[] = [];
  const sep = path.includes("?") ? "&" : "?";
  for (let after = ""; ; ) {
    // A replica catching up after a fault answers 503: that is the API's promise, so ask again.
    const res = await retriedWhileUnavailable(() => client.get(`${path}${sep}limit=500${after}`), {
      timeout: 20_000,
    });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    items.push(...(res.body.items as T[]));
    if (!res.body.hasMore) return items;
    after = `&after=${res.body.nextCursor}`;
  }
}

export function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return m;
}

/** Status counts of a load: `{201: 1480, 503: 3}`. */
export function statusCounts(outcomes: Outcome[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}

/** Failures of a load by status and message, for assertion messages. */
export function failureSummary(outcomes: Outcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    if (o.status >= 200 && o.status < 300) continue;
    const what = `${o.status} ${typeof o.body === "object" && o.body ? o.body.message : String(o.body).slice(0, 80)}`;
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  return JSON.stringify({ ...statusCounts(outcomes), failures: Object.fromEntries(counts) });
}

export { commitsOn, eventCounts, type StoredCommit } from "@seed/platform/testing";

/**
 * Run last in every fault file: no commit of any aggregate in any system
 * stream was decided on a state that never counted (see expectNoForks).
 * Prints how many commits each stream holds and how many were void.
 */
export async function expectNoForksIn(nc: NatsConnection): Promise<void> {
  // A NATS server that has just come back may not answer the first reads.
  const found = await eventually(() => expectNoForks(nc), { timeout: 30_000, interval: 1000 });
  console.log(`chains after the faults: ${JSON.stringify(found)}`);
  expect(Object.keys(found).length).toBeGreaterThan(0);
}
