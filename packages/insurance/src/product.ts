// Product: an insurance product a manager registers and changes. Its key is
// the manager's code. A change affects quotes from then on; plans keep the
// premium they were quoted (they carry it in their own events).
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { EventData, InsuranceEvent, ProductChanges } from "./schemas.js";

export type ProductFields = Omit<EventData<"ProductRegistered">, "code" | "registrationId">;

export interface ProductState extends ProductFields {
  status: "Registered";
  code: string;
  /** Which request registered it: a retry of that request is not a second registration. */
  registrationId: string;
  createdAt: string;
  updatedAt: string;
}

export type ProductCommand =
  | { type: "Register"; registrationId: string; code: string; fields: ProductFields }
  | { type: "Change"; changes: ProductChanges };

type ProductEvent = Extract<InsuranceEvent, { type: "ProductRegistered" | "ProductChanged" }>;

/** What is wrong with a product's terms taken together (each field alone is checked by its schema). */
export function inconsistencies(p: ProductFields): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = [];
  if (p.minAge > p.maxAge) out.push({ path: "/minAge", message: `minAge ${p.minAge} is above maxAge ${p.maxAge}` });
  if (p.minEntryAmount > p.maxEntryAmount)
    out.push({
      path: "/minEntryAmount",
      message: `minEntryAmount ${p.minEntryAmount} is above maxEntryAmount ${p.maxEntryAmount}`,
    });
  return out;
}

const FIELDS = [
  "name",
  "minAge",
  "maxAge",
  "minEntryAmount",
  "maxEntryAmount",
  "ratePerMille",
  "insurancePeriods",
  "paymentPeriods",
] as const;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The fields of `changes` that differ from the product's. */
function changedFields(state: ProductState, changes: ProductChanges): ProductChanges {
  const changed: ProductChanges = {};
  const take = <F extends (typeof FIELDS)[number]>(field: F) => {
    const value = changes[field];
    if (value !== undefined && !same(value, state[field])) changed[field] = value;
  };
  for (const field of FIELDS) take(field);
  return changed;
}

export const productDecider: Decider<Empty | ProductState, ProductCommand, ProductEvent> = {
  name: "product",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    switch (cmd.type) {
      case "Register": {
        if (state.status !== "Empty") {
          if (state.registrationId === cmd.registrationId) return []; // the same request again
          throw refuse.conflict("ProductCodeTaken", `a product with code ${cmd.code} already exists`);
        }
        const { code, registrationId, fields } = cmd;
        return [{ type: "ProductRegistered", data: { code, registrationId, ...fields } }];
      }
      case "Change": {
        if (state.status === "Empty") throw refuse.notFound("product not found");
        const changed = changedFields(state, cmd.changes);
        if (Object.keys(changed).length === 0) return [];
        const after = { ...state, ...changed };
        const problems = inconsistencies(after);
        if (problems.length > 0) throw refuse.conflict("InconsistentTerms", problems.map((p) => p.message).join("; "));
        return [{ type: "ProductChanged", data: { code: state.code, ...changed } }];
      }
    }
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "ProductRegistered":
        return { status: "Registered", ...event.data, createdAt: at, updatedAt: at };
      case "ProductChanged": {
        const { code: _, ...changes } = event.data;
        return state.status === "Empty" ? state : { ...state, ...changes, updatedAt: at };
      }
    }
  },
};

/** The public face of a product. */
export const productView = (s: ProductState) => {
  const { status: _status, registrationId: _, ...product } = s;
  return product;
};
