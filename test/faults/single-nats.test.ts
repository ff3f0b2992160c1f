// `npm start`'s shape: one local nats-server and one node running every
// service and the gateway. The nats-server is killed (SIGKILL) under load and
// started again on the same port and store. While it is away every request
// answers at once or within the request timeout (503 + Retry-After for what
// needs the log, never a hang), readiness says "not ready", and once it is
// back the node reconnects by itself: new orders, views catching up, nothing
// acknowledged before the outage lost, keyed retries of what failed creating
// each order once.
import { join } from "node:path";
import { newId } from "@seed/platform";
import { freePort, type NatsServer, startNatsServer } from "@seed/platform/operations";
import { type ApiClient, api, eventually, type SpawnedNode, spawnNode, tempDir } from "@seed/platform/testing";
import { timed } from "@seed/platform/testing/faults";
import { connect } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countBy, expectNoForksIn, listAll, statusCounts, steadyLoad } from "./support.js";

const REQUEST_TIMEOUT_MS = 2000;
const BREAKER_HALF_OPEN_MS = 2000;
/** What a request may take beyond the request timeout: the gateway's own work, a loaded 2-core machine. */
const MARGIN_MS = 1500;

let storeDir: string;
let port: number;
let nats: NatsServer;
let node: SpawnedNode;
let alice: ApiClient;
let bob: ApiClient;
let productId: string;

beforeAll(async () => {
  storeDir = join(tempDir("seed-single-nats-"), "jetstream");
  port = await freePort();
  nats = await startNatsServer({ storeDir, port });
  node = await spawnNode({
    services: "*",
    env: {
      NATS_URL: nats.url,
      REQUEST_TIMEOUT_MS,
      BREAKER_HALF_OPEN_MS,
      RATE_LIMIT_PER_MINUTE: 0,
      LOG_LEVEL: "error",
      SHUTDOWN_TIMEOUT_MS: 2000,
    },
  });
  alice = api(node.url);
  bob = api(node.url);
  await alice.login("alice");
  await bob.login("bob");
  const product = await bob.post("/mall/products", { name: "Lamp", price: 3000, qty: 1_000_000 });
  expect(product.status).toBe(201);
  productId = product.body.id;
}, 60_000);

afterAll(async () => {
  await node?.stop({ timeoutMs: 5000 });
  await nats?.stop();
}, 30_000);

const placeOrder = (tag: string, key: string) =>
  alice.post("/mall/orders", { productId, qty: 1, address: tag, price: 3000 }, { headers: { "idempotency-key": key } });

const readiness = async () => (await fetch(`${node.url}/health/ready`)).status;

async function killNats(): Promise<void> {
  const exited = new Promise((r) => nats.process.once("exit", r));
  nats.kill("SIGKILL");
  await exited;
}

