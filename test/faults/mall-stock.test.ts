// The mall's stock on a production-shaped cluster (3 NATS servers, streams
// with 3 replicas, 2 replicas of every node), where the server's own
// expected-sequence check can let two decreases decided on the same stock
// through. Deposit checks of many orders of one product race on the product
// aggregate from both replicas, first undisturbed, then while a node and a
// NATS server are SIGKILLed. The stock must end at what the answered checks
// took, and the product's valid chain must fold to it step by step.
import { newId, streamName } from "@seed/platform";
import { type ApiClient, eventually, sleep, validCommits } from "@seed/platform/testing";
import { connect, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalCluster } from "../../scripts/local-cluster.js";
import {
  clientOf,
  expectNoForksIn,
  listAll,
  type Outcome,
  printClusterLogOnFailure,
  startCluster,
  statusCounts,
  steadyLoad,
} from "./support.js";

const INITIAL_STOCK = 100_000;

let cluster: LocalCluster;
let alice: ApiClient;
let bob: ApiClient;
let dave: ApiClient;
let nc: NatsConnection;
let productId: string;
/** Checks answered 200, by pay id, with the order's quantity. */
const taken = new Map<string, number>();

printClusterLogOnFailure();

beforeAll(async () => {
  cluster = await startCluster({ systems: ["mall"] });
  alice = await clientOf(cluster, "alice");
  bob = await clientOf(cluster, "bob");
  dave = await clientOf(cluster, "dave");
  const product = await bob.post("/mall/products", { name: "Lamp", price: 500, qty: INITIAL_STOCK });
  expect(product.status).toBe(201);
  productId = product.body.id;
  nc = await connect({ servers: cluster.nats.url.split(",") });
}, 120_000);

afterAll(async () => {
  await nc?.close();
  await cluster?.stop();
}, 120_000);

/** Places `count` orders of the product (qty 1–3) and returns their pays once every one exists. */
async function paysOfNewOrders(count: number): Promise<Array<{ id: string; qty: number }>> {
  const tag = `stock-${newId()}`;
  const placed = await steadyLoad({
    rate: 100,
    max: count,
    until: () => false,
    send: (i, key) =>
      alice.post(
        "/mall/orders",
        { productId, qty: (i % 3) + 1, address: tag, price: 500 },
        { headers: { "idempotency-key": key } },
      ),
  });
  const orders = new Map(
    placed.filter((o) => o.status === 201).map((o) => [o.body.id as string, o.body.qty as number] as const),
  );
  expect(orders.size).toBe(count);
  return eventually(
    async () => {
      const pays = (await listAll<{ id: string; orderId: string }>(dave, "/mall/pays")).filter((p) =>
        orders.has(p.orderId),
      );
      expect(pays.length).toBe(count);
      return pays.map((p) => ({ id: p.id, qty: orders.get(p.orderId) as number }));
    },
    { timeout: 60_000, interval: 500 },
  );
}

/**
 * Checks every pay, 32 at once, as fast as the cluster answers. A check may
 * answer 200, 409 (out of stock) or 503 (nothing changed, or its stock taken
 * and the check completed by the pay policy); never anything else.
 */
async function checkAll(pays: Array<{ id: string; qty: number }>, during?: () => Promise<void>): Promise<Outcome[]> {
  const load = steadyLoad({
    rate: 150,
    max: pays.length,
    concurrency: 32,
    until: () => false,
    send: (i) => bob.post(`/mall/pays/${pays[i]?.id}/check`),
  });
  await during?.();
  const outcomes = await load;
  outcomes.forEach((o) => {
    expect([200, 409, 503, 0], JSON.stringify(o.body)).toContain(o.status);
  });
  return outcomes;
}

/** Checks again, until each answers 200 (a checked pay answers as it is): then every pay's check is answered. */
async function settle(pays: Array<{ id: string; qty: number }>): Promise<void> {
  for (const pay of pays) {
    const res = await eventually(
      async () => {
        const r = await bob.post(`/mall/pays/${pay.id}/check`);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        return r;
      },
      { timeout: 30_000, interval: 250 },
    );
    expect(res.body.status).toBe("PayChecked");
    taken.set(pay.id, pay.qty);
  }
}

/** The stock as the API reports it equals what the answered checks took, and the product's valid chain folds to it. */
async function expectStockMatchesChecks(): Promise<void> {
  const expected = INITIAL_STOCK - [...taken.values()].reduce((a, b) => a + b, 0);
  await eventually(async () => expect((await bob.get(`/mall/products/${productId}`)).body.qty).toBe(expected), {
    timeout: 20_000,
    interval: 250,
  });
  const chain = await validCommits(nc, streamName("mall"), `mall.product.${productId}`);
  let stock: number | undefined;
  const decreasedFor = new Map<string, number>();
  for (const commit of chain) {
    for (const e of commit.events) {
      const data = e.data as { qty: number; remaining: number; orderId: string };
      if (e.type === "ProductRegistered") stock = data.qty;
      if (e.type !== "QtyDecreased") continue;
      // Every decrease was decided on the valid state before it.
      expect(data.remaining, `QtyDecreased at #${commit.seq}`).toBe((stock ?? 0) - data.qty);
      stock = data.remaining;
      decreasedFor.set(data.orderId, (decreasedFor.get(data.orderId) ?? 0) + 1);
    }
  }
  expect(stock).toBe(expected);
  expect([...decreasedFor.values()].every((n) => n === 1)).toBe(true);
  expect(decreasedFor.size).toBe(taken.size);
}

describe("mall stock on a cluster: one writer wins per product version", () => {
  it("checks of one product racing from two replicas: the stock is what the answered checks took", async () => {
    const pays = await paysOfNewOrders(200);
    const started = Date.now();
    const outcomes = await checkAll(pays);
    console.log(`undisturbed: ${JSON.stringify(statusCounts(outcomes))} in ${Date.now() - started} ms`);
    await settle(pays);
    await expectStockMatchesChecks();
  }, 120_000);

  it("the same with a node and a NATS server SIGKILLed during the checks", async () => {
    const pays = await paysOfNewOrders(200);
    const outcomes = await checkAll(pays, async () => {
      await sleep(300);
      cluster.supervisor.kill("mall-1", "SIGKILL");
      await sleep(300);
      await cluster.nats.stopMember(1, "SIGKILL");
    });
    console.log(`under faults: ${JSON.stringify(statusCounts(outcomes))}`);
    await cluster.nats.startMember(1);
    await cluster.supervisor.waitReady("mall-1");
    await settle(pays);
    await expectStockMatchesChecks();
  }, 120_000);

  it("no aggregate's chain in any stream names a predecessor that never counted", async () => {
    await expectNoForksIn(nc);
  }, 60_000);
});
