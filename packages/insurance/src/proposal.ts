// Proposal (청약): the customer's application for the plan, contracted only
// once its first premium is paid. One per plan (its number is derived from
// the plan's), so any retry of a proposal addresses the same one; withdrawing
// it is final and cancels the payment (asynchronously, by the payment service).
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { EventData, InsuranceEvent } from "./schemas.js";

export interface ProposalState {
  id: string;
  planNo: string;
  customerId: string;
  userId: string;
  paymentId: string;
  amount: number;
  /** The request that contracted it: only its retry gets the proposal back as created. */
  requestId: string;
  status: "Contracted" | "Withdrawn";
  createdAt: string;
  updatedAt: string;
}

export type ProposalCommand = ({ type: "Contract" } & EventData<"ProposalContracted">) | { type: "Withdraw" };

type ProposalEvent = Extract<InsuranceEvent, { type: "ProposalContracted" | "ProposalWithdrawn" }>;

/** Refuses a proposal that exists already, unless `requestId` is the request that made it (a retry). */
export function ensureNotProposed(state: Empty | ProposalState | undefined, requestId: string): void {
  if (!state || state.status === "Empty" || state.requestId === requestId) return;
  if (state.status === "Withdrawn")
    throw refuse.conflict("ProposalWithdrawn", "the plan's proposal was withdrawn; save a new plan to apply again");
  throw refuse.conflict("AlreadyContracted", "the plan is already contracted");
}

export const proposalDecider: Decider<Empty | ProposalState, ProposalCommand, ProposalEvent> = {
  name: "proposal",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    switch (cmd.type) {
      case "Contract": {
        ensureNotProposed(state, cmd.requestId);
        if (state.status !== "Empty") return [];
        const { type: _, ...data } = cmd;
        return [{ type: "ProposalContracted", data }];
      }
      case "Withdraw": {
        if (state.status === "Empty") throw refuse.notFound("proposal not found");
        if (state.status === "Withdrawn") return [];
        const { id, planNo, customerId, userId, paymentId } = state;
        return [{ type: "ProposalWithdrawn", data: { proposalNo: id, planNo, customerId, userId, paymentId } }];
      }
    }
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "ProposalContracted": {
        const { proposalNo, ...contracted } = event.data;
        return { ...contracted, id: proposalNo, status: "Contracted", createdAt: at, updatedAt: at };
      }
      case "ProposalWithdrawn":
        return state.status === "Empty" ? state : { ...state, status: "Withdrawn", updatedAt: at };
    }
  },
};

export const proposalView = (s: ProposalState) => ({
  id: s.id,
  proposalNo: s.id,
  planNo: s.planNo,
  customerId: s.customerId,
  paymentId: s.paymentId,
  amount: s.amount,
  status: s.status,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
