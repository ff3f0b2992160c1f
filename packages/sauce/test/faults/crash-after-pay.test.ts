// The crash point of placing an order: the order node dies after the payment
// was taken and before the order was stored (a real process, SIGKILLed by a
// crash point armed at exactly that point). Two ways out, both tested:
// a retry with the same Idempotency-Key completes the order (same orderId, the
// same payment, charged once); without a retry, the payment is refunded once
// SAUCE_RECONCILE_AFTER_MS has passed, and no order, delivery or row appears.
// Time is the services' clock, shared by every node: the test moves it past
// the window instead of waiting it out.
import { commitsOn, eventCounts, eventually, retriedWhileUnavailable, type SpawnedNode } from "@seed/platform/testing";
import { faultCluster } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
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

// Far wider than spawning a node on a loaded machine takes: the test moves the
// shared clock past it instead of waiting it out.
const RECONCILE_AFTER_MS = 10 * 60_000;
const cluster = faultCluster({
  env: { SAUCE_RECONCILE_AFTER_MS: RECONCILE_AFTER_MS },
  main: { services: "api,sauce.payment,sauce.delivery,sauce.orderDashboard" },
});
let u: Actors;
beforeAll(async () => {
  u = await actors(cluster.main.url);
});

/** A sauce.order node; `dieAfterPay` arms a crash point right after its payment call answers. */
const orderNode = (dieAfterPay: boolean): Promise<SpawnedNode> =>
  cluster.spawn("sauce.order", {
    nodeId: "sauce-order", // a restarted pod: the gateway forgets the dead one at once
    ...(dieAfterPay ? { faults: { killAfterCall: "sauce.payment.pay" } } : {}),
  });

/** The shared clock moved on to `at` (where it already is, if later), and the payment's reconciliation run there. */
const reconcileAt = (at: number) => cluster.advance(Math.max(0, at - cluster.clock.now()), ["sauce.payment"]);

/** When the payment of `amount` was authorized, read from the stream: no API shows an authorization. */
async function authorizedAt(amount: number): Promise<number> {
  const events = (await commitsOn(cluster.main.node.runtime.nc, "sauce", "sauce.payment.>")).flatMap((c) => c.events);
  const authorized = events.find((e) => (e.data as { amount?: number }).amount === amount);
  if (!authorized) throw new Error(`no payment of ${amount} in the stream`);
  return Date.parse(authorized.occurredAt);
}

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
    const res = await retriedWhileUnavailable(() =>
      u.alice.post("/sauce/orders", retried, { headers: { "Idempotency-Key": "crash-retry" } }),
    );
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
    const paidAt = await authorizedAt(3 * 7_771);
    await reconcileAt(paidAt + RECONCILE_AFTER_MS - 1000);
    const refunds = () =>
      eventCounts(cluster.main.node.runtime.nc, "sauce", "sauce.payment.>", "PaymentCanceled", "orderId");
    expect((await refunds()).size).toBe(0);
    // the order never retried: refunded once SAUCE_RECONCILE_AFTER_MS has passed, once
    await reconcileAt(paidAt + RECONCILE_AFTER_MS + 1);
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
