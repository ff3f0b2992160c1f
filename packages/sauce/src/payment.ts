// Payment: the charge of one order, taken synchronously while the order is
// placed. It is first only *authorized*: the public PaymentApproved is
// appended once the order is stored, so there is never an approved payment
// without its order. An authorization whose order never appeared (the order
// node died in between) is refunded after a while (Expire).
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { Static } from "@sinclair/typebox";
import type { Payment, SauceEvent } from "./schemas.js";

type PaymentResource = Static<typeof Payment>;

/** A payment is what its resource shows, and whose it is; until its order is stored it is only Authorized. */
export interface PaymentState extends Omit<PaymentResource, "status"> {
  customerId: string;
  status: "Authorized" | PaymentResource["status"];
}

export type PaymentCommand =
  /** Charge the order; a repeat (a retried order) charges nothing and answers the payment as it is. */
  | { type: "Authorize"; paymentId: string; orderId: string; customerId: string; amount: number }
  /** The order was stored: the payment becomes public. */
  | { type: "Approve" }
  /** The order was canceled: refund. */
  | { type: "Cancel" }
  /** Refund an authorization whose order was not stored within `afterMs` of it. */
  | { type: "Expire"; now: number; afterMs: number };

type PaymentEvent = Extract<SauceEvent, { type: "PaymentAuthorized" | "PaymentApproved" | "PaymentCanceled" }>;

/** An authorization older than this is past its order: due for a refund. */
export const isOverdue = (p: PaymentState, now: number, afterMs: number): boolean =>
  p.status === "Authorized" && Date.parse(p.createdAt) + afterMs <= now;

export const paymentDecider: Decider<Empty | PaymentState, PaymentCommand, PaymentEvent> = {
  name: "payment",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    if (cmd.type === "Authorize") {
      if (state.status !== "Empty") return []; // one payment per order: never charge twice
      const { paymentId, orderId, amount, customerId } = cmd;
      return [{ type: "PaymentAuthorized", data: { paymentId, orderId, amount, customerId } }];
    }
    if (state.status === "Empty") throw refuse.notFound("payment not found");
    const { id: paymentId, orderId, customerId } = state;
    switch (cmd.type) {
      case "Approve":
        // Approved already: nothing to do. Canceled (refunded as overdue): the order
        // service refuses to store an order that late, so there is nothing to approve.
        if (state.status !== "Authorized") return [];
        return [{ type: "PaymentApproved", data: { paymentId, orderId, amount: state.amount, customerId } }];
      case "Cancel":
        if (state.status === "Canceled") return [];
        return [{ type: "PaymentCanceled", data: { paymentId, orderId, reason: "OrderCanceled", customerId } }];
      case "Expire":
        if (!isOverdue(state, cmd.now, cmd.afterMs)) return [];
        return [{ type: "PaymentCanceled", data: { paymentId, orderId, reason: "OrderNotStored", customerId } }];
    }
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "PaymentAuthorized": {
        const { paymentId, ...authorized } = event.data;
        return { ...authorized, id: paymentId, status: "Authorized", createdAt: at, updatedAt: at };
      }
      case "PaymentApproved":
        return state.status === "Empty" ? state : { ...state, status: "Approved", updatedAt: at };
      case "PaymentCanceled":
        return state.status === "Empty"
          ? state
          : { ...state, status: "Canceled", reason: event.data.reason, updatedAt: at };
    }
  },
};

/** A payment a client may see: approved, or refunded since. */
export type VisiblePayment = PaymentState & { status: PaymentResource["status"] };

/** What a client sees; an authorization that is not approved yet is not a payment to show. */
export const isVisible = (s: PaymentState): s is VisiblePayment => s.status !== "Authorized";

export const paymentView = (s: VisiblePayment) => ({
  id: s.id,
  orderId: s.orderId,
  amount: s.amount,
  status: s.status,
  ...(s.reason ? { reason: s.reason } : {}),
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
