// The delivery's side of the sauce saga: an approved payment starts the
// delivery, a refund cancels it, an order that recorded its delivery completes it.
import { execute } from "@seed/platform";
import { effectsOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { deliveryDecider } from "./delivery.js";
import { deliveryPolicy } from "./delivery.policy.js";
import { deliveryIdOf, paymentIdOf } from "./ids.js";

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const ORDER = id(101);
const PAYMENT = paymentIdOf(ORDER);
const DELIVERY = deliveryIdOf(ORDER);
const customerId = "customer-1";

describe("sauce delivery policy", () => {
  it("given PaymentApproved → starts the order's delivery", async () => {
    const approved = { paymentId: PAYMENT, orderId: ORDER, amount: 3000, customerId };
    expect(await effectsOf(deliveryPolicy, { type: "PaymentApproved", data: approved })).toEqual([
      execute(deliveryDecider, DELIVERY, { type: "Start", deliveryId: DELIVERY, orderId: ORDER, customerId }),
    ]);
  });

  it("given PaymentCanceled (OrderCanceled) → cancels the delivery, started or not", async () => {
    const refunded = { paymentId: PAYMENT, orderId: ORDER, reason: "OrderCanceled" as const, customerId };
    expect(await effectsOf(deliveryPolicy, { type: "PaymentCanceled", data: refunded })).toEqual([
      execute(deliveryDecider, DELIVERY, { type: "Cancel", deliveryId: DELIVERY, orderId: ORDER, customerId }),
    ]);
  });

  it("given PaymentCanceled (OrderNotStored) → does nothing: no delivery was ever due", async () => {
    const refunded = { paymentId: PAYMENT, orderId: ORDER, reason: "OrderNotStored" as const, customerId };
    expect(await effectsOf(deliveryPolicy, { type: "PaymentCanceled", data: refunded })).toEqual([]);
  });

  it("given OrderDelivered → completes the delivery", async () => {
    expect(
      await effectsOf(deliveryPolicy, { type: "OrderDelivered", data: { orderId: ORDER, deliveryId: DELIVERY } }),
    ).toEqual([execute(deliveryDecider, DELIVERY, { type: "Complete" })]);
  });
});