describe("the single nats-server of `npm start` killed and restarted", () => {
  it("503 within the request timeout while it is away, not ready; all works again after it is back", async () => {
    const tag = `single-nats-${newId()}`;
    // Before: acknowledged orders, their views caught up.
    const before = await steadyLoad({ rate: 40, send: (_, key) => placeOrder(tag, key), until: () => false, max: 40 });
    expect(statusCounts(before)).toEqual({ 201: 40 });
    const acknowledged = before.map((o) => o.body.id as string);
    const last = acknowledged.at(-1) as string;
    await eventually(async () => expect((await alice.get(`/mall/orderStatuses/${last}`)).status).toBe(200), {
      timeout: 10_000,
    });

    await killNats();
    const downAt = Date.now();
    await eventually(async () => expect(await readiness()).toBe(503), { timeout: 5000, interval: 100 });

    // While it is away: writes and reads that need the log, each one timed.
    const during: Array<{ what: string; key?: string; status: number; ms: number; retryAfter: string | null }> = [];
    const probes: Array<[string, () => ReturnType<ApiClient["get"]>, string?]> = [];
    for (let i = 0; i < 12; i++) {
      const key = crypto.randomUUID();
      probes.push(["POST /mall/orders", () => placeOrder(tag, key), key]);
      probes.push(["GET /mall/orders/{id}", () => alice.get(`/mall/orders/${acknowledged[i]}`)]);
    }
    await Promise.all(
      probes.map(async ([what, send, key], i) => {
        await new Promise((r) => setTimeout(r, i * 100)); // spread over ~2.4 s
        const { ms, value } = await timed(send);
        during.push({
          what,
          ...(key ? { key } : {}),
          status: value.status,
          ms,
          retryAfter: value.headers.get("retry-after"),
        });
      }),
    );
    const slowest = Math.max(...during.map((d) => d.ms));
    expect(slowest, JSON.stringify(during)).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS + MARGIN_MS);
    const writes = during.filter((d) => d.what.startsWith("POST"));
    expect(
      writes.every((d) => d.status === 503 && d.retryAfter !== null),
      JSON.stringify(writes),
    ).toBe(true);
    // A read of one resource asks the log for its last sequence: without it, 503 too.
    const reads = during.filter((d) => d.what.startsWith("GET"));
    expect(
      reads.every((d) => d.status === 503 && d.retryAfter !== null),
      JSON.stringify(reads),
    ).toBe(true);
    expect(await readiness()).toBe(503);

    // Back on the same port and store: the node reconnects without a restart.
    nats = await startNatsServer({ storeDir, port });
    const { ms: recoveryMs } = await timed(() =>
      eventually(async () => expect(await readiness()).toBe(200), { timeout: 30_000, interval: 100 }),
    );
    console.log(
      `single nats: down ${Date.now() - downAt - recoveryMs} ms, ready again ${Math.round(recoveryMs)} ms after restart; ` +
        `outage answers ${JSON.stringify(Object.fromEntries(countBy(during, (d) => `${d.what} ${d.status}`)))}, slowest ${Math.round(slowest)} ms`,
    );
    expect(node.process.exitCode).toBeNull(); // the same process all along

    // Nothing acknowledged before the outage is lost. The outage's timeouts
    // opened the breakers of the calls that timed out: they let a call through
    // again after BREAKER_HALF_OPEN_MS, and close on its success.
    await eventually(async () => expect((await alice.get(`/mall/orders/${acknowledged[0]}`)).status).toBe(200), {
      timeout: BREAKER_HALF_OPEN_MS + 5000,
      interval: 200,
    });
    for (const id of acknowledged) {
      const res = await alice.get(`/mall/orders/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, address: tag });
    }
    // The outage's writes, retried with their keys, create each order once.
    for (const w of writes) {
      const retry = await eventually(
        async () => {
          const r = await placeOrder(tag, w.key as string);
          expect(r.status).toBe(201);
          return r;
        },
        { timeout: 10_000, interval: 200 },
      );
      const again = await placeOrder(tag, w.key as string);
      expect(again.body.id).toBe(retry.body.id);
    }
    // New orders work; their pays (a policy) and views (projections) follow.
    const after = await steadyLoad({ rate: 40, send: (_, key) => placeOrder(tag, key), until: () => false, max: 40 });
    expect(statusCounts(after)).toEqual({ 201: 40 });
    const all = [...acknowledged, ...after.map((o) => o.body.id as string)];
    await eventually(
      async () => {
        for (const id of all) {
          const row = await alice.get(`/mall/orderStatuses/${id}`);
          expect(row.status).toBe(200);
          const pays = await bob.get(`/mall/pays?orderId=${id}`);
          expect(pays.body.items.length).toBe(1);
        }
      },
      { timeout: 20_000, interval: 500 },
    );
    const tagged = (await listAll<{ address: string }>(alice, "/mall/orders")).filter((o) => o.address === tag);
    expect(tagged.length).toBe(acknowledged.length + writes.length + after.length);
  }, 120_000);
});

describe("the log after the faults above", () => {
  it("no aggregate's chain in any stream names a predecessor that never counted", async () => {
    const nc = await connect({ servers: nats.url });
    try {
      await expectNoForksIn(nc);
    } finally {
      await nc.close();
    }
  }, 60_000);
});
