// The check is the one synchronous hop of the saga (pay → product). With the
// product node killed: 503 + Retry-After within the request timeout, nothing
// changed; after repeated failures the circuit breaker answers at once; when
// product is back and the breaker's half-open time has passed, checks succeed.
// Meanwhile orders of products the order service's catalog knows go on (with
// their price check); an order of any other product is 503 and stores nothing.
import { newId } from "@seed/platform";
import { eventually, type SpawnedNode } from "@seed/platform/testing";
import { faultCluster, timed } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  actors,
  deliveryWithStatus,
  expectError,
  expectNoOrderStored,
  historyOf,
  type Json,
  list,
  newProduct,
  payOf,
  rowWithStatus,
  show,
  streamEnd,
  uniqueName,
} from "../integration/helpers.js";

// product lives only in the child
const cluster = faultCluster({
  main: { services: "api,mall.order,mall.pay,mall.delivery,mall.orderStatus" },
  spawned: ["mall.product"],
});
let u: Actors;
beforeAll(async () => {
  u = await actors(cluster.main.url);
});

describe("product down", () => {
  it("503 fast and nothing changes; the breaker opens; checks work again once product is back", async () => {
    const timeout = cluster.main.config.REQUEST_TIMEOUT_MS;
    const product = await newProduct(u.bob, 10, 2000);
    const orders: Json[] = [];
    // orders naming no price, while product is up
    for (let i = 0; i < 8; i++) {
      const res = await u.alice.post("/mall/orders", { productId: product.id, qty: 1, address: `Seoul ${i}` });
      expect(res.status, show(res)).toBe(201);
      orders.push(res.body);
    }
    const pays: Json[] = await Promise.all(orders.map((o) => payOf(u.bob, o.id)));
    const first = await u.bob.post(`/mall/pays/${pays[0].id}/check`);
    expect(first.status, show(first)).toBe(200);

    const killed = await (cluster.children[0] as SpawnedNode).kill("SIGKILL");
    expect(killed.signal).toBe("SIGKILL");

    // 503 with Retry-After, within the request timeout (not hanging, not 500)
    const down = await timed(() => u.bob.post(`/mall/pays/${pays[1].id}/check`));
    expectError(down.value, 503, "ServiceUnavailable");
    expect(Number(down.value.headers.get("retry-after")), "Retry-After").toBeGreaterThan(0);
    expect(down.ms).toBeLessThan(2 * timeout);
    expect((await u.bob.get(`/mall/pays/${pays[1].id}`)).body.status).toBe("PayPlaced");

    // more failures: the breaker opens
    const more = await Promise.all(pays.slice(2, 7).map((p) => timed(() => u.bob.post(`/mall/pays/${p.id}/check`))));
    for (const m of more) {
      expectError(m.value, 503, "ServiceUnavailable");
      expect(m.ms).toBeLessThan(2 * timeout);
    }
    // ... and answers at once now, far below the timeout
    for (const p of pays.slice(1, 7)) {
      const open = await timed(() => u.bob.post(`/mall/pays/${p.id}/check`));
      expectError(open.value, 503, "ServiceUnavailable");
      expect(open.value.headers.get("retry-after")).toBeTruthy();
      expect(open.ms, "an open breaker answers without waiting").toBeLessThan(timeout / 3);
    }

    // Orders still work: the order service has the product's name and price from its ProductRegistered,
    // and checks the price the customer saw against it.
    const order = await u.alice.post("/mall/orders", {
      productId: product.id,
      qty: 1,
      address: "Seoul 9",
      price: product.price,
    });
    expect(order.status, show(order)).toBe(201);
    expect(order.body).toMatchObject({ productName: product.name, price: product.price });
    const changed = await u.alice.post("/mall/orders", { productId: product.id, qty: 1, address: "Seoul", price: 1 });
    expectError(changed, 409, "Conflict");
    expect(changed.body).toMatchObject({
      reason: "PriceChanged",
      details: { price: product.price },
    });
    // A product it has not heard of needs mall.product: unavailable, and nothing is stored.
    const before = await streamEnd(cluster.main);
    const address = uniqueName("unknown");
    const unknown = await timed(() => u.alice.post("/mall/orders", { productId: newId(), qty: 1, address }));
    expectError(unknown.value, 503, "ServiceUnavailable");
    expect(Number(unknown.value.headers.get("retry-after")), "Retry-After").toBeGreaterThan(0);
    expect(unknown.ms).toBeLessThan(2 * timeout);
    expect((await list(u.bob, `/mall/orders?productId=${product.id}`)).items.length).toBe(9);
    await expectNoOrderStored(cluster.main, u.alice, product, before, address); // one more order of the product: the fence
    expectError(await u.alice.get(`/mall/products/${product.id}`), 503, "ServiceUnavailable");

    // nothing changed: every pay but the first is still placed, no stock was taken for them
    for (const [i, p] of pays.entries()) {
      expect((await u.bob.get(`/mall/pays/${p.id}`)).body.status).toBe(i === 0 ? "PayChecked" : "PayPlaced");
    }
    for (const o of orders.slice(1)) {
      const row = await rowWithStatus(u.bob, o.id, "PayPlaced");
      expect(historyOf(row)).toEqual(["OrderPlaced", "PayPlaced"]);
    }

    // product comes back, restarted under its name (as a StatefulSet pod would). Under a
    // new name it works too, but the main node keeps the dead node as a target until
    // Moleculer's heartbeat timeout (30 s): every other call waits out the request timeout.
    await cluster.spawn("mall.product", { env: { NODE_ID: cluster.children[0]?.env.NODE_ID ?? "" } }); // in the dead one's place
    const stock = await eventually(
      async () => {
        const res = await u.bob.get(`/mall/products/${product.id}`);
        expect(res.status, show(res)).toBe(200);
        return res.body.qty;
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(stock, "no failed check took stock").toBe(9);

    // after the half-open time, checks go through again
    const checked = await eventually(
      async () => {
        const res = await u.bob.post(`/mall/pays/${pays[1].id}/check`);
        expect(res.status, show(res)).toBe(200);
        return res.body;
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(checked.status).toBe("PayChecked");
    for (const p of pays.slice(2, 7)) {
      await eventually(
        async () => {
          const res = await u.bob.post(`/mall/pays/${p.id}/check`);
          expect(res.status, show(res)).toBe(200);
        },
        { timeout: 10_000, interval: 200 },
      );
    }
    // each check took its item once, whatever failed before
    expect((await u.bob.get(`/mall/products/${product.id}`)).body.qty).toBe(10 - 7);
    await Promise.all(orders.slice(0, 7).map((o) => deliveryWithStatus(u.bob, o.id, "DeliveryStarted", 10_000)));
    expect((await u.bob.get(`/mall/pays/${pays[7].id}`)).body.status).toBe("PayPlaced");
    expect((await list(u.bob, `/mall/deliveries?orderId=${orders[7].id}`)).items.length).toBe(0);
  });
});
