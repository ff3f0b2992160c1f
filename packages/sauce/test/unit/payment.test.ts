// Payment aggregate: authorized once per order, public (Approved) only once its
// order is stored, refunded on cancel, refunded when its order never appeared.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import {
  isOverdue,
  isVisible,
  type PaymentCommand,
  type PaymentState,
  paymentDecider,
  paymentView,
} from "../../src/payment.js";
import { SauceEventSchemas } from "../../src/schemas.js";

const { ctx, at, run } = aggregateHarness(paymentDecider, SauceEventSchemas);
const ORDER = "01HZX000000000000000000101";
const PAYMENT = "01HZX000000000000000000201";
const authorize: PaymentCommand = {
  type: "Authorize",
  paymentId: PAYMENT,
  orderId: ORDER,
  customerId: "customer-1",
  amount: 70_000,
};
const T0 = Date.parse(at(0));
const authorized = () => run(undefined, authorize).state as PaymentState;
const approved = () => run(authorized(), { type: "Approve" }).state as PaymentState;
const refunded = () => run(approved(), { type: "Cancel" }).state as PaymentState;
const expire = (afterNow: number): PaymentCommand => ({ type: "Expire", now: T0 + afterNow, afterMs: 30_000 });

describe("Payment.decide Authorize", () => {
  it("charges the order once", () => {
    const { events, state } = run(undefined, authorize);
    expect(events).toEqual([
      {
        type: "PaymentAuthorized",
        data: { paymentId: PAYMENT, orderId: ORDER, amount: 70_000, customerId: "customer-1" },
      },
    ]);
    expect(state?.status).toBe("Authorized");
    expect(isVisible(state as PaymentState)).toBe(false);
  });

  it("a retried pay charges nothing, whatever became of the payment", () => {
    for (const s of [authorized(), approved(), refunded()])
      expect(paymentDecider.decide(s, authorize, ctx)).toEqual([]);
  });
});

describe("Payment.decide Approve (its order was stored)", () => {
  it("makes an authorization an approved payment", () => {
    const { events, state } = run(authorized(), { type: "Approve" });
    expect(events).toEqual([
      {
        type: "PaymentApproved",
        data: { paymentId: PAYMENT, orderId: ORDER, amount: 70_000, customerId: "customer-1" },
      },
    ]);
    expect(paymentView(state as PaymentState)).toEqual({
      id: PAYMENT,
      orderId: ORDER,
      amount: 70_000,
      status: "Approved",
      createdAt: at(0),
      updatedAt: at(1),
    });
  });

  it("approves once; never approves a refunded payment", () => {
    expect(paymentDecider.decide(approved(), { type: "Approve" }, ctx)).toEqual([]);
    expect(paymentDecider.decide(refunded(), { type: "Approve" }, ctx)).toEqual([]);
    const expired = run(authorized(), expire(30_000)).state;
    expect(paymentDecider.decide(expired, { type: "Approve" }, ctx)).toEqual([]);
  });

  it("an unknown payment is 404", () => {
    expect(refusalOf(() => paymentDecider.decide(undefined, { type: "Approve" }, ctx)).status).toBe(404);
  });
});

describe("Payment.decide Cancel (its order was canceled)", () => {
  it("refunds an approved payment once", () => {
    const { events, state } = run(approved(), { type: "Cancel" });
    expect(events).toEqual([
      {
        type: "PaymentCanceled",
        data: { paymentId: PAYMENT, orderId: ORDER, reason: "OrderCanceled", customerId: "customer-1" },
      },
    ]);
    expect(paymentView(state as PaymentState)).toMatchObject({ status: "Canceled", reason: "OrderCanceled" });
    expect(paymentDecider.decide(state, { type: "Cancel" }, ctx)).toEqual([]);
  });

  it("an unknown payment is 404", () => {
    expect(refusalOf(() => paymentDecider.decide(undefined, { type: "Cancel" }, ctx)).status).toBe(404);
  });
});

describe("Payment.decide Expire (reconciliation)", () => {
  it("leaves an authorization alone until it is overdue", () => {
    expect(isOverdue(authorized(), T0 + 29_999, 30_000)).toBe(false);
    expect(paymentDecider.decide(authorized(), expire(29_999), ctx)).toEqual([]);
  });

  it("refunds an overdue authorization whose order never appeared, once", () => {
    expect(isOverdue(authorized(), T0 + 30_000, 30_000)).toBe(true);
    const { events, state } = run(authorized(), expire(30_000));
    expect(events).toEqual([
      {
        type: "PaymentCanceled",
        data: { paymentId: PAYMENT, orderId: ORDER, reason: "OrderNotStored", customerId: "customer-1" },
      },
    ]);
    expect(state?.status).toBe("Canceled");
    expect(isVisible(state as PaymentState)).toBe(true);
    expect(paymentDecider.decide(state, expire(60_000), ctx)).toEqual([]);
  });

  it("never refunds an approved payment (its order exists) or a refunded one", () => {
    expect(isOverdue(approved(), T0 + 90_000, 30_000)).toBe(false);
    expect(paymentDecider.decide(approved(), expire(90_000), ctx)).toEqual([]);
    expect(paymentDecider.decide(refunded(), expire(90_000), ctx)).toEqual([]);
  });
});
