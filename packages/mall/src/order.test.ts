// Order: placed, canceled until the deposit is checked, closed once delivery started.
import { deciderSpec, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { ensureSamePrice, type OrderCommand, orderDecider, orderView } from "./order.js";
import { MallEventSchemas } from "./schemas.js";

const { given, history, at } = deciderSpec(orderDecider, MallEventSchemas);

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
const { type: _, ...placedData } = place;
const orderPlaced = { type: "OrderPlaced" as const, data: placedData };

const placed = [orderPlaced];
const canceled = history(place, { type: "Cancel", reason: "CustomerCanceled" });
const closed = history(place, { type: "Close", deliveryStarted: true });

describe("Order Place", () => {
  it("places a new order", () => {
    given([]).when(place).then([orderPlaced]);
  });

  it("is idempotent: Place twice produces nothing the second time", () => {
    given(placed).when(place).thenNothing();
  });

  it("Place on a canceled or closed order produces nothing", () => {
    given(canceled).when(place).thenNothing();
    given(closed).when(place).thenNothing();
  });
});

describe("Order Place at the price the customer saw", () => {
  it("places the order when the price seen is the catalog's; the price seen is not part of the order", () => {
    given([])
      .when({ ...place, seenPrice: 30_000 })
      .then([orderPlaced]);
  });

  it.each([29_999, 30_001, 0, 1])("refuses a price seen of %i with 409 PriceChanged and the current price", (seen) => {
    const r = given([])
      .when({ ...place, seenPrice: seen })
      .thenRefuses(409, "PriceChanged");
    expect(r.message).toBe("the price of Keyboard is now 30000");
    expect(r.details).toEqual({ price: 30_000 });
  });

  it("ensureSamePrice lets an order without a price seen through", () => {
    expect(() => ensureSamePrice("Keyboard", 30_000, undefined)).not.toThrow();
    expect(() => ensureSamePrice("Keyboard", 30_000, 30_000)).not.toThrow();
    expect(refusalOf(() => ensureSamePrice("Keyboard", 30_000, 3)).rule).toBe("PriceChanged");
  });
});

describe("Order Cancel", () => {
  it("refuses an unknown order with 404", () => {
    given([]).when({ type: "Cancel", reason: "CustomerCanceled" }).thenRefuses(404, "NotFound");
  });

  it.each(["CustomerCanceled", "OutOfStock"] as const)("cancels a placed order (reason %s)", (reason) => {
    given(placed)
      .when({ type: "Cancel", reason })
      .then([{ type: "OrderCanceled", data: { orderId: ORDER, reason } }]);
  });

  it("is idempotent: Cancel twice produces nothing the second time", () => {
    given(canceled).when({ type: "Cancel", reason: "CustomerCanceled" }).thenNothing();
    given(canceled).when({ type: "Cancel", reason: "OutOfStock" }).thenNothing();
  });

  it("refuses to cancel a closed order with 409 AlreadyClosed", () => {
    for (const reason of ["CustomerCanceled", "OutOfStock"] as const) {
      given(closed).when({ type: "Cancel", reason }).thenRefuses(409, "AlreadyClosed");
    }
  });
});

describe("Order Close", () => {
  it("refuses an unknown order with 404", () => {
    given([]).when({ type: "Close", deliveryStarted: true }).thenRefuses(404, "NotFound");
  });

  it("refuses Close before delivery started with 409 DeliveryNotStarted", () => {
    given(placed).when({ type: "Close", deliveryStarted: false }).thenRefuses(409, "DeliveryNotStarted");
  });

  it("closes once delivery started", () => {
    given(placed)
      .when({ type: "Close", deliveryStarted: true })
      .then([{ type: "OrderClosed", data: { orderId: ORDER } }]);
  });

  it("is idempotent: Close twice produces nothing the second time", () => {
    given(closed).when({ type: "Close", deliveryStarted: true }).thenNothing();
    given(closed).when({ type: "Close", deliveryStarted: false }).thenNothing();
  });

  it("refuses to close a canceled order with 409 OrderCanceled", () => {
    for (const deliveryStarted of [true, false]) {
      given(canceled).when({ type: "Close", deliveryStarted }).thenRefuses(409, "OrderCanceled");
    }
  });
});

describe("Order evolve", () => {
  it("folds a placed order", () => {
    const s = given([]).when(place).then([orderPlaced]);
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
    const { state: s } = given([orderPlaced, { type: "OrderClosed", data: { orderId: ORDER } }]);
    expect(s).toMatchObject({ status: "OrderClosed", createdAt: at(0), updatedAt: at(1), qty: 2 });
  });

  it("folds placed → canceled, keeping the order's fields", () => {
    const { state: s } = given([
      orderPlaced,
      { type: "OrderCanceled", data: { orderId: ORDER, reason: "OutOfStock" } },
    ]);
    expect(s).toMatchObject({ status: "OrderCanceled", address: place.address, updatedAt: at(1) });
  });

  it("a canceled order is never closed, a closed order is never canceled", () => {
    given(canceled).when({ type: "Close", deliveryStarted: true }).thenRefuses(409, "OrderCanceled");
    given(closed).when({ type: "Cancel", reason: "CustomerCanceled" }).thenRefuses(409, "AlreadyClosed");
  });

  it("an event on an order that was never placed leaves it empty", () => {
    expect(given([{ type: "OrderClosed", data: { orderId: ORDER } }]).state).toEqual({ status: "Empty" });
  });
});
