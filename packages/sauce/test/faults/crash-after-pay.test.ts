// The crash point of placing an order: the order node dies after the payment
// was taken and before the order was stored (a real process, SIGKILLed by a
// crash point armed at exactly that point). Two ways out, both tested:
// a retry with the same Idempotency-Key completes the order (same orderId, the
// same payment, charged once); without a retry, the payment is refunded once
// SAUCE_RECONCILE_AFTER_MS has passed, and no order, delivery or row appears.
// Time is the services' clock: the payment's node runs on a ManualClock the
// test moves past the window, the order node's clock starts where it stands.

import type { NatsServer } from "@seed/platform/operations";
import {
  eventCounts,
  eventually,
  ManualClock,
  type SpawnedNode,
  spawnNode,
  startTestNode,
  type TestNode,
} from "@seed/platform/testing";
import { clusterEnv, privateNats } from "@seed/platform/testing/faults";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  actors,
  deliveryOf,
  expectError,
  type Json,
  list,
  orderBody,
  rowWithStatus,
  show,
} from "../integration/helpers.js";

const RECONCILE_AFTER_MS = 16_000; // an order may be stored up to 12 s after its payment
const clock = new ManualClock();
let nats: NatsServer;
let env: ReturnType<typeof clusterEnv>;
let main: TestNode;
const children: SpawnedNode[] = [];
let u: Actors;
const ORDER_NODE_ID = `sauce-order-${process.pid}`;

/** A sauce.order node; `dieAfterPay` arms a crash point right after its payment call answers. */
async function orderNode(dieAfterPay: boolean): Promise<SpawnedNode> {
  const child = await spawnNode({
    services: "sauce.order",
    env: {
      ...env,
      NODE_ID: ORDER_NODE_ID, // a restarted pod: the gateway forgets the dead one at once
      SAUCE_RECONCILE_AFTER_MS: RECONCILE_AFTER_MS,
    },
    clockStart: clock.now(),
    ...(dieAfterPay ? { faults: { killAfterCall: "sauce.payment.pay" } } : {}),
  });
  children.push(child);
  await main.node.broker.waitForServices(["sauce.order"], 10_000);
  return child;
}

beforeAll(async () => {
  nats = await privateNats();
  env = clusterEnv(nats);
  main = await startTestNode({
    services: "api,sauce.payment,sauce.delivery,sauce.orderDashboard",
    config: { ...env, SAUCE_RECONCILE_AFTER_MS: RECONCILE_AFTER_MS },
    clock,
  });
  u = await actors(main.url);
}, 60_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.kill("SIGKILL")));
  await main?.stop();
  await nats?.stop();
});

/** Every payment with this amount (amounts are unique per test order), as an admin sees them. */
const paymentsOf = async (amount: number): Promise<Json[]> =>
  (await list(u.dave, "/sauce/payments?limit=500")).items.filter((p: Json) => p.amount === amount);

/** Posts an order on an armed node: the node dies after paying, the client gets a 503. */
async function crashAfterPay(body: Json, key: string): Promise<void> {
  const node = await orderNode(true);
  const res = await u.alice.post("/sauce/orders", body, { headers: { "Idempotency-Key": key } });
  expectError(res, 503, "ServiceUnavailable");
  expect(res.headers.get("retry-after")).toBeTruthy();
  const exit = await node.kill();
  expect(exit.signal, "the order node killed itself after the payment").toBe("SIGKILL");
}

describe("order node dies between payment and order", () => {
  it("a retry with the same key completes the order; an order never retried is refunded", async () => {
    const refunded = orderBody({ qty: 3, price: 7_771 });
    const retried = orderBody({ qty: 3, price: 7_772 });
    await crashAfterPay(refunded, "crash-refund");
    await crashAfterPay(retried, "crash-retry");
    // charged, but no order: nothing is visible yet (an authorization is not an approved payment)
    expect(await paymentsOf(3 * 7_771)).toEqual([]);
    expect(await paymentsOf(3 * 7_772)).toEqual([]);

    // the order node is back, and has no order of either; the client retries with its key: the same order, charged once
    await orderNode(false);
    expect((await list(u.dave, `/sauce/orders?branchId=${retried.branchId}`)).items.length).toBe(0);
    const res = await u.alice.post("/sauce/orders", retried, { headers: { "Idempotency-Key": "crash-retry" } });
    expect(res.status, show(res)).toBe(201);
    const order = res.body;
    expect(order).toMatchObject({ ...retried, status: "Paid", customerId: u.ids.alice });
    const payment = await eventually(async () => {
      const found = await paymentsOf(3 * 7_772);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ orderId: order.id, status: "Approved" });
      return found[0];
    });
    await deliveryOf(u.alice, order.id, "Started");
    await rowWithStatus(u.alice, order.id, "Started");

    // not before SAUCE_RECONCILE_AFTER_MS: the reconciliation runs now and refunds nothing
    clock.advance(RECONCILE_AFTER_MS - 1000);
    await main.node.broker.call("sauce.payment.tick");
    const refunds = () => eventCounts(main.node.runtime.nc, "sauce", "sauce.payment.>", "PaymentCanceled", "orderId");
    expect((await refunds()).size).toBe(0);
    // the order never retried: refunded once SAUCE_RECONCILE_AFTER_MS has passed, once
    clock.advance(1000);
    await main.node.broker.call("sauce.payment.tick");
    const refund = await eventually(async () => {
      const found = await paymentsOf(3 * 7_771);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ status: "Canceled", reason: "OrderNotStored" });
      return found[0];
    });
    expect([...(await refunds()).entries()]).toEqual([[refund.orderId, 1]]);
    expect((await list(u.dave, `/sauce/orders?branchId=${refunded.branchId}`)).items.length).toBe(0);
    expect((await list(u.dave, `/sauce/deliveries?orderId=${refund.orderId}`)).items.length).toBe(0);
    expectError(await u.dave.get(`/sauce/orderDashboards/${refund.orderId}`), 404, "NotFound");
    // its retry now is told so, and stores nothing
    const late = await u.alice.post("/sauce/orders", refunded, { headers: { "Idempotency-Key": "crash-refund" } });
    expectError(late, 409, "Conflict");
    expect((await list(u.dave, `/sauce/orders?branchId=${refunded.branchId}`)).items.length).toBe(0);

    // the completed order was never refunded by the reconciliation
    expect((await u.alice.get(`/sauce/payments/${payment.id}`)).body.status).toBe("Approved");
    expect((await list(u.dave, `/sauce/deliveries?orderId=${order.id}`)).items.length).toBe(1);
  }, 60_000);
});
