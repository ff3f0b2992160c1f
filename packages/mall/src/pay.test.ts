// Pay: one per order; the authority on "cancel only until the deposit is checked".
import { deciderSpec, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { ensureCheckable, type PayCommand, payDecider, payView } from "./pay.js";
import { MallEventSchemas } from "./schemas.js";

const { given, history, at } = deciderSpec(payDecider, MallEventSchemas);

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const ORDER = id(101);
const PAY = id(201);
const PRODUCT = id(1);

const place: PayCommand = {
  type: "Place",
  payId: PAY,
  orderId: ORDER,
  customerId: "customer-1",
  productId: PRODUCT,
  qty: 2,
  amount: 60_000,
};
const cancel = (reason: "OrderCanceled" | "OutOfStock" = "OrderCanceled"): PayCommand => ({
  type: "Cancel",
  payId: PAY,
  orderId: ORDER,
  customerId: "customer-1",
  reason,
});
const payCanceled = (reason: "OrderCanceled" | "OutOfStock" = "OrderCanceled") => ({
  type: "PayCanceled" as const,
  data: { payId: PAY, orderId: ORDER, customerId: "customer-1", reason },
});

const placed = history(place);
const checked = history(place, { type: "Check" });
const canceled = history(place, cancel());
const canceledBeforePlaced = history(cancel());

describe("Pay Place", () => {
  it("places a pay for the order", () => {
    given([])
      .when(place)
      .then([
        {
          type: "PayPlaced",
          data: { payId: PAY, orderId: ORDER, amount: 60_000, productId: PRODUCT, qty: 2, customerId: "customer-1" },
        },
      ]);
  });

  it("is idempotent: Place twice produces nothing (one Pay per order)", () => {
    given(placed).when(place).thenNothing();
    given(checked).when(place).thenNothing();
  });

  it("Place after a cancel creates nothing", () => {
    given(canceled).when(place).thenNothing();
    given(canceledBeforePlaced).when(place).thenNothing();
  });
});

describe("Pay Check", () => {
  it("refuses an unknown pay with 404", () => {
    given([]).when({ type: "Check" }).thenRefuses(404, "NotFound");
  });

  it("checks a placed pay", () => {
    given(placed)
      .when({ type: "Check" })
      .then([{ type: "PayChecked", data: { payId: PAY, orderId: ORDER } }]);
  });

  it("is idempotent: Check twice produces nothing the second time", () => {
    given(checked).when({ type: "Check" }).thenNothing();
  });

  it("refuses to check a canceled pay with 409 OrderCanceled", () => {
    for (const events of [canceled, canceledBeforePlaced, history(place, cancel("OutOfStock"))]) {
      given(events).when({ type: "Check" }).thenRefuses(409, "OrderCanceled");
    }
  });
});

describe("ensureCheckable", () => {
  it("refuses unknown (404) and canceled (409) pays, accepts placed and checked ones", () => {
    expect(refusalOf(() => ensureCheckable(undefined)).status).toBe(404);
    expect(refusalOf(() => ensureCheckable(given([]).state)).status).toBe(404);
    const r = refusalOf(() => ensureCheckable(given(canceled).state));
    expect([r.status, r.rule]).toEqual([409, "OrderCanceled"]);
    expect(() => ensureCheckable(given(placed).state)).not.toThrow();
    expect(() => ensureCheckable(given(checked).state)).not.toThrow();
  });
});

describe("Pay Cancel", () => {
  it.each(["OrderCanceled", "OutOfStock"] as const)("cancels a placed pay (reason %s)", (reason) => {
    given(placed)
      .when(cancel(reason))
      .then([payCanceled(reason)]);
  });

  it("cancels before the Pay exists (the customer was quicker than the policy)", () => {
    given([]).when(cancel()).then([payCanceled()]);
  });

  it("is idempotent: Cancel twice produces nothing the second time", () => {
    given(canceled).when(cancel()).thenNothing();
    given(canceled).when(cancel("OutOfStock")).thenNothing();
    given(canceledBeforePlaced).when(cancel()).thenNothing();
  });

  it("refuses to cancel a checked pay with 409 DepositChecked", () => {
    for (const reason of ["OrderCanceled", "OutOfStock"] as const) {
      given(checked).when(cancel(reason)).thenRefuses(409, "DepositChecked");
    }
  });

  it("cancel and check on the same pay: exactly one wins, whichever comes first", () => {
    // check first: cancel refused
    given(checked).when(cancel()).thenRefuses(409, "DepositChecked");
    // cancel first: check refused
    given(canceled).when({ type: "Check" }).thenRefuses(409, "OrderCanceled");
  });
});

describe("Pay evolve", () => {
  it("folds placed → checked", () => {
    const s = given(placed)
      .when({ type: "Check" })
      .then([{ type: "PayChecked", data: { payId: PAY, orderId: ORDER } }]);
    expect(s).toEqual({
      id: PAY,
      orderId: ORDER,
      customerId: "customer-1",
      productId: PRODUCT,
      qty: 2,
      amount: 60_000,
      status: "PayChecked",
      createdAt: at(0),
      updatedAt: at(1),
    });
    expect(payView(s)).toEqual({
      id: PAY,
      orderId: ORDER,
      amount: 60_000,
      status: "PayChecked",
      createdAt: at(0),
      updatedAt: at(1),
    });
  });

  it("folds placed → canceled, keeping the pay's fields and recording the reason", () => {
    const s = given(placed)
      .when(cancel("OutOfStock"))
      .then([payCanceled("OutOfStock")]);
    expect(s).toMatchObject({ id: PAY, amount: 60_000, qty: 2, status: "PayCanceled", reason: "OutOfStock" });
    expect(s.createdAt).toBe(at(0));
    expect(s.updatedAt).toBe(at(1));
    expect(payView(s)).toMatchObject({ status: "PayCanceled", reason: "OutOfStock" });
  });

  it("folds a cancel that came before the Pay into a canceled Pay", () => {
    expect(given(canceledBeforePlaced).state).toEqual({
      id: PAY,
      orderId: ORDER,
      customerId: "customer-1",
      productId: "",
      qty: 0,
      amount: 0,
      status: "PayCanceled",
      reason: "OrderCanceled",
      createdAt: at(0),
      updatedAt: at(0),
    });
  });

  it("a late PayPlaced after a stored cancel-first is never produced, so the pay stays canceled", () => {
    const { events, state } = given(canceledBeforePlaced).when(place).outcome();
    expect(events).toEqual([]);
    expect(state.status).toBe("PayCanceled");
  });
});
