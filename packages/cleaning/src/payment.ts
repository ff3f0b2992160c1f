// Payment: the charge of one reservation, approved synchronously when the
// reservation is made and canceled when the reservation is. One per request:
// approving twice (a retried reservation) charges once.
import { type Aggregate, refuse } from "@seed/platform/domain";
import type { CleaningEvent } from "./schemas.js";

export type PaymentStatus = "PaymentApproved" | "PaymentCanceled";

export interface PaymentState {
  id: string;
  requestId: string;
  amount: number;
  status: PaymentStatus;
  createdAt: string;
  updatedAt: string;
}

export type PaymentCommand =
  | { type: "Approve"; paymentId: string; requestId: string; amount: number }
  | { type: "Cancel"; paymentId: string; requestId: string };

type PaymentEvent = Extract<CleaningEvent, { type: "PaymentApproved" | "PaymentCanceled" }>;

export const Payment: Aggregate<PaymentState, PaymentCommand, PaymentEvent> = {
  name: "payment",

  decide(state, cmd) {
    switch (cmd.type) {
      case "Approve":
        if (state?.status === "PaymentCanceled")
          throw refuse.conflict("PaymentCanceled", "the payment of this request was canceled");
        if (state) {
          if (state.amount !== cmd.amount)
            throw refuse.conflict("AmountMismatch", "this request was paid with another amount");
          return []; // approved already: a retry charges nothing more
        }
        return [
          { type: "PaymentApproved", data: { paymentId: cmd.paymentId, requestId: cmd.requestId, amount: cmd.amount } },
        ];
      case "Cancel":
        if (state?.status === "PaymentCanceled") return [];
        return [{ type: "PaymentCanceled", data: { paymentId: cmd.paymentId, requestId: cmd.requestId } }];
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
        const before = state ?? { id: paymentId, requestId, amount: 0, createdAt: at };
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
