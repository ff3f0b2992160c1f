// Pay and delivery are asynchronous to ordering (packages/mall/README.md "The saga" 1, 4):
// with their nodes killed, orders are still accepted; when they come back
// they catch up on everything they missed, and each order gets exactly one
// Pay and, once checked, exactly one Delivery — also when a pay node dies in
// the middle of a burst and its events are delivered again.
import {
  commitsOn,
  consumerInfo,
  freezeHoldingUnacked,
  handledUpTo,
  lastSeqOf,
  redeliveriesOf,
  type SpawnedNode,
} from "@seed/platform/testing";
import { faultCluster, timed } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  actors,
  deliveryWithStatus,
  expectError,
  historyOf,
  type Json,
  list,
  newProduct,
  payWithStatus,
  placeOrder,
  rowWithStatus,
  show,
} from "../integration/helpers.js";

// The main node has no pay and no delivery: those live only in the children.
const cluster = faultCluster({
  main: { services: "api,mall.order,mall.product,mall.orderStatus" },
  spawned: ["mall.pay,mall.delivery"],
});
let u: Actors;
beforeAll(async () => {
  u = await actors(cluster.main.url);
});

/** Exactly one Pay for the order, with the order's amount. */
async function exactlyOnePay(order: Json, status = "PayPlaced"): Promise<Json> {
  const pay = await payWithStatus(u.bob, order.id, status, 15_000);
  expect(pay.amount).toBe(order.price * order.qty);
  return pay;
}

describe("pay and delivery down", () => {
  it("orders are accepted while pay and delivery are dead; each gets one pay and one delivery when they return", async () => {
    const product = await newProduct(u.bob, 50, 1300);
    // all services up: the flow works
    const warmUp = await placeOrder(u.alice, product, 1);
    await exactlyOnePay(warmUp);

    const workers = cluster.children[0] as SpawnedNode;
    const killed = await workers.kill("SIGKILL");
    expect(killed.signal).toBe("SIGKILL");

    const { nc } = cluster.main.node.runtime;
    const before = await lastSeqOf(nc, "mall");
    // orders still go in, without waiting for anything
    const placed = await Promise.all(
      Array.from({ length: 6 }, (_, i) => timed(() => placeOrder(i % 2 ? u.erin : u.alice, product, 1 + (i % 3)))),
    );
    const orders = placed.map((p) => p.value);
    for (const p of placed) expect(p.ms).toBeLessThan(cluster.main.config.REQUEST_TIMEOUT_MS);
    for (const o of orders) expect(o.status).toBe("OrderPlaced");
    // what pay and delivery answer synchronously is unavailable now
    const pays = await u.bob.get(`/mall/pays?orderId=${orders[0].id}`);
    expectError(pays, 503, "ServiceUnavailable");
    expect(Number(pays.headers.get("retry-after"))).toBeGreaterThan(0);

    // the view records the orders, and nothing else happens to them while pay is away
    await Promise.all(orders.map((o) => rowWithStatus(u.bob, o.id, "OrderPlaced")));
    // a negative check: the pay policy's consumer handed none of the orders to anyone, and no pay was stored
    const payDurable = await consumerInfo({ nc, system: "mall", durable: "mall-pay" });
    expect(payDurable.delivered.stream_seq).toBeLessThanOrEqual(before);
    expect((await commitsOn(nc, "mall", "mall.pay.>")).filter((c) => c.seq > before)).toEqual([]);
    for (const o of orders) {
      const row = (await u.bob.get(`/mall/orderStatuses/${o.id}`)).body;
      expect(historyOf(row), `${o.id} moved while pay was down`).toEqual(["OrderPlaced"]);
    }

    // pay comes back (same node name, as a restarted pod), delivery not yet
    await cluster.spawn("mall.pay", { env: { NODE_ID: workers.env.NODE_ID ?? "" } });
    const orderPays = await Promise.all(orders.map((o) => exactlyOnePay(o)));
    for (const o of orders) {
      const row = await rowWithStatus(u.bob, o.id, "PayPlaced");
      expect(historyOf(row).filter((s) => s === "PayPlaced")).toHaveLength(1);
    }
    // the seller checks them all while delivery is still down
    for (const pay of orderPays) {
      const res = await u.bob.post(`/mall/pays/${pay.id}/check`);
      expect(res.status, show(res)).toBe(200);
      expect(res.body.status).toBe("PayChecked");
    }
    expectError(await u.bob.get(`/mall/deliveries?orderId=${orders[0].id}`), 503, "ServiceUnavailable");
    const expectedStock = 50 - orders.reduce((n, o) => n + o.qty, 0);
    expect((await u.bob.get(`/mall/products/${product.id}`)).body.qty).toBe(expectedStock);

    // delivery comes back as a new node and starts every delivery it missed, once
    await cluster.spawn("mall.delivery");
    await Promise.all(orders.map((o) => deliveryWithStatus(u.bob, o.id, "DeliveryStarted", 15_000)));
    for (const o of orders) {
      expect((await list(u.bob, `/mall/pays?orderId=${o.id}`)).items.length).toBe(1);
      expect((await list(u.bob, `/mall/deliveries?orderId=${o.id}`)).items.length).toBe(1);
    }
    // the unchecked warm-up order got no delivery
    expect((await list(u.bob, `/mall/deliveries?orderId=${warmUp.id}`)).items.length).toBe(0);
    // and the flow carries on to the end
    const first = orders[0];
    const owner = first.customerId === u.ids.alice ? u.alice : u.erin;
    const received = await owner.post(`/mall/orders/${first.id}/receive`);
    expect(received.status, show(received)).toBe(200);
    await deliveryWithStatus(u.bob, first.id, "DeliveryCompleted");
    expect((await u.bob.get(`/mall/products/${product.id}`)).body.qty).toBe(expectedStock);
  });

  it("a pay node killed in the middle of a burst: every order still gets exactly one pay", async () => {
    const product = await newProduct(u.bob, 100, 700);
    const payNode = cluster.children.find((c) => c.env.SERVICES === "mall.pay" && c.process.exitCode === null);
    expect(payNode, "the pay node of the first test").toBeDefined();

    const pay = { nc: cluster.main.node.runtime.nc, system: "mall", durable: "mall-pay" };
    const orders: Json[] = [];
    // stop it while it holds orders it has not acknowledged (a larger burst each round), then kill it
    const held = await freezeHoldingUnacked(pay, (payNode as SpawnedNode).process, {
      burst: async (round) => {
        const burst = await Promise.all(
          Array.from({ length: 30 * round }, (_, i) => placeOrder(i % 2 ? u.erin : u.alice, product, 1)),
        );
        orders.push(...burst);
      },
    });
    expect(held).toBeGreaterThan(0);
    await payNode?.kill("SIGKILL");
    await cluster.spawn("mall.pay", { env: { NODE_ID: payNode?.env.NODE_ID ?? "" } });

    await Promise.all(orders.map((o) => exactlyOnePay(o)));
    for (const o of orders) expect((await list(u.bob, `/mall/pays?orderId=${o.id}`)).items.length).toBe(1);
    // the view saw one PayPlaced per order too
    for (const o of orders) {
      const row = await rowWithStatus(u.bob, o.id, "PayPlaced");
      expect(historyOf(row)).toEqual(["OrderPlaced", "PayPlaced"]);
    }
    // the successor was handed again what the killed node held
    await handledUpTo(pay);
    expect(await redeliveriesOf(pay)).toBeGreaterThan(0);
  });
});
