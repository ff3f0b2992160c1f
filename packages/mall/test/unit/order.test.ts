// Order aggregate: placed, canceled until the deposit is checked, closed once delivery started.
import { Refusal } from "@seed/platform/domain";
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { ensureSamePrice, type OrderCommand, type OrderState, orderDecider, orderView } from "../../src/order.js";
import { MallEventSchemas } from "../../src/schemas.js";

const { ctx, at, fold, run, expectValid } = aggregateHarness(orderDecider, MallEventSchemas);

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const ORDER = id(101);
const PRODUCT = id(1);

const place: Extract<OrderCommand, { type: "Place" }> = {
  type: "Place",
  orderId: ORDER,
  customerId: "customer-1",
  productId: PRODUCT,
  productName: "Keyboard",
  qty: 2,
  price: 30_000,
  address: "Seoul, Gangnam-gu 1",
};

const placed = () => run(undefined, place).state as OrderState;
const canceled = () => run(placed(), { type: "Cancel", reason: "CustomerCanceled" }).state as OrderState;
const closed = () => run(placed(), { type: "Close", deliveryStarted: true }).state as OrderState;

describe("Order.decide Place", () => {
  it("places a new order", () => {
    const events = orderDecider.decide(undefined, place, ctx);
    const { type: _, ...data } = place;
    expect(events).toEqual([{ type: "OrderPlaced", data }]);
    expectValid(events);
  });

  it("is idempotent: Place twice produces nothing the second time", () => {
    expect(orderDecider.decide(placed(), place, ctx)).toEqual([]);
  });

  it("Place on a canceled or closed order produces nothing", () => {
    expect(orderDecider.decide(canceled(), place, ctx)).toEqual([]);
    expect(orderDecider.decide(closed(), place, ctx)).toEqual([]);
  });
});

describe("Order.decide Place at the price the customer saw", () => {
  it("places the order when the price seen is the catalog's; the price seen is not part of the order", () => {
    const events = orderDecider.decide(undefined, { ...place, seenPrice: 30_000 }, ctx);
    const { type: _, ...data } = place;
    expect(events).toEqual([{ type: "OrderPlaced", data }]);
    expectValid(events);
  });

  it.each([29_999, 30_001, 0, 1])("refuses a price seen of %i with 409 PriceChanged and the current price", (seen) => {
    const r = refusalOf(() => orderDecider.decide(undefined, { ...place, seenPrice: seen }, ctx));
    expect([r.status, r.rule]).toEqual([409, "PriceChanged"]);
    expect(r.message).toBe("the price of Keyboard is now 30000");
    expect(r.details).toEqual({ price: 30_000 });
  });

  it("ensureSamePrice lets an order without a price seen through", () => {
    expect(() => ensureSamePrice("Keyboard", 30_000, undefined)).not.toThrow();
    expect(() => ensureSamePrice("Keyboard", 30_000, 30_000)).not.toThrow();
    expect(refusalOf(() => ensureSamePrice("Keyboard", 30_000, 3)).rule).toBe("PriceChanged");
  });
});

describe("Order.decide Cancel", () => {
  it("refuses an unknown order with 404", () => {
    const r = refusalOf(() => orderDecider.decide(undefined, { type: "Cancel", reason: "CustomerCanceled" }, ctx));
    expect([r.status, r.rule]).toEqual([404, "NotFound"]);
  });

  it.each(["CustomerCanceled", "OutOfStock"] as const)("cancels a placed order (reason %s)", (reason) => {
    const events = orderDecider.decide(placed(), { type: "Cancel", reason }, ctx);
    expect(events).toEqual([{ type: "OrderCanceled", data: { orderId: ORDER, reason } }]);
    expectValid(events);
  });

  it("is idempotent: Cancel twice produces nothing the second time", () => {
    const s = canceled();
    expect(orderDecider.decide(s, { type: "Cancel", reason: "CustomerCanceled" }, ctx)).toEqual([]);
    expect(orderDecider.decide(s, { type: "Cancel", reason: "OutOfStock" }, ctx)).toEqual([]);
  });

  it("refuses to cancel a closed order with 409 AlreadyClosed", () => {
    const s = closed();
    for (const reason of ["CustomerCanceled", "OutOfStock"] as const) {
      const r = refusalOf(() => orderDecider.decide(s, { type: "Cancel", reason }, ctx));
      expect([r.status, r.rule]).toEqual([409, "AlreadyClosed"]);
    }
  });
});

