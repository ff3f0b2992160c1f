// Payment: approved once per request whatever the retries, canceled once —
// by its reservation's cancel or, when the reservation never came, by the
// reconciliation.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { paymentIdOf } from "../../src/ids.js";
import { type PaymentCommand, type PaymentState, paymentDecider, paymentView } from "../../src/payment.js";
import { CleaningEventSchemas } from "../../src/schemas.js";

const { ctx, at, run } = aggregateHarness(paymentDecider, CleaningEventSchemas);
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
const approved = () => run(undefined, approve()).state as PaymentState;
const canceled = () => run(approved(), cancel).state as PaymentState;

describe("Payment.decide Approve", () => {
  it("approves the request's amount", () => {
    const { events, state } = run(undefined, approve());
    expect(events).toEqual([
      { type: "PaymentApproved", data: { paymentId: PAYMENT, requestId: REQUEST, amount: 50_000 } },
    ]);
    expect(paymentView(state as PaymentState)).toEqual({
      id: PAYMENT,
      requestId: REQUEST,
      amount: 50_000,
      status: "PaymentApproved",
      createdAt: at(0),
      updatedAt: at(0),
    });
  });

  it("is idempotent per request: a second approve charges nothing", () => {
    expect(paymentDecider.decide(approved(), approve(), ctx)).toEqual([]);
  });

  it("refuses another amount for the same request (409 AmountMismatch)", () => {
    const r = refusalOf(() => paymentDecider.decide(approved(), approve(1), ctx));
    expect([r.status, r.rule]).toEqual([409, "AmountMismatch"]);
  });

  it("refuses to approve a canceled payment (409 PaymentCanceled)", () => {
    const r = refusalOf(() => paymentDecider.decide(canceled(), approve(), ctx));
    expect([r.status, r.rule]).toEqual([409, "PaymentCanceled"]);
  });

  it("the derived payment id is the same for every retry and differs per request", () => {
    expect(paymentIdOf(REQUEST)).toBe(PAYMENT);
    expect(paymentIdOf(`01HZX${"3".padStart(21, "0")}`)).not.toBe(PAYMENT);
  });
});

describe("Payment.decide Cancel", () => {
  it("cancels an approved payment", () => {
    const { events, state } = run(approved(), cancel);
    expect(events).toEqual([{ type: "PaymentCanceled", data: { paymentId: PAYMENT, requestId: REQUEST } }]);
    expect(state).toMatchObject({ status: "PaymentCanceled", amount: 50_000, createdAt: at(0), updatedAt: at(1) });
  });

  it("cancels once: a redelivered cancel produces nothing", () => {
    expect(paymentDecider.decide(canceled(), cancel, ctx)).toEqual([]);
  });

  it("a cancel before any approve records a canceled payment that refuses a late approve", () => {
    const { events, state } = run(undefined, cancel);
    expect(events.map((e) => e.type)).toEqual(["PaymentCanceled"]);
    expect(state).toMatchObject({ id: PAYMENT, requestId: REQUEST, status: "PaymentCanceled" });
    expect(refusalOf(() => paymentDecider.decide(state, approve(), ctx)).status).toBe(409);
  });
});

describe("Payment and its reservation's deadline", () => {
  it("approves when the caller stores the reservation (or gives up) before the payment stops waiting", () => {
    expect(run(undefined, approve(50_000, T0 + 3_000)).events.map((e) => e.type)).toEqual(["PaymentApproved"]);
    expect(paymentDecider.decide(approved(), approve(50_000, T0 + WAIT), ctx)).toEqual([]);
  });

  it("refuses a retry whose caller could store the reservation only after the wait (409 ReservationTooLate)", () => {
    const r = refusalOf(() => paymentDecider.decide(approved(), approve(50_000, T0 + WAIT + 1), ctx));
    expect([r.status, r.rule]).toEqual([409, "ReservationTooLate"]);
  });

  it("reconciliation cancels an approved payment without reservation once the wait is over, once", () => {
    const { events, state } = run(approved(), reconcile(T0 + WAIT + 1));
    expect(events).toEqual([{ type: "PaymentCanceled", data: { paymentId: PAYMENT, requestId: REQUEST } }]);
    expect(paymentDecider.decide(state, reconcile(T0 + WAIT + 1), ctx)).toEqual([]); // a second replica
    // a late retry of the request is refused: it pays anew under a new request
    expect(refusalOf(() => paymentDecider.decide(state, approve(), ctx)).rule).toBe("PaymentCanceled");
  });

  it("reconciliation does nothing before the wait is over, when the reservation is stored, or to no payment", () => {
    expect(paymentDecider.decide(approved(), reconcile(T0 + WAIT), ctx)).toEqual([]);
    expect(paymentDecider.decide(approved(), reconcile(T0 + WAIT + 1, true), ctx)).toEqual([]);
    expect(paymentDecider.decide(canceled(), reconcile(T0 + WAIT + 1), ctx)).toEqual([]);
    expect(paymentDecider.decide(undefined, reconcile(T0 + WAIT + 1), ctx)).toEqual([]);
  });
});
