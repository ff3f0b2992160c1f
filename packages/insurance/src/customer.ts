// Customer: the insurance customer record of one user. Its id is derived from
// the user's id, so a user can only ever have one (a second registration is
// 409 CustomerExists, a retry of the same request answers the first).
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { EventData, InsuranceEvent } from "./schemas.js";

export type CustomerRegistered = EventData<"CustomerRegistered">;

export interface CustomerState {
  status: "Registered";
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

export const customerDecider: Decider<Empty | CustomerState, CustomerCommand, CustomerEvent> = {
  name: "customer",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    if (state.status !== "Empty") {
      if (state.registrationId === cmd.registrationId) return []; // the same request again
      throw refuse.conflict("CustomerExists", "this user is already registered as a customer");
    }
    const { type: _, ...data } = cmd;
    return [{ type: "CustomerRegistered", data }];
  },

  evolve(_state, event, { at }) {
    const { customerId, ...registered } = event.data;
    return { status: "Registered", id: customerId, ...registered, createdAt: at, updatedAt: at };
  },
};

export const customerView = (s: CustomerState) => {
  const { status: _status, registrationId: _, ...customer } = s;
  return customer;
};
