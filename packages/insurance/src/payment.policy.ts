// What insurance.payment does when events happen: a withdrawn proposal
// cancels its payment, once.
import { execute, type Reactions } from "@seed/platform";
import { paymentDecider } from "./payment.js";
import type { InsuranceEvent } from "./schemas.js";

export const paymentPolicy: Reactions<InsuranceEvent> = {
  ProposalWithdrawn: (e) => [execute(paymentDecider, e.data.paymentId, { type: "Cancel" })],
};
