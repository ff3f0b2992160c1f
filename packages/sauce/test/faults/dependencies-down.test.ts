// Delivery is asynchronous to ordering, payment is synchronous (packages/sauce/README.md
// "Flow"). With the delivery node killed, orders, payments and cancels go on;
// back, it starts every delivery it missed exactly once. With the payment node
// killed, placing an order answers 503 + Retry-After fast and stores nothing;
// the circuit breaker opens, and closes again once payment is back.
import { eventually } from "@seed/platform/testing";
import { faultCluster, timed } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  actors,
  deliveryOf,
  expectError,
  type Json,
  list,
  orderBody,
  paymentOf,
  placeOrder,
  rowWithStatus,
  show,
} from "../integration/helpers.js";

// restarted under their names, as pods would be: the gateway forgets the dead one at once
const cluster = faultCluster({
  main: { services: "api,sauce.order,sauce.orderDashboard" },
  spawned: [
    { services: "sauce.payment", nodeId: "payment" },
    { services: "sauce.delivery", nodeId: "delivery" },
  ],
});
const live = (services: string) => cluster.live(services);
let u: Actors;
beforeAll(async () => {
  u = await actors(cluster.main.url);
});

describe("delivery down", () => {
  it("orders, payments and cancels go on; back, every missed delivery starts exactly once", async () => {
    const warm = await placeOrder(u.alice);
    await deliveryOf(u.alice, warm.id);
    expect((await live("sauce.delivery")?.kill("SIGKILL"))?.signal).toBe("SIGKILL");

    const branchId = orderBody().branchId;
    const orders: Json[] = [];
    for (let i = 0; i < 4; i++) {
      const placed = await timed(() => placeOrder(i % 2 ? u.erin : u.alice, orderBody({ branchId })));
      expect(placed.ms).toBeLessThan(cluster.main.config.REQUEST_TIMEOUT_MS);
      orders.push(placed.value);
    }
    const canceled = orders[0];
    const res = await u.alice.post(`/sauce/orders/${canceled.id}/cancel`);
    expect(res.status, show(res)).toBe(200);
    await paymentOf(u.dave, canceled.id, "Canceled");
    for (const o of orders.slice(1)) await paymentOf(u.dave, o.id, "Approved");
    expectError(await u.dave.get(`/sauce/deliveries?orderId=${orders[1].id}`), 503, "ServiceUnavailable");
    for (const o of orders.slice(1)) await rowWithStatus(u.dave, o.id, "Approved");

    await cluster.spawn("sauce.delivery", { nodeId: "delivery" });
    for (const o of orders.slice(1)) {
      await deliveryOf(u.dave, o.id, "Started");
      await rowWithStatus(u.dave, o.id, "Started");
    }
    // the canceled order's delivery never runs: none, or one that was canceled
    const ofCanceled = await list(u.dave, `/sauce/deliveries?orderId=${canceled.id}`);
    expect(ofCanceled.items.length).toBeLessThanOrEqual(1);
    for (const d of ofCanceled.items) expect(d.status).toBe("Canceled");
    expect((await list(u.dave, `/sauce/deliveries?orderId=${warm.id}`)).items.length).toBe(1);
  });
});

describe("payment down", () => {
  it("503 fast and nothing stored; the breaker opens; orders go through again once payment is back", async () => {
    const timeout = cluster.main.config.REQUEST_TIMEOUT_MS;
    expect((await live("sauce.payment")?.kill("SIGKILL"))?.signal).toBe("SIGKILL");
    const body = orderBody({ price: 6_131 }); // an amount no other order here has

    const first = await timed(() => u.alice.post("/sauce/orders", body));
    expectError(first.value, 503, "ServiceUnavailable");
    expect(Number(first.value.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(first.ms).toBeLessThan(2 * timeout);
    const more = await Promise.all(Array.from({ length: 5 }, () => timed(() => u.alice.post("/sauce/orders", body))));
    for (const m of more) {
      expectError(m.value, 503, "ServiceUnavailable");
      expect(m.ms).toBeLessThan(2 * timeout);
    }
    // open: answered at once
    const open = await timed(() => u.alice.post("/sauce/orders", body));
    expectError(open.value, 503, "ServiceUnavailable");
    expect(open.value.headers.get("retry-after")).toBeTruthy();
    expect(open.ms, "an open breaker answers without waiting").toBeLessThan(timeout / 3);
    expect((await list(u.dave, `/sauce/orders?branchId=${body.branchId}`)).items.length).toBe(0);

    await cluster.spawn("sauce.payment", { nodeId: "payment" });
    const order = await eventually(
      async () => {
        const res = await u.alice.post("/sauce/orders", body, { headers: { "Idempotency-Key": body.branchId } });
        expect(res.status, show(res)).toBe(201);
        return res.body;
      },
      { timeout: 15_000, interval: 200 },
    );
    // none of the failed attempts left an order or a charge behind
    expect((await list(u.dave, `/sauce/orders?branchId=${body.branchId}`)).items.length).toBe(1);
    const payments = (await list(u.dave, "/sauce/payments?limit=500")).items;
    expect(payments.filter((p: Json) => p.amount === body.qty * body.price && p.orderId !== order.id).length).toBe(0);
    await paymentOf(u.dave, order.id, "Approved");
    await deliveryOf(u.dave, order.id, "Started");
  });
});
