// cleaning.payment — owns Payment.
// Offers: approve (for cleaning.reservation; idempotent per request),
//         byRequest (operators and tests; no HTTP route).
// Reacts to: ReservationCanceled → cancels the request's payment (PaymentCanceled), once.
// Calls: nothing.

import { causedBy, deadlineOf, notFound, type Runtime, ServiceKit } from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { paymentIdOf } from "./ids.js";
import { Payment, paymentView } from "./payment.js";
import { ByRequestParams, type CleaningEvent, CleaningEventSchemas, Id } from "./schemas.js";

export const ApproveParams = T.Object(
  { requestId: Id, amount: T.Integer({ minimum: 0, maximum: 1_000_000_000 }) },
  { additionalProperties: false },
);

export function paymentService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "cleaning.payment", { eventSchemas: CleaningEventSchemas });
  const payments = kit.aggregate(Payment);

  kit.react<CleaningEvent>({
    ReservationCanceled: async (e) => {
      const { requestId } = e.data;
      const paymentId = paymentIdOf(requestId);
      await payments.execute(paymentId, { type: "Cancel", paymentId, requestId }, causedBy(e, "cleaning.payment"));
    },
  });

  return {
    name: "cleaning.payment",
    mixins: [kit.mixin()],
    actions: {
      /** Charges the request once, whatever the retries; refuses once the caller stopped waiting. */
      approve: {
        visibility: "public",
        params: ApproveParams,
        async handler(ctx: Context<Static<typeof ApproveParams>>) {
          const { requestId, amount } = ctx.params;
          const paymentId = paymentIdOf(requestId);
          const { state } = await payments.execute(
            paymentId,
            { type: "Approve", paymentId, requestId, amount },
            { correlationId: requestId, idSeed: `approve:${requestId}`, deadline: deadlineOf(ctx) },
          );
          return paymentView(state);
        },
      },

      byRequest: {
        visibility: "public",
        params: ByRequestParams,
        async handler(ctx: Context<Static<typeof ByRequestParams>>) {
          const payment = await payments.getLatest(paymentIdOf(ctx.params.requestId));
          if (!payment) throw notFound("payment of request", ctx.params.requestId);
          return paymentView(payment);
        },
      },
    },
  };
}
