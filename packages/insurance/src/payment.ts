// Payment: the first premium of a proposal, charged to the customer's
// account by a simulated bank. One per proposal (its id is derived from the
// proposal's), so paying again — a retried proposal — never charges twice.
//
// The payment is stored before its proposal's contract. If the contract never
// comes (the proposal node died in between and the client never retried), the
// reconciliation cancels the payment once it has waited `afterMs`
// (INSURANCE_RECONCILE_AFTER_MS); the proposal service stores a contract only
// within a shorter window of the payment, so never after. A canceled payment
// is never charged again: the plan needs a new proposal (a new plan).
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { Account, EventData, InsuranceEvent } from "./schemas.js";

type CancelReason = NonNullable<EventData<"PaymentCanceled">["reason"]>;

export interface PaymentState {
  id: string;
  proposalNo: string;
  planNo: string;
  customerId: string;
  userId: string;
  amount: number;
  bankCode: string;
  accountNo: string;
  holderName: string;
  status: "Approved" | "Canceled";
  reason?: CancelReason;
  createdAt: string;
  updatedAt: string;
}

export type PayCommand = { type: "Pay"; account: Account } & Omit<
  EventData<"PaymentApproved">,
  "bankCode" | "accountNo" | "holderName"
>;
export type PaymentCommand =
  | PayCommand
  | { type: "Cancel" }
  /** The reconciliation: no contract of the proposal is stored; cancel once the payment waited `afterMs`. */
  | { type: "Reconcile"; now: number; afterMs: number };

/** Has an approved payment waited `afterMs` for its contract by `now`? */
export const isOverdue = (p: PaymentState, now: number, afterMs: number): boolean =>
  p.status === "Approved" && Date.parse(p.createdAt) + afterMs <= now;

type PaymentEvent = Extract<InsuranceEvent, { type: "PaymentApproved" | "PaymentCanceled" }>;

/**
 * The simulated bank's one rule: an account number whose digits end in
 * "0000" has no funds, and the payment is declined (402 PaymentDeclined).
 * Every other account pays.
 */
export const isDeclined = (account: Account): boolean => account.accountNo.replaceAll("-", "").endsWith("0000");

/** Account numbers are not kept in the log: all but the last four digits are masked. */
export const maskAccountNo = (accountNo: string): string => {
  const digits = accountNo.replaceAll("-", "");
  return `${"*".repeat(Math.max(0, digits.length - 4))}${digits.slice(-4)}`;
};

export const paymentDecider: Decider<Empty | PaymentState, PaymentCommand, PaymentEvent> = {
  name: "payment",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    switch (cmd.type) {
      case "Pay": {
        if (state.status === "Canceled")
          throw refuse.conflict(
            "PaymentCanceled",
            "this proposal's payment was canceled because it was not completed in time; save a new plan to apply again",
          );
        if (state.status !== "Empty") return []; // paid already: the same proposal again is not a second charge
        const { type: _, account, ...payment } = cmd;
        if (isDeclined(account))
          throw refuse.declined("InsufficientFunds", "the bank declined the payment (insufficient funds)");
        const stored = {
          bankCode: account.bankCode,
          accountNo: maskAccountNo(account.accountNo),
          holderName: account.holderName,
        };
        return [{ type: "PaymentApproved", data: { ...payment, ...stored } }];
      }
      case "Cancel": {
        if (state.status === "Empty") throw refuse.notFound("payment not found");
        if (state.status === "Canceled") return [];
        const { id, proposalNo, planNo, customerId, userId } = state;
        return [{ type: "PaymentCanceled", data: { paymentId: id, proposalNo, planNo, customerId, userId } }];
      }
      case "Reconcile": {
        // Canceled already (withdrawn, another replica) or not due yet: nothing to do.
        if (state.status === "Empty" || !isOverdue(state, cmd.now, cmd.afterMs)) return [];
        const { id, proposalNo, planNo, customerId, userId } = state;
        const reason = "ProposalNotContracted";
        return [{ type: "PaymentCanceled", data: { paymentId: id, proposalNo, planNo, customerId, userId, reason } }];
      }
    }
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "PaymentApproved": {
        const { paymentId, ...approved } = event.data;
        return { ...approved, id: paymentId, status: "Approved", createdAt: at, updatedAt: at };
      }
      case "PaymentCanceled": {
        const { reason } = event.data;
        return state.status === "Empty"
          ? state
          : { ...state, status: "Canceled", ...(reason ? { reason } : {}), updatedAt: at };
      }
    }
  },
};

export const paymentView = (s: PaymentState) => ({
  id: s.id,
  paymentId: s.id,
  proposalNo: s.proposalNo,
  planNo: s.planNo,
  customerId: s.customerId,
  amount: s.amount,
  status: s.status,
  ...(s.reason ? { reason: s.reason } : {}),
  bankCode: s.bankCode,
  accountNo: s.accountNo,
  holderName: s.holderName,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