describe("Order.decide Close", () => {
  it("refuses an unknown order with 404", () => {
    const r = refusalOf(() => orderDecider.decide(undefined, { type: "Close", deliveryStarted: true }, ctx));
    expect([r.status, r.rule]).toEqual([404, "NotFound"]);
  });

  it("refuses Close before delivery started with 409 DeliveryNotStarted", () => {
    const r = refusalOf(() => orderDecider.decide(placed(), { type: "Close", deliveryStarted: false }, ctx));
    expect([r.status, r.rule]).toEqual([409, "DeliveryNotStarted"]);
  });

  it("closes once delivery started", () => {
    const events = orderDecider.decide(placed(), { type: "Close", deliveryStarted: true }, ctx);
    expect(events).toEqual([{ type: "OrderClosed", data: { orderId: ORDER } }]);
    expectValid(events);
  });

  it("is idempotent: Close twice produces nothing the second time", () => {
    const s = closed();
    expect(orderDecider.decide(s, { type: "Close", deliveryStarted: true }, ctx)).toEqual([]);
    expect(orderDecider.decide(s, { type: "Close", deliveryStarted: false }, ctx)).toEqual([]);
  });

  it("refuses to close a canceled order with 409 OrderCanceled", () => {
    const s = canceled();
    for (const deliveryStarted of [true, false]) {
      const r = refusalOf(() => orderDecider.decide(s, { type: "Close", deliveryStarted }, ctx));
      expect([r.status, r.rule]).toEqual([409, "OrderCanceled"]);
    }
  });
});

describe("Order.evolve", () => {
  it("folds a placed order", () => {
    const events = orderDecider.decide(undefined, place, ctx);
    const s = fold(events) as OrderState;
    expect(s).toEqual({
      id: ORDER,
      customerId: "customer-1",
      productId: PRODUCT,
      productName: "Keyboard",
      qty: 2,
      price: 30_000,
      address: "Seoul, Gangnam-gu 1",
      status: "OrderPlaced",
      createdAt: at(0),
      updatedAt: at(0),
    });
    expect(orderView(s)).toEqual(s);
  });

  it("folds placed → closed", () => {
    const { type: _, ...data } = place;
    const s = fold([
      { type: "OrderPlaced", data },
      { type: "OrderClosed", data: { orderId: ORDER } },
    ]) as OrderState;
    expect(s.status).toBe("OrderClosed");
    expect(s.createdAt).toBe(at(0));
    expect(s.updatedAt).toBe(at(1));
    expect(s.qty).toBe(2);
  });

  it("folds placed → canceled, keeping the order's fields", () => {
    const { type: _, ...data } = place;
    const s = fold([
      { type: "OrderPlaced", data },
      { type: "OrderCanceled", data: { orderId: ORDER, reason: "OutOfStock" } },
    ]) as OrderState;
    expect(s.status).toBe("OrderCanceled");
    expect(s.address).toBe(place.address);
    expect(s.updatedAt).toBe(at(1));
  });

  it("a canceled order is never closed, a closed order is never canceled", () => {
    expect(() => orderDecider.decide(canceled(), { type: "Close", deliveryStarted: true }, ctx)).toThrow(Refusal);
    expect(() => orderDecider.decide(closed(), { type: "Cancel", reason: "CustomerCanceled" }, ctx)).toThrow(Refusal);
  });
});
