// Order aggregate: stored once per orderId, born Paid; the owner cancels until
// delivered. The order decides "canceled or delivered": exactly one of the two.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { type OrderCommand, type OrderState, orderDecider, orderView } from "../../src/order.js";
import { SauceEventSchemas } from "../../src/schemas.js";

const { ctx, at, run } = aggregateHarness(orderDecider, SauceEventSchemas);
const ORDER = "01HZX000000000000000000101";
const DELIVERY = "01HZX000000000000000000301";
const place: OrderCommand = {
  type: "Place",
  orderId: ORDER,
  customerId: "customer-1",
  branchId: "gangnam-1",
  sauceId: "soy-garlic",
  qty: 20,
  price: 3500,
};
const cancel: OrderCommand = { type: "Cancel" };
const markDelivered: OrderCommand = { type: "MarkDelivered", deliveryId: DELIVERY };
const placed = () => run(undefined, place).state as OrderState;
const canceled = () => run(placed(), cancel).state as OrderState;
const delivered = () => run(placed(), markDelivered).state as OrderState;

describe("Order.decide Place", () => {
  it("places a Paid order with every field of the command", () => {
    const { events, state } = run(undefined, place);
    expect(events).toEqual([
      {
        type: "OrderPlaced",
        data: {
          orderId: ORDER,
          customerId: "customer-1",
          branchId: "gangnam-1",
          sauceId: "soy-garlic",
          qty: 20,
          price: 3500,
        },
      },
    ]);
    expect(orderView(state as OrderState)).toEqual({
      id: ORDER,
      customerId: "customer-1",
      branchId: "gangnam-1",
      sauceId: "soy-garlic",
      qty: 20,
      price: 3500,
      status: "Paid",
      createdAt: at(0),
      updatedAt: at(0),
    });
  });

  it("is idempotent: placing a stored order again appends nothing", () => {
    expect(orderDecider.decide(placed(), place, ctx)).toEqual([]);
    expect(orderDecider.decide(canceled(), place, ctx)).toEqual([]);
    expect(orderDecider.decide(delivered(), place, ctx)).toEqual([]);
  });
});

describe("Order.decide Cancel", () => {
  it("cancels a paid order", () => {
    const { events, state } = run(placed(), cancel);
    expect(events).toEqual([{ type: "OrderCanceled", data: { orderId: ORDER } }]);
    expect(state?.status).toBe("Canceled");
    expect(state?.createdAt).toBe(at(0));
  });

  it("refuses once the delivery was recorded (409 AlreadyDelivered)", () => {
    const r = refusalOf(() => orderDecider.decide(delivered(), cancel, ctx));
    expect([r.status, r.rule]).toEqual([409, "AlreadyDelivered"]);
  });

  it("a second cancel changes nothing", () => {
    expect(orderDecider.decide(canceled(), cancel, ctx)).toEqual([]);
  });

  it("an unknown order is 404", () => {
    expect(refusalOf(() => orderDecider.decide(undefined, cancel, ctx)).status).toBe(404);
  });
});

describe("Order.decide MarkDelivered", () => {
  it("records the delivery; the order stays Paid in its view", () => {
    const { events, state } = run(placed(), markDelivered);
    expect(events).toEqual([{ type: "OrderDelivered", data: { orderId: ORDER, deliveryId: DELIVERY } }]);
    expect(state?.deliveredBy).toBe(DELIVERY);
    expect(orderView(state as OrderState)).toMatchObject({ status: "Paid", updatedAt: at(1) });
  });

  it("recording it again changes nothing (a retried completion, or the policy after the request)", () => {
    expect(orderDecider.decide(delivered(), markDelivered, ctx)).toEqual([]);
  });

  it("refuses a canceled order (409 OrderCanceled)", () => {
    const r = refusalOf(() => orderDecider.decide(canceled(), markDelivered, ctx));
    expect([r.status, r.rule]).toEqual([409, "OrderCanceled"]);
  });

  it("an unknown order is 404", () => {
    expect(refusalOf(() => orderDecider.decide(undefined, markDelivered, ctx)).status).toBe(404);
  });
});

describe("cancel and completion racing on one order", () => {
  // Both are decided on the order's state: whichever is decided first, the other is refused.
  it("whichever comes first wins, the other is refused with 409", () => {
    for (const [first, second] of [
      [cancel, markDelivered],
      [markDelivered, cancel],
    ] as const) {
      const { state } = run(placed(), first);
      const r = refusalOf(() => orderDecider.decide(state, second, ctx));
      expect(r.status).toBe(409);
    }
  });
});
