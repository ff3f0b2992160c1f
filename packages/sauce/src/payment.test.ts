// Payment: authorized once per order, public (Approved) only once its order is
// stored, refunded on cancel, refunded when its order never appeared.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { isOverdue, isVisible, type PaymentCommand, paymentDecider, paymentView } from "./payment.js";
import { SauceEventSchemas } from "./schemas.js";

const { given, history, at } = deciderSpec(paymentDecider, SauceEventSchemas);
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
const expire = (afterNow: number): PaymentCommand => ({ type: "Expire", now: T0 + afterNow, afterMs: 30_000 });
const paymentData = { paymentId: PAYMENT, orderId: ORDER, amount: 70_000, customerId: "customer-1" };
const refund = (reason: "OrderCanceled" | "OrderNotStored") => ({
  type: "PaymentCanceled" as const,
  data: { paymentId: PAYMENT, orderId: ORDER, reason, customerId: "customer-1" },
});
const authorized = history(authorize);
const approved = history(authorize, { type: "Approve" });
const refunded = history(authorize, { type: "Approve" }, { type: "Cancel" });
const authorizedPayment = () => {
  const s = given(authorized).state;
  if (s.status === "Empty") throw new Error("authorized");
  return s;
};

describe("Payment Authorize", () => {
  it("charges the order once", () => {
    const state = given([])
      .when(authorize)
      .then([{ type: "PaymentAuthorized", data: paymentData }]);
    expect(state.status).toBe("Authorized");
    expect(isVisible(state)).toBe(false);
  });

  it("a retried pay charges nothing, whatever became of the payment", () => {
    for (const events of [authorized, approved, refunded]) given(events).when(authorize).thenNothing();
  });
});

describe("Payment Approve (its order was stored)", () => {
  it("makes an authorization an approved payment", () => {
    const state = given(authorized)
      .when({ type: "Approve" })
      .then([{ type: "PaymentApproved", data: paymentData }]);
    expect(isVisible(state) && paymentView(state)).toEqual({
      id: PAYMENT,
      orderId: ORDER,
      amount: 70_000,
      status: "Approved",
      createdAt: at(0),
      updatedAt: at(1),
    });
  });

  it("approves once; never approves a refunded payment", () => {
    given(approved).when({ type: "Approve" }).thenNothing();
    given(refunded).when({ type: "Approve" }).thenNothing();
    given(history(authorize, expire(30_000)))
      .when({ type: "Approve" })
      .thenNothing();
  });

  it("an unknown payment is 404", () => {
    given([]).when({ type: "Approve" }).thenRefuses(404, "NotFound");
  });
});

describe("Payment Cancel (its order was canceled)", () => {
  it("refunds an approved payment once", () => {
    const state = given(approved)
      .when({ type: "Cancel" })
      .then([refund("OrderCanceled")]);
    expect(isVisible(state) && paymentView(state)).toMatchObject({ status: "Canceled", reason: "OrderCanceled" });
    given(refunded).when({ type: "Cancel" }).thenNothing();
  });

  it("an unknown payment is 404", () => {
    given([]).when({ type: "Cancel" }).thenRefuses(404, "NotFound");
  });
});

describe("Payment Expire (reconciliation)", () => {
  it("leaves an authorization alone until it is overdue", () => {
    expect(isOverdue(authorizedPayment(), T0 + 29_999, 30_000)).toBe(false);
    given(authorized).when(expire(29_999)).thenNothing();
  });

  it("refunds an overdue authorization whose order never appeared, once", () => {
    expect(isOverdue(authorizedPayment(), T0 + 30_000, 30_000)).toBe(true);
    const state = given(authorized)
      .when(expire(30_000))
      .then([refund("OrderNotStored")]);
    expect(state.status).toBe("Canceled");
    expect(isVisible(state)).toBe(true);
    given(history(authorize, expire(30_000)))
      .when(expire(60_000))
      .thenNothing();
  });

  it("never refunds an approved payment (its order exists) or a refunded one", () => {
    const s = given(approved).state;
    expect(s.status !== "Empty" && isOverdue(s, T0 + 90_000, 30_000)).toBe(false);
    given(approved).when(expire(90_000)).thenNothing();
    given(refunded).when(expire(90_000)).thenNothing();
  });
});
