// What sauce.payment does when events happen: a stored order approves its
// payment, a canceled order refunds it.
import { type ExecuteOptions, execute, type Reactions } from "@seed/platform";
import { paymentIdOf } from "./ids.js";
import { paymentDecider } from "./payment.js";
import type { SauceEvent } from "./schemas.js";

/**
 * Approving is the same command from the policy and from the reconciliation:
 * the same seed gives the same event id, so whichever comes second stores nothing.
 */
export const approvalOf = (orderId: string, causationId: string): ExecuteOptions => ({
  correlationId: orderId,
  causationId,
  idSeed: `approve:${orderId}`,
});

export const paymentPolicy: Reactions<SauceEvent> = {
  OrderPlaced: (e) => [
    execute(
      paymentDecider,
      paymentIdOf(e.data.orderId),
      { type: "Approve" },
      { options: approvalOf(e.data.orderId, e.id) },
    ),
  ],
  OrderCanceled: (e) => [execute(paymentDecider, paymentIdOf(e.data.orderId), { type: "Cancel" })],
};
