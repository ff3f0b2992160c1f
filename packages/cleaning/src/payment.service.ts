// cleaning.payment — owns Payment.
// Offers: approve (for cleaning.reservation; idempotent per request),
//         byRequest (operators and tests; no HTTP route).
// Reacts to: ReservationCanceled → cancels the request's payment (PaymentCanceled), once.
// Every so often (reconciliation, on every replica): cancels an approved
//         payment whose reservation was not stored within
//         CLEANING_RECONCILE_AFTER_MS (the reservation node died after paying
//         and the client never retried), once.
// Calls: nothing.
// Knows: reservations, from its own copy of the reservation stream (is the
//         request's reservation stored?), confirmed with the stream itself
//         before a payment is canceled.

import {
  correlateBy,
  deadlineOf,
  notFound,
  type Runtime,
  reconcilePeriod,
  ServiceKit,
  streamName,
  subjectOf,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { paymentIdOf } from "./ids.js";
import { paymentDecider, paymentView, reservationDueAt } from "./payment.js";
import { paymentPolicy } from "./payment.policy.js";
import { reservationDecider } from "./reservation.js";
import { ByRequestParams, CleaningEvents, Id } from "./schemas.js";
import { settings } from "./settings.js";

const ApproveParams = T.Object(
  { requestId: Id, amount: T.Integer({ minimum: 0, maximum: 1_000_000_000 }) },
  { additionalProperties: false },
);

export function paymentService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "cleaning.payment", { events: CleaningEvents });
  const payments = kit.aggregate(paymentDecider, { correlation: correlateBy("requestId"), indexes: ["status"] });
  // Read only: reservations belong to cleaning.reservation.
  const reservations = kit.aggregate(reservationDecider);
  const afterMs = settings.of(rt.config).CLEANING_RECONCILE_AFTER_MS;
  // A reservation is stored within its caller's deadline or not at all, so the
  // wait is never shorter than one request.
  const waitMs = Math.max(afterMs, rt.config.REQUEST_TIMEOUT_MS);

  kit.react(paymentPolicy);

  /** Is the request's reservation stored? The local copy first; when it has none, the stream itself. */
  const reservationStored = async (requestId: string) =>
    (await reservations.get(requestId)) !== undefined ||
    (await rt.events.lastSeqOf(streamName("cleaning"), subjectOf("cleaning", "reservation", requestId))) > 0;

  // Every replica ticks; the payment aggregate decides (expected sequence,
  // seeded event id), so a second replica's command finds the work done.
  kit.every("cancel payments whose reservation never came", reconcilePeriod(afterMs), async (now) => {
    // Only approved payments can lack their reservation: the status index walks those, a page at a time.
    for await (const p of payments.rows({ status: "PaymentApproved" })) {
      if (now <= reservationDueAt(p, waitMs)) continue;
      if (await reservationStored(p.requestId)) continue;
      await payments.execute(
        p.id,
        { type: "Reconcile", reservationStored: false, now, waitMs },
        { causationId: p.id, idSeed: `reconcile:${p.requestId}` },
      );
    }
  });

  return {
    name: "cleaning.payment",
    mixins: [kit.mixin()],
    actions: {
      /**
       * Charges the request once, whatever the retries; refuses once the caller
       * stopped waiting, and when the caller could store the reservation only
       * after the payment stopped waiting for it (409 ReservationTooLate).
       */
      approve: {
        visibility: "public",
        params: ApproveParams,
        async handler(ctx: Context<Static<typeof ApproveParams>>) {
          const { requestId, amount } = ctx.params;
          const paymentId = paymentIdOf(requestId);
          const answerBy = deadlineOf(ctx);
          // The caller's deadline is real time; the wait is on the services' clock.
          const answerByOnClock = answerBy === undefined ? undefined : answerBy - Date.now() + rt.clock.now();
          const { state } = await payments.execute(
            paymentId,
            {
              type: "Approve",
              paymentId,
              requestId,
              amount,
              waitMs,
              ...(answerByOnClock !== undefined ? { answerBy: answerByOnClock } : {}),
            },
            { idSeed: `approve:${requestId}` },
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
