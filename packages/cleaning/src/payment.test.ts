// Payment: approved once per request whatever the retries, canceled once —
// by its reservation's cancel or, when the reservation never came, by the
// reconciliation.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { paymentIdOf } from "./ids.js";
import { type PaymentCommand, paymentDecider, paymentView } from "./payment.js";
import { CleaningEventSchemas } from "./schemas.js";

const { given, history, at, ctx } = deciderSpec(paymentDecider, CleaningEventSchemas);
const REQUEST = `01HZX${"2".padStart(21, "0")}`;
const PAYMENT = paymentIdOf(REQUEST);

const WAIT = 30_000;
const T0 = Date.parse(ctx.now); // the approved payment's createdAt
const approve = (amount = 50_000, answerBy?: number): PaymentCommand => ({
  type: "Approve",
  paymentId: PAYMENT,
  requestId: REQUEST,
  amount,
  waitMs: WAIT,
  ...(answerBy !== undefined ? { answerBy } : {}),
});
const reconcile = (now: number, reservationStored = false): PaymentCommand => ({
  type: "Reconcile",
  reservationStored,
  now,
  waitMs: WAIT,
});
const cancel: PaymentCommand = { type: "Cancel", paymentId: PAYMENT, requestId: REQUEST };
const paymentApproved = {
  type: "PaymentApproved" as const,
  data: { paymentId: PAYMENT, requestId: REQUEST, amount: 50_000 },
};
const paymentCanceled = { type: "PaymentCanceled" as const, data: { paymentId: PAYMENT, requestId: REQUEST } };
const approved = history(approve());
const canceled = history(approve(), cancel);

describe("Payment Approve", () => {
  it("approves the request's amount", () => {
    const state = given([]).when(approve()).then([paymentApproved]);
    expect(paymentView(state)).toEqual({
      id: PAYMENT,
      requestId: REQUEST,
      amount: 50_000,
      status: "PaymentApproved",
      createdAt: at(0),
      updatedAt: at(0),
    });
  });

  it("is idempotent per request: a second approve charges nothing", () => {
    given(approved).when(approve()).thenNothing();
  });

  it("refuses another amount for the same request (409 AmountMismatch)", () => {
    given(approved).when(approve(1)).thenRefuses(409, "AmountMismatch");
  });

  it("refuses to approve a canceled payment (409 PaymentCanceled)", () => {
    given(canceled).when(approve()).thenRefuses(409, "PaymentCanceled");
  });

  it("the derived payment id is the same for every retry and differs per request", () => {
    expect(paymentIdOf(REQUEST)).toBe(PAYMENT);
    expect(paymentIdOf(`01HZX${"3".padStart(21, "0")}`)).not.toBe(PAYMENT);
  });
});

describe("Payment Cancel", () => {
  it("cancels an approved payment", () => {
    const state = given(approved).when(cancel).then([paymentCanceled]);
    expect(state).toMatchObject({ status: "PaymentCanceled", amount: 50_000, createdAt: at(0), updatedAt: at(1) });
  });

  it("cancels once: a redelivered cancel produces nothing", () => {
    given(canceled).when(cancel).thenNothing();
  });

  it("a cancel before any approve records a canceled payment that refuses a late approve", () => {
    const state = given([]).when(cancel).then([paymentCanceled]);
    expect(state).toMatchObject({ id: PAYMENT, requestId: REQUEST, status: "PaymentCanceled" });
    given(history(cancel)).when(approve()).thenRefuses(409, "PaymentCanceled");
  });
});

describe("Payment and its reservation's deadline", () => {
  it("approves when the caller stores the reservation (or gives up) before the payment stops waiting", () => {
    given([])
      .when(approve(50_000, T0 + 3_000))
      .then([paymentApproved]);
    given(approved)
      .when(approve(50_000, T0 + WAIT))
      .thenNothing();
  });

  it("refuses a retry whose caller could store the reservation only after the wait (409 ReservationTooLate)", () => {
    given(approved)
      .when(approve(50_000, T0 + WAIT + 1))
      .thenRefuses(409, "ReservationTooLate");
  });

  it("reconciliation cancels an approved payment without reservation once the wait is over, once", () => {
    given(approved)
      .when(reconcile(T0 + WAIT + 1))
      .then([paymentCanceled]);
    const reconciled = history(approve(), reconcile(T0 + WAIT + 1));
    given(reconciled)
      .when(reconcile(T0 + WAIT + 1))
      .thenNothing(); // a second replica
    // a late retry of the request is refused: it pays anew under a new request
    given(reconciled).when(approve()).thenRefuses(409, "PaymentCanceled");
  });

  it("reconciliation does nothing before the wait is over, when the reservation is stored, or to no payment", () => {
    given(approved)
      .when(reconcile(T0 + WAIT))
      .thenNothing();
    given(approved)
      .when(reconcile(T0 + WAIT + 1, true))
      .thenNothing();
    given(canceled)
      .when(reconcile(T0 + WAIT + 1))
      .thenNothing();
    given([])
      .when(reconcile(T0 + WAIT + 1))
      .thenNothing();
  });
});
