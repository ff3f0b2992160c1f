// Graceful shutdown of a real process: on SIGTERM a node stops being ready,
// finishes the requests it already accepted, lets its consumers finish, closes
// its stores and exits 0. Every order that was answered 201 is durably there,
// once, when the services come back.
import type { NatsServer } from "@seed/platform/operations";
import { eventually, type SpawnedNode, spawnNode, startTestNode, type TestNode } from "@seed/platform/testing";
import { clusterEnv, privateNats } from "@seed/platform/testing/faults";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actors, actors, type Json, list, listAll, newProduct } from "../integration/helpers.js";

let nats: NatsServer;
let env: ReturnType<typeof clusterEnv>;
let gateway: TestNode;
let u: Actors;
const children: SpawnedNode[] = [];

beforeAll(async () => {
  nats = await privateNats();
  env = clusterEnv(nats);
  gateway = await startTestNode({ services: "api,mall.product", config: { ...env } });
  u = await actors(gateway.url);
});

afterAll(async () => {
  for (const c of children) await c.stop({ timeoutMs: 3000 });
  await gateway?.stop();
  await nats?.stop();
});

describe("graceful shutdown", () => {
  it("on SIGTERM the order node turns unready, finishes accepted requests and exits 0; every 201 is kept", async () => {
    const orderEnv = { ...env, SHUTDOWN_TIMEOUT_MS: 5000 };
    const orders = await spawnNode({ services: "mall.order,mall.pay", env: orderEnv });
    children.push(orders);
    const product = await newProduct(u.bob, 1000);

    // A burst of orders, and SIGTERM while they are in flight.
    const burst = Array.from({ length: 40 }, (_, i) =>
      u.alice.post("/mall/orders", {
        productId: product.id,
        qty: 1,
        address: `street ${i}`,
        price: product.price,
      }),
    );
    // Stop it as soon as the first answer is back: the rest are still in flight.
    await Promise.race(burst);
    orders.process.kill("SIGTERM");
    // The signal is handled a moment later: readiness must turn off before the node goes.
    let readyDuringStop = 200;
    for (const until = Date.now() + 3000; readyDuringStop === 200 && Date.now() < until; ) {
      readyDuringStop = await fetch(`${orders.url}/health/ready`)
        .then((r) => r.status)
        .catch(() => 0);
      if (readyDuringStop === 200) await new Promise((r) => setTimeout(r, 20));
    }
    const answers = await Promise.all(burst);
    const exit = await orders.kill();

    expect(exit.code).toBe(0);
    expect(readyDuringStop).not.toBe(200);
    // Accepted requests finished; the rest were refused cleanly, never a 500.
    for (const a of answers) expect([201, 503]).toContain(a.status);
    const created = answers.filter((a) => a.status === 201).map((a) => a.body.id as string);
    expect(created.length).toBeGreaterThan(0);

    // Back up (same data folder): every acknowledged order exists exactly once, with one pay each.
    const again = await spawnNode({
      services: "mall.order,mall.pay",
      env: { ...orderEnv, DATA_DIR: orders.env.DATA_DIR ?? "" },
    });
    children.push(again);
    // The gateway learns of the new node within a heartbeat or so.
    const all: Json[] = await eventually(() => listAll(u.alice, "/mall/orders"), { timeout: 10000 });
    const ids = all.map((o) => o.id);
    for (const id of created) expect(ids.filter((x) => x === id)).toHaveLength(1);
    await eventually(
      async () => {
        for (const id of created) expect((await list(u.bob, `/mall/pays?orderId=${id}`)).items.length, id).toBe(1);
      },
      { timeout: 10_000 },
    );
  });
});
