// Payment: the charge of one reservation, approved synchronously when the
// reservation is made and canceled when the reservation is. One per request:
// approving twice (a retried reservation) charges once.
//
// The payment is stored before its reservation. An approved payment waits
// `waitMs` for it (CLEANING_RECONCILE_AFTER_MS, at least one request timeout);
// then, if no reservation was stored, the reconciliation cancels it. So that
// a reservation can never be stored after that, approve only answers "yes" to
// a caller whose deadline falls within the wait: the caller refuses to store
// the reservation past its deadline. A canceled payment is never approved
// again: a late retry of that request is 409, and a new request pays anew.
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { Static } from "@sinclair/typebox";
import type { CleaningEvent, Payment } from "./schemas.js";

/** A payment is what its resource shows. */
export type PaymentState = Static<typeof Payment>;

export type PaymentCommand =
  | {
      type: "Approve";
      paymentId: string;
      requestId: string;
      amount: number;
      /** When the caller stops waiting (ms); it stores the reservation only before then. */
      answerBy?: number;
      waitMs: number;
    }
  | { type: "Cancel"; paymentId: string; requestId: string }
  /** The reconciliation: cancels an approved payment whose reservation did not come in time. */
  | { type: "Reconcile"; reservationStored: boolean; now: number; waitMs: number };

/** When an approved payment stops waiting for its reservation (ms). */
export const reservationDueAt = (p: Pick<PaymentState, "createdAt">, waitMs: number): number =>
  Date.parse(p.createdAt) + waitMs;

type PaymentEvent = Extract<CleaningEvent, { type: "PaymentApproved" | "PaymentCanceled" }>;

export const paymentDecider: Decider<Empty | PaymentState, PaymentCommand, PaymentEvent> = {
  name: "payment",
  initialState: { status: "Empty" },

  decide(state, cmd, { now }) {
    switch (cmd.type) {
      case "Approve": {
        if (state.status === "PaymentCanceled")
          throw refuse.conflict(
            "PaymentCanceled",
            "the payment of this request was canceled; make a new reservation (with a new Idempotency-Key)",
          );
        const dueAt = reservationDueAt(state.status === "Empty" ? { createdAt: now } : state, cmd.waitMs);
        if (cmd.answerBy !== undefined && cmd.answerBy > dueAt)
          throw refuse.conflict(
            "ReservationTooLate",
            "this request's payment no longer waits for its reservation and is being canceled; make a new reservation (with a new Idempotency-Key)",
          );
        if (state.status !== "Empty") {
          if (state.amount !== cmd.amount)
            throw refuse.conflict("AmountMismatch", "this request was paid with another amount");
          return []; // approved already: a retry charges nothing more
        }
        return [
          { type: "PaymentApproved", data: { paymentId: cmd.paymentId, requestId: cmd.requestId, amount: cmd.amount } },
        ];
      }
      case "Cancel":
        if (state.status === "PaymentCanceled") return [];
        return [{ type: "PaymentCanceled", data: { paymentId: cmd.paymentId, requestId: cmd.requestId } }];
      case "Reconcile":
        // Done already (another replica, a redelivery), its reservation came, or not due yet: nothing to do.
        if (state.status === "Empty" || state.status === "PaymentCanceled" || cmd.reservationStored) return [];
        if (cmd.now <= reservationDueAt(state, cmd.waitMs)) return [];
        return [{ type: "PaymentCanceled", data: { paymentId: state.id, requestId: state.requestId } }];
    }
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "PaymentApproved": {
        const { paymentId, requestId, amount } = event.data;
        return { id: paymentId, requestId, amount, status: "PaymentApproved", createdAt: at, updatedAt: at };
      }
      case "PaymentCanceled": {
        const { paymentId, requestId } = event.data;
        const before = state.status === "Empty" ? { id: paymentId, requestId, amount: 0, createdAt: at } : state;
        return { ...before, status: "PaymentCanceled", updatedAt: at };
      }
    }
  },
};

export const paymentView = (s: PaymentState) => ({
  id: s.id,
  requestId: s.requestId,
  amount: s.amount,
  status: s.status,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
