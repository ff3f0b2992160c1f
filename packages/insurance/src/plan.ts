// Plan (가입설계): a customer's saved design of one product — the quote input
// and the premium it was quoted. Re-quoting saves it again; once its product
// document was requested the plan is fixed (the document states its premium,
// and the proposal pays it).
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import { documentIdOf } from "./ids.js";
import type { EventData, InsuranceEvent } from "./schemas.js";

export type PlanSaved = EventData<"PlanSaved">;

export interface PlanState extends Omit<PlanSaved, "planNo"> {
  id: string;
  status: "PlanSaved" | "DocumentRequested";
  documentId?: string;
  createdAt: string;
  updatedAt: string;
}

export type PlanCommand =
  /** A new plan (the same planNo again — a retried request — changes nothing). */
  | ({ type: "Save" } & PlanSaved)
  /** The plan re-quoted: the new quote replaces the old one. */
  | ({ type: "Requote" } & PlanSaved)
  | { type: "RequestDocument" };

type PlanEvent = Extract<InsuranceEvent, { type: "PlanSaved" | "DocumentRequested" }>;

/** Refuses to re-quote a plan whose document was requested; checked before quoting too. */
export function ensureRequotable(plan: PlanState): void {
  if (plan.status !== "PlanSaved")
    throw refuse.conflict("DocumentRequested", "the plan's document was requested; save a new plan to change it");
}

export const planDecider: Decider<Empty | PlanState, PlanCommand, PlanEvent> = {
  name: "plan",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    switch (cmd.type) {
      case "Save": {
        if (state.status !== "Empty") return [];
        const { type: _, ...data } = cmd;
        return [{ type: "PlanSaved", data }];
      }
      case "Requote": {
        if (state.status === "Empty") throw refuse.notFound("plan not found");
        ensureRequotable(state);
        const { type: _, ...data } = cmd;
        return [{ type: "PlanSaved", data }];
      }
      case "RequestDocument": {
        if (state.status === "Empty") throw refuse.notFound("plan not found");
        if (state.status === "DocumentRequested") return [];
        const { id, status: _s, customerName: _n, documentId: _d, createdAt: _c, updatedAt: _u, ...quote } = state;
        return [{ type: "DocumentRequested", data: { planNo: id, documentId: documentIdOf(id), ...quote } }];
      }
    }
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "PlanSaved": {
        const { planNo, ...saved } = event.data;
        return {
          ...saved,
          id: planNo,
          status: "PlanSaved",
          createdAt: state.status === "Empty" ? at : state.createdAt,
          updatedAt: at,
        };
      }
      case "DocumentRequested":
        if (state.status === "Empty") return state;
        return { ...state, status: "DocumentRequested", documentId: event.data.documentId, updatedAt: at };
    }
  },
};

/** What a client sees of a plan; `issued` (from the document's event) moves its status on to DocumentIssued. */
export function planView(s: PlanState, issued = false) {
  return {
    id: s.id,
    planNo: s.id,
    customerId: s.customerId,
    productCode: s.productCode,
    productName: s.productName,
    entryAmount: s.entryAmount,
    insurancePeriod: s.insurancePeriod,
    paymentPeriod: s.paymentPeriod,
    periods: { insurancePeriod: s.insurancePeriod, paymentPeriod: s.paymentPeriod },
    paymentCycle: s.paymentCycle,
    age: s.age,
    monthlyPremium: s.monthlyPremium,
    premium: s.premium,
    status: issued ? ("DocumentIssued" as const) : s.status,
    ...(s.documentId ? { documentId: s.documentId } : {}),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}
