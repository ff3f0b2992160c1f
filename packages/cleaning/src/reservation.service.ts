// cleaning.reservation — owns CleaningReservation.
// Offers: apply, get, list, cancel.
// Reacts to: nothing (the payment service reacts to its cancel).
// Calls: cleaning.payment.approve synchronously on apply (timeout, breaker,
//        bulkhead): no approved payment, no reservation.
// Knows: cleans, from its own copy of the clean stream, caught up to the
//        stream's last word on the request before a cancel is decided.

import {
  caller,
  creationId,
  deadlineOf,
  forbidden,
  ListQuery,
  notFound,
  ownedReadActions,
  type RequestMeta,
  type Runtime,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { ensureCalendarDay } from "./calendar.js";
import { Clean } from "./clean.js";
import { cleanIdOf } from "./ids.js";
import { Reservation, reservationView } from "./reservation.js";
import { ApplyReservationBody, ByIdParams, CleaningEventSchemas, Day, ReservationStatus } from "./schemas.js";

export const ReservationListQuery = ListQuery({ status: T.Optional(ReservationStatus), requestDate: T.Optional(Day) });

export function reservationService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "cleaning.reservation", { eventSchemas: CleaningEventSchemas });
  const reservations = kit.aggregate(Reservation);
  // Read only: cleans belong to cleaning.clean; this copy answers "is it cleaned?".
  const cleans = kit.aggregate(Clean);

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
      apply: {
        params: ApplyReservationBody,
        async handler(ctx: Context<Static<typeof ApplyReservationBody>>) {
          const user = caller(ctx);
          const { requestDate, place, price, customerName } = ctx.params;
          ensureCalendarDay("requestDate", requestDate);
          const requestId = creationId(ctx, "reservation");
          if ((ctx.meta as RequestMeta).idempotencyKey) {
            const stored = await reservations.getLatest(requestId);
            if (stored) {
              if (stored.customerId !== user.id) throw forbidden("not the owner");
              return reservationView(stored);
            }
          }
          await ctx.call("cleaning.payment.approve", { requestId, amount: price });
          const { state } = await reservations.execute(
            requestId,
            { type: "Apply", requestId, requestDate, place, price, customerName, customerId: user.id },
            { correlationId: requestId, deadline: deadlineOf(ctx) },
          );
          return reservationView(state);
        },
      },

      ...ownedReadActions({
        name: "reservation",
        load: (id) => reservations.getLatest(id),
        all: () => reservations.all(),
        ownerOf: (r) => r.customerId,
        staff: ["cleaner", "admin"],
        present: reservationView,
        getParams: ByIdParams,
        listQuery: ReservationListQuery,
        filters: ["status", "requestDate"],
      }),

      /** The customer's own reservation only; 409 once its cleaning is finished. */
      cancel: {
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          const user = caller(ctx);
          const reservation = await reservations.getLatest(ctx.params.id);
          if (!reservation) throw notFound("reservation", ctx.params.id);
          if (reservation.customerId !== user.id) throw forbidden("only the customer who reserved may cancel");
          if (reservation.status === "ReservationCanceled") return reservationView(reservation);
          const cleaned = (await cleans.getLatest(cleanIdOf(reservation.id))) !== undefined;
          const { state } = await reservations.execute(
            reservation.id,
            { type: "Cancel", cleaned },
            { correlationId: reservation.id, idSeed: `cancel:${reservation.id}`, deadline: deadlineOf(ctx) },
          );
          return reservationView(state);
        },
      },
    },
  };
}
