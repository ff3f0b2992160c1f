// Pay aggregate: one per order; the authority on "cancel only until the deposit is checked".
import { Refusal } from "@seed/platform/domain";
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { ensureCheckable, type PayCommand, type PayState, payDecider, payView } from "../../src/pay.js";
import { MallEventSchemas } from "../../src/schemas.js";

const { ctx, at, run, expectValid } = aggregateHarness(payDecider, MallEventSchemas);

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

const placed = () => run(undefined, place).state as PayState;
const checked = () => run(placed(), { type: "Check" }).state as PayState;
const canceled = () => run(placed(), cancel()).state as PayState;
const canceledBeforePlaced = () => run(undefined, cancel()).state as PayState;

describe("Pay.decide Place", () => {
  it("places a pay for the order", () => {
    const events = payDecider.decide(undefined, place, ctx);
    expect(events).toEqual([
      {
        type: "PayPlaced",
        data: { payId: PAY, orderId: ORDER, amount: 60_000, productId: PRODUCT, qty: 2, customerId: "customer-1" },
      },
    ]);
    expectValid(events);
  });

  it("is idempotent: Place twice produces nothing (one Pay per order)", () => {
    expect(payDecider.decide(placed(), place, ctx)).toEqual([]);
    expect(payDecider.decide(checked(), place, ctx)).toEqual([]);
  });

  it("Place after a cancel creates nothing", () => {
    expect(payDecider.decide(canceled(), place, ctx)).toEqual([]);
    expect(payDecider.decide(canceledBeforePlaced(), place, ctx)).toEqual([]);
  });
});

describe("Pay.decide Check", () => {
  it("refuses an unknown pay with 404", () => {
    const r = refusalOf(() => payDecider.decide(undefined, { type: "Check" }, ctx));
    expect([r.status, r.rule]).toEqual([404, "NotFound"]);
  });

  it("checks a placed pay", () => {
    const events = payDecider.decide(placed(), { type: "Check" }, ctx);
    expect(events).toEqual([{ type: "PayChecked", data: { payId: PAY, orderId: ORDER } }]);
    expectValid(events);
  });

  it("is idempotent: Check twice produces nothing the second time", () => {
    expect(payDecider.decide(checked(), { type: "Check" }, ctx)).toEqual([]);
  });

  it("refuses to check a canceled pay with 409 OrderCanceled", () => {
    for (const s of [canceled(), canceledBeforePlaced(), run(placed(), cancel("OutOfStock")).state]) {
      const r = refusalOf(() => payDecider.decide(s, { type: "Check" }, ctx));
      expect([r.status, r.rule]).toEqual([409, "OrderCanceled"]);
    }
  });
});

describe("ensureCheckable", () => {
  it("refuses unknown (404) and canceled (409) pays, accepts placed and checked ones", () => {
    expect(refusalOf(() => ensureCheckable(undefined)).status).toBe(404);
    const r = refusalOf(() => ensureCheckable(canceled()));
    expect([r.status, r.rule]).toEqual([409, "OrderCanceled"]);
    expect(() => ensureCheckable(placed())).not.toThrow();
    expect(() => ensureCheckable(checked())).not.toThrow();
  });
});

describe("Pay.decide Cancel", () => {
  it.each(["OrderCanceled", "OutOfStock"] as const)("cancels a placed pay (reason %s)", (reason) => {
    const events = payDecider.decide(placed(), cancel(reason), ctx);
    expect(events).toEqual([
      { type: "PayCanceled", data: { payId: PAY, orderId: ORDER, customerId: "customer-1", reason } },
    ]);
    expectValid(events);
  });

  it("cancels before the Pay exists (the customer was quicker than the policy)", () => {
    const events = payDecider.decide(undefined, cancel(), ctx);
    expect(events).toEqual([
      { type: "PayCanceled", data: { payId: PAY, orderId: ORDER, customerId: "customer-1", reason: "OrderCanceled" } },
    ]);
    expectValid(events);
  });

  it("is idempotent: Cancel twice produces nothing the second time", () => {
    expect(payDecider.decide(canceled(), cancel(), ctx)).toEqual([]);
    expect(payDecider.decide(canceled(), cancel("OutOfStock"), ctx)).toEqual([]);
    expect(payDecider.decide(canceledBeforePlaced(), cancel(), ctx)).toEqual([]);
  });

  it("refuses to cancel a checked pay with 409 DepositChecked", () => {
    for (const reason of ["OrderCanceled", "OutOfStock"] as const) {
      const r = refusalOf(() => payDecider.decide(checked(), cancel(reason), ctx));
      expect([r.status, r.rule]).toEqual([409, "DepositChecked"]);
    }
  });

  it("cancel and check on the same pay: exactly one wins, whichever comes first", () => {
    // check first: cancel refused
    const afterCheck = checked();
    expect(() => payDecider.decide(afterCheck, cancel(), ctx)).toThrow(Refusal);
    // cancel first: check refused
    const afterCancel = canceled();
    expect(() => payDecider.decide(afterCancel, { type: "Check" }, ctx)).toThrow(Refusal);
  });
});

describe("Pay.evolve", () => {
  it("folds placed → checked", () => {
    const s = checked();
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
    const s = run(placed(), cancel("OutOfStock")).state as PayState;
    expect(s).toMatchObject({ id: PAY, amount: 60_000, qty: 2, status: "PayCanceled", reason: "OutOfStock" });
    expect(s.createdAt).toBe(at(0));
    expect(s.updatedAt).toBe(at(1));
    expect(payView(s)).toMatchObject({ status: "PayCanceled", reason: "OutOfStock" });
  });

  it("folds a cancel that came before the Pay into a canceled Pay", () => {
    const s = canceledBeforePlaced();
    expect(s).toEqual({
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
    const s = canceledBeforePlaced();
    const { events, state } = run(s, place);
    expect(events).toEqual([]);
    expect(state?.status).toBe("PayCanceled");
  });
});
