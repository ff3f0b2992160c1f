// cleaning.reservation — owns CleaningReservation, the authority on whether a
//        request is canceled or cleaned (exactly one of the two can happen).
// Offers: apply, get, list, cancel;
//         recordCleaning (for cleaning.clean, before it stores a CleaningFinished).
// Reacts to: nothing (the payment service reacts to its cancel, the clean
//        service to its CleaningRecorded).
// Calls: cleaning.payment.approve synchronously on apply (timeout, breaker,
//        bulkhead): no approved payment, no reservation.

import {
  caller,
  creationId,
  forbidden,
  ListQuery,
  notFound,
  type RequestMeta,
  type Runtime,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { ensureCalendarDay } from "./calendar.js";
import { cleanIdOf } from "./ids.js";
import { reservationDecider, reservationView } from "./reservation.js";
import { type CleaningRole, endpoint, ownedReadActions } from "./roles.js";
import {
  ApplyReservationBody,
  ByIdParams,
  CleaningEvents,
  Day,
  Id,
  Reservation as ReservationResource,
  ReservationStatus,
} from "./schemas.js";

const ReservationListQuery = ListQuery({ status: T.Optional(ReservationStatus), requestDate: T.Optional(Day) });
const RecordCleaningParams = T.Object(
  { requestId: Id, cleanDate: Day, cleanerId: T.String({ maxLength: 100 }), retry: T.Boolean() },
  { additionalProperties: false },
);

/** Who sees every reservation; a customer sees their own. */
const staff: CleaningRole[] = ["cleaner", "admin"];

export function reservationService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "cleaning.reservation", { events: CleaningEvents });
  const reservations = kit.aggregate(reservationDecider, {
    indexes: ["customerId", "status", "requestDate", ["customerId", "status"]],
  });

  return {
    name: "cleaning.reservation",
    mixins: [kit.mixin()],
    actions: {
      /**
       * Pays first, then stores the reservation. Under an Idempotency-Key the
       * reservation's id comes from the key, and approve is idempotent per
       * request: a retry after a crash between the two completes the same
       * reservation with the same payment.
       */
      apply: endpoint({
        http: {
          method: "POST",
          path: "/cleaning/cleaningReservations",
          roles: ["customer"],
          summary: "Reserve a cleaning and pay for it; 503 when payment is unavailable (nothing stored)",
          input: "body",
          status: 201,
          response: ReservationResource,
          errors: [409, 503],
          example: { requestDate: "20250301", place: "Seoul, Mapo-gu 7", price: 50000, customerName: "Alice" },
          reasons: {
            403: ["NotOwner"],
            409: ["PaymentCanceled", "ReservationTooLate", "AmountMismatch"],
            422: ["NotACalendarDay"],
          },
        },
        params: ApplyReservationBody,
        async handler(ctx: Context<Static<typeof ApplyReservationBody>>) {
          const user = caller(ctx);
          const { requestDate, place, price, customerName } = ctx.params;
          ensureCalendarDay("requestDate", requestDate);
          const requestId = creationId(ctx, "reservation");
          if ((ctx.meta as RequestMeta).idempotencyKey) {
            const stored = await reservations.getLatest(requestId);
            if (stored) {
              if (stored.customerId !== user.id)
                throw forbidden("NotOwner", "only the customer who reserved may see this reservation");
              return reservationView(stored);
            }
          }
          await ctx.call("cleaning.payment.approve", { requestId, amount: price });
          const { state } = await reservations.execute(requestId, {
            type: "Apply",
            requestId,
            requestDate,
            place,
            price,
            customerName,
            customerId: user.id,
          });
          return reservationView(state);
        },
      }),

      ...ownedReadActions({
        name: "reservation",
        rows: reservations,
        owner: "customerId",
        staff,
        present: reservationView,
        getParams: ByIdParams,
        listQuery: ReservationListQuery,
        filters: ["status", "requestDate"],
        resource: {
          path: "/cleaning/cleaningReservations",
          schema: ReservationResource,
          roles: ["customer", ...staff],
          summaries: {
            get: "One reservation (its owner, cleaners, admins)",
            list: "List reservations (a customer sees their own; ?status=, ?requestDate=)",
          },
        },
      }),

      /**
       * The customer's own reservation only; 409 once its cleaning is recorded.
       * Decided on this aggregate like recordCleaning, so of a cancel and a
       * clean of one request exactly one is stored.
       */
      cancel: endpoint({
        http: {
          method: "POST",
          path: "/cleaning/cleaningReservations/:id/cancel",
          roles: "any",
          summary: "Cancel one's own reservation (its payment is canceled); 409 once the cleaning is finished",
          response: ReservationResource,
          errors: [403, 404, 409],
          reasons: { 403: ["NotOwner"], 409: ["CleaningFinished"] },
        },
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          const user = caller(ctx);
          const reservation = await reservations.getLatest(ctx.params.id);
          if (!reservation) throw notFound("reservation", ctx.params.id);
          if (reservation.customerId !== user.id)
            throw forbidden("NotOwner", "only the customer who reserved may cancel");
          // Canceled already: decide appends nothing and the reservation is answered as it is.
          const { state } = await reservations.execute(
            reservation.id,
            { type: "Cancel" },
            { idSeed: `cancel:${reservation.id}` },
          );
          return reservationView(state);
        },
      }),

      /**
       * The clean service records a finished cleaning here first: 409
       * ReservationUnknown, ReservationCanceled or AlreadyCleaned, else the
       * reservation can no longer be canceled and the clean service stores its
       * CleaningFinished (or, if it dies first, its policy does).
       */
      recordCleaning: {
        visibility: "public",
        params: RecordCleaningParams,
        async handler(ctx: Context<Static<typeof RecordCleaningParams>>) {
          const { requestId, cleanDate, cleanerId, retry } = ctx.params;
          // Caught up with the stream: a reservation stored a moment ago, anywhere, is known.
          await reservations.getLatest(requestId);
          const cleanId = cleanIdOf(requestId);
          const { state } = await reservations.execute(requestId, {
            type: "RecordCleaning",
            requestId,
            cleanId,
            cleanDate,
            cleanerId,
            retry,
          });
          return state.cleaning;
        },
      },
    },
  };
}
