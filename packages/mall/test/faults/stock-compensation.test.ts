// The saga's stock step has a compensation. A deposit check takes stock
// synchronously; if the decrease is stored but its answer is lost (the check
// gave up at its timeout), a cancel can win the pay afterwards. The order then
// ends canceled with its stock taken, unless the pay's policy, meeting the
// QtyDecreased of a canceled pay, has the product give the stock back, once.
//
// The race is made to happen, with wide margins for a busy machine: the
// node's product holds each decrease 1 s before it runs, and its answer past
// the check's timeout (2 s), so the check answers 503 while the stock is gone.
// A cancel sent 400 ms after the check queues on the pay behind it, ahead of
// the pay policy's reaction to the decrease, and still has time left when the
// check gives up. The node has a nats-server of its own: the pay policy that
// reacts must be this node's, queued on the same pay, not another test file's
// node sharing the durable consumer.
import { eventCounts, type FaultPlan } from "@seed/platform/testing";
import { faultCluster } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  actors,
  deliveryWithStatus,
  expectError,
  getProduct,
  historyOf,
  newProduct,
  payOf,
  payWithStatus,
  placeOrder,
  rowWithStatus,
  show,
} from "../integration/helpers.js";

const REQUEST_TIMEOUT_MS = 2000;
const lateAnswers: FaultPlan = {
  delayAction: { action: "mall.product.decreaseStock", ms: 1000 },
  delayAnswer: { action: "mall.product.decreaseStock", ms: REQUEST_TIMEOUT_MS + 500 },
};

const cluster = faultCluster({
  main: { services: "api,mall.*", config: { REQUEST_TIMEOUT_MS }, faults: lateAnswers },
});

/** How many events of `type` the product's subject holds, per order. */
const perOrder = (productId: string, type: string) =>
  eventCounts(cluster.main.node.runtime.nc, "mall", `mall.product.${productId}`, type, "orderId");

let u: Actors;
beforeAll(async () => {
  u = await actors(cluster.main.url);
});

describe("a decrease that lands after its check gave up, then a cancel that wins the pay", () => {
  it("gives the stock back once; the order ends canceled with 재고복원 in its history; no delivery", async () => {
    const product = await newProduct(u.bob, 10, 1200);
    const order = await placeOrder(u.alice, product, 3);
    const pay = await payOf(u.bob, order.id);

    const checking = u.bob.post(`/mall/pays/${pay.id}/check`);
    await new Promise((r) => setTimeout(r, 400)); // the check holds the pay, its decrease is held
    const cancel = await u.alice.post(`/mall/orders/${order.id}/cancel`);
    const check = await checking;

    expectError(check, 503, "ServiceUnavailable"); // the check never heard of its decrease
    expect(cancel.status, show(cancel)).toBe(200); // and the cancel won the pay
    expect(cancel.body.status).toBe("OrderCanceled");
    await payWithStatus(u.bob, order.id, "PayCanceled");

    // the decrease was stored all the same: the race really happened
    const decreases = await perOrder(product.id, "QtyDecreased");
    expect(decreases.get(order.id)).toBe(1);

    const row = await rowWithStatus(u.alice, order.id, "OrderCanceled");
    await expect
      .poll(async () => historyOf((await u.alice.get(`/mall/orderStatuses/${order.id}`)).body), { timeout: 10_000 })
      .toContain("StockRestored");
    expect(historyOf(row)).toContain("QtyDecreased");
    expect((await getProduct(u.bob, product.id)).qty).toBe(10);

    const restores = await perOrder(product.id, "StockRestored");
    expect([...restores.entries()]).toEqual([[order.id, 1]]);
    const deliveries = await u.bob.get(`/mall/deliveries?orderId=${order.id}`);
    expect(deliveries.body.items).toEqual([]);
  }, 30_000);

  it("a check whose answer is late but that keeps the pay is not compensated", async () => {
    const product = await newProduct(u.bob, 10, 1300);
    const order = await placeOrder(u.alice, product, 4);
    const pay = await payOf(u.bob, order.id);

    expectError(await u.bob.post(`/mall/pays/${pay.id}/check`), 503, "ServiceUnavailable");
    // nobody canceled: the pay's policy completes the check from the stored decrease
    await payWithStatus(u.bob, order.id, "PayChecked");
    await deliveryWithStatus(u.bob, order.id);
    expect((await getProduct(u.bob, product.id)).qty).toBe(6);
    const cancel = await u.alice.post(`/mall/orders/${order.id}/cancel`);
    expectError(cancel, 409, "Conflict");
    const restores = await perOrder(product.id, "StockRestored");
    expect(restores.size).toBe(0);
  }, 30_000);
});
