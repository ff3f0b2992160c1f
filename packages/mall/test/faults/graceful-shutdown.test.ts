// Graceful shutdown of a real process: on SIGTERM a node stops being ready,
// finishes the requests it already accepted, lets its consumers finish, closes
// its stores and exits 0. Every order that was answered 201 is durably there,
// once, when the services come back.
import { eventually } from "@seed/platform/testing";
import { faultCluster } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
import { type Actors, actors, type Json, list, listAll, newProduct } from "../integration/helpers.js";

const cluster = faultCluster({ main: { services: "api,mall.product" } });
let u: Actors;
beforeAll(async () => {
  u = await actors(cluster.main.url);
});

describe("graceful shutdown", () => {
  it("on SIGTERM the order node turns unready, finishes accepted requests and exits 0; every 201 is kept", async () => {
    const orderEnv = { SHUTDOWN_TIMEOUT_MS: 5000 };
    const orders = await cluster.spawn("mall.order,mall.pay", { env: orderEnv });
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
    await cluster.spawn("mall.order,mall.pay", { env: { ...orderEnv, DATA_DIR: orders.env.DATA_DIR ?? "" } });
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
