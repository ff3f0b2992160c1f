// Order: stored once per orderId, born Paid; the owner cancels until delivered.
// The order decides "canceled or delivered": exactly one of the two.
import { deciderSpec, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { type OrderCommand, orderDecider, orderView } from "./order.js";
import { SauceEventSchemas } from "./schemas.js";

const { given, history, at } = deciderSpec(orderDecider, SauceEventSchemas);
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
const orderDelivered = { type: "OrderDelivered" as const, data: { orderId: ORDER, deliveryId: DELIVERY } };
const placed = history(place);
const canceled = history(place, cancel);
const delivered = history(place, markDelivered);

describe("Order Place", () => {
  it("places a Paid order with every field of the command", () => {
    const state = given([])
      .when(place)
      .then([
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
    expect(orderView(state)).toEqual({
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
    given(placed).when(place).thenNothing();
    given(canceled).when(place).thenNothing();
    given(delivered).when(place).thenNothing();
  });
});

describe("Order Cancel", () => {
  it("cancels a paid order", () => {
    const state = given(placed)
      .when(cancel)
      .then([{ type: "OrderCanceled", data: { orderId: ORDER } }]);
    expect(state.status).toBe("Canceled");
    expect(state.createdAt).toBe(at(0));
  });

  it("refuses once the delivery was recorded (409 AlreadyDelivered)", () => {
    given(delivered).when(cancel).thenRefuses(409, "AlreadyDelivered");
  });

  it("a second cancel changes nothing", () => {
    given(canceled).when(cancel).thenNothing();
  });

  it("an unknown order is 404", () => {
    given([]).when(cancel).thenRefuses(404, "NotFound");
  });
});

describe("Order MarkDelivered", () => {
  it("records the delivery; the order stays Paid in its view", () => {
    const state = given(placed).when(markDelivered).then([orderDelivered]);
    expect(state.deliveredBy).toBe(DELIVERY);
    expect(orderView(state)).toMatchObject({ status: "Paid", updatedAt: at(1) });
  });

  it("recording it again changes nothing (a retried completion, or the policy after the request)", () => {
    given(delivered).when(markDelivered).thenNothing();
  });

  it("refuses a canceled order (409 OrderCanceled)", () => {
    given(canceled).when(markDelivered).thenRefuses(409, "OrderCanceled");
  });

  it("an unknown order is 404", () => {
    given([]).when(markDelivered).thenRefuses(404, "NotFound");
  });
});

describe("cancel and completion racing on one order", () => {
  // Both are decided on the order's state: whichever is decided first, the other is refused.
  it("whichever comes first wins, the other is refused with 409", () => {
    for (const [first, second] of [
      [cancel, markDelivered],
      [markDelivered, cancel],
    ] as const) {
      const r = refusalOf(() => given(history(place, first)).when(second).outcome());
      expect(r.status).toBe(409);
    }
  });
});
