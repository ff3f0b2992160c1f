// Order aggregate: stored once per orderId, born Paid; the owner cancels until delivered.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { Order, type OrderCommand, type OrderState, orderView } from "../../src/order.js";
import { SauceEventSchemas } from "../../src/schemas.js";

const { ctx, at, run } = aggregateHarness(Order, SauceEventSchemas);
const ORDER = "01HZX000000000000000000101";
const place: OrderCommand = {
  type: "Place",
  orderId: ORDER,
  customerId: "customer-1",
  branchId: "gangnam-1",
  sauceId: "soy-garlic",
  qty: 20,
  price: 3500,
};
const placed = () => run(undefined, place).state as OrderState;

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
    expect(Order.decide(placed(), place, ctx)).toEqual([]);
    const canceled = run(placed(), { type: "Cancel", delivered: false }).state;
    expect(Order.decide(canceled, place, ctx)).toEqual([]);
  });
});

describe("Order.decide Cancel", () => {
  it("cancels a paid order", () => {
    const { events, state } = run(placed(), { type: "Cancel", delivered: false });
    expect(events).toEqual([{ type: "OrderCanceled", data: { orderId: ORDER } }]);
    expect(state?.status).toBe("Canceled");
    expect(state?.createdAt).toBe(at(0));
  });

  it("refuses once the delivery was completed (409 AlreadyDelivered)", () => {
    const r = refusalOf(() => Order.decide(placed(), { type: "Cancel", delivered: true }, ctx));
    expect([r.status, r.rule]).toEqual([409, "AlreadyDelivered"]);
  });

  it("a second cancel changes nothing", () => {
    const canceled = run(placed(), { type: "Cancel", delivered: false }).state;
    expect(Order.decide(canceled, { type: "Cancel", delivered: false }, ctx)).toEqual([]);
    expect(Order.decide(canceled, { type: "Cancel", delivered: true }, ctx)).toEqual([]);
  });

  it("an unknown order is 404", () => {
    expect(refusalOf(() => Order.decide(undefined, { type: "Cancel", delivered: false }, ctx)).status).toBe(404);
  });
});
