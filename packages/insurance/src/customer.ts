// Customer: the insurance customer record of one user. Its id is derived from
// the user's id, so a user can only ever have one (a second registration is
// 409 CustomerExists, a retry of the same request answers the first).
import { type Aggregate, refuse } from "@seed/platform/domain";
import type { EventData, InsuranceEvent } from "./schemas.js";

export type CustomerRegistered = EventData<"CustomerRegistered">;

export interface CustomerState {
  id: string;
  registrationId: string;
  userId: string;
  name: string;
  birthDate: string;
  phone: string;
  email?: string;
  createdAt: string;
  updatedAt: string;
}

export type CustomerCommand = { type: "Register" } & CustomerRegistered;

type CustomerEvent = Extract<InsuranceEvent, { type: "CustomerRegistered" }>;

export const Customer: Aggregate<CustomerState, CustomerCommand, CustomerEvent> = {
  name: "customer",

  decide(state, cmd) {
    if (state) {
      if (state.registrationId === cmd.registrationId) return []; // the same request again
      throw refuse.conflict("CustomerExists", "this user is already registered as a customer");
    }
    const { type: _, ...data } = cmd;
    return [{ type: "CustomerRegistered", data }];
  },

  evolve(_state, event, { at }) {
    const { customerId, ...registered } = event.data;
    return { id: customerId, ...registered, createdAt: at, updatedAt: at };
  },
};

export const customerView = (s: CustomerState) => {
  const { registrationId: _, ...customer } = s;
  return customer;
};
