// What the bench starts and talks to: nodes of the systems and of the bare
// baseline (child processes), and the HTTP steps that prepare a run (log in,
// register a product, place an order). Also the wait for the system to settle
// between runs, so one run's asynchronous aftermath is not billed to the next.
import { join } from "node:path";
import { freePort } from "@seed/platform/operations";
import type { JetStreamManager } from "nats";
import { buildEntries } from "../scripts/build.js";
import { type Child, ROOT, start } from "./processes.js";

/**
 * Environment of every bench node. The protections that would measure
 * themselves instead of the system are off: no rate limit (the bench is one
 * caller), warnings only in the log. Everything else keeps its default.
 */
export function benchEnv(natsUrl: string, dataDir: string, overrides: Record<string, string> = {}) {
  return {
    NATS_URL: natsUrl,
    DATA_DIR: dataDir,
    HOST: "127.0.0.1",
    NAMESPACE: "bench",
    JWT_SECRET: "bench-secret-0123456789abcdef",
    DEMO_USERS: "true",
    RATE_LIMIT_PER_MINUTE: "0",
    LOG_LEVEL: "warn",
    LOG_FORMAT: "pretty",
    SHUTDOWN_TIMEOUT_MS: "3000",
    ...overrides,
  };
}

/**
 * The files nodes and baselines start from: the sources through tsx until
 * `useBuiltEntries` points them at compiled JavaScript, which is how
 * `npm start` runs a node (start-up and memory are measured as users get them).
 */
const entries = { node: "bench/node.ts", baseline: "bench/baseline.ts" };

/** Builds bench/node.ts and bench/baseline.ts into `dir` (scripts/build.ts) and starts them from there. */
export async function useBuiltEntries(dir: string): Promise<void> {
  await buildEntries({ entries: [join(ROOT, entries.node), join(ROOT, entries.baseline)], outDir: dir });
  entries.node = join(dir, "node.mjs");
  entries.baseline = join(dir, "baseline.mjs");
}

export interface Started {
  child: Child;
  /** The gateway's (or health server's) URL. */
  url: string;
}

/** A node of the systems (bench/node.ts) running `services`. */
export async function startNode(
  name: string,
  services: string,
  natsUrl: string,
  dataRoot: string,
  namespace: string,
  /** Configuration on top of the bench's (e.g. tracing on). */
  env: Record<string, string> = {},
  /** How long it may take to be ready (a node catching up on a long stream takes longer). */
  readyWithinMs = 90_000,
): Promise<Started> {
  const port = await freePort();
  const child = start(
    name,
    entries.node,
    benchEnv(natsUrl, join(dataRoot, name), {
      ...env,
      SERVICES: services,
      PORT: String(port),
      HEALTH_PORT: String(port),
      NODE_ID: `${name}-${process.pid}`,
      NAMESPACE: namespace,
    }),
  );
  const ready = await child.next<{ type: string; url: string }>("ready", readyWithinMs);
  return { child, url: ready.url.replace("localhost", "127.0.0.1") };
}

/** A baseline process (bench/baseline.ts) running "api", "noop" or both. */
export async function startBaseline(name: string, services: string, natsUrl: string, namespace: string) {
  const port = await freePort();
  const child = start(
    name,
    entries.baseline,
    benchEnv(natsUrl, "", {
      BASELINE_SERVICES: services,
      PORT: String(port),
      NODE_ID: `${name}-${process.pid}`,
      NAMESPACE: namespace,
    }),
  );
  const ready = await child.next<{ type: string; url: string }>("ready", 60_000);
  return { child, url: ready.url };
}

export interface HttpAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
  body: any;
}

export async function http(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, body: parsed };
}

/** Polls until `probe` answers the expected status (a gateway that has discovered its services). */
export async function until(
  what: string,
  probe: () => Promise<HttpAnswer>,
  status: number,
  timeoutMs = 30_000,
): Promise<HttpAnswer> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const r = await probe();
      if (r.status === status) return r;
      last = `${r.status} ${JSON.stringify(r.body)}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: expected ${status} within ${timeoutMs} ms, last answer ${last}`);
}

export async function login(url: string, username: string): Promise<string> {
  const r = await until(
    `login of ${username}`,
    () => http(url, "POST", "/auth/login", { username, password: "demo" }),
    200,
  );
  return r.body.token as string;
}

export interface MallFixture {
  customer: string;
  seller: string;
  productId: string;
  /** The body of every order the bench places. */
  orderBody: string;
}

/** Logs alice (customer) and bob (seller) in and registers a product with stock no run can exhaust. */
export async function mallFixture(url: string): Promise<MallFixture> {
  const customer = await login(url, "alice");
  const seller = await login(url, "bob");
  const product = await until(
    "registering a product",
    () => http(url, "POST", "/mall/products", { name: "Bench mug", price: 5000, qty: 1_000_000_000 }, seller),
    201,
  );
  const productId = product.body.id as string;
  // The spec's order body: name and price come from mall.product (a synchronous call on the path).
  const orderBody = JSON.stringify({ productId, qty: 1, address: "Seoul" });
  return { customer, seller, productId, orderBody };
}

/**
 * Waits until every consumer of the stream (projections and policies) has
 * nothing pending and the stream has stopped growing: the last run's
 * asynchronous work (pays created by the policy, views) is done.
 */
export async function settle(jsm: JetStreamManager, stream: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastSeq = -1;
  while (Date.now() < deadline) {
    let busy = false;
    try {
      const info = await jsm.streams.info(stream);
      for await (const c of jsm.consumers.list(stream)) {
        if (c.num_pending > 0 || c.num_ack_pending > 0) busy = true;
      }
      if (!busy && info.state.last_seq === lastSeq) return;
      lastSeq = info.state.last_seq;
    } catch {
      return; // no such stream yet: nothing to wait for
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
