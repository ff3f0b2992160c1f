// cleaning.clean — owns Clean.
// Offers: finish (a cleaner records the finished cleaning), get, list,
//         byRequest (for cleaning.review: is this request's cleaning finished?).
// Reacts to: nothing; finishing a clean emits CleaningFinished.
// Calls: nothing.
// Knows: reservations, from its own copy of the reservation stream. Before it
//        decides, that copy is caught up to the stream's last word on the
//        request (one look-up), so a reservation stored a moment ago is known,
//        and "unknown" means the stream has never heard of it.

import {
  caller,
  deadlineOf,
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
import { Clean, cleanView, type ReservationStanding } from "./clean.js";
import { cleanIdOf } from "./ids.js";
import { Reservation } from "./reservation.js";
import { ByIdParams, ByRequestParams, CleaningEventSchemas, FinishCleanBody, Id } from "./schemas.js";

export const CleanListQuery = ListQuery({
  requestId: T.Optional(Id),
  cleanerId: T.Optional(T.String({ maxLength: 100 })),
});

export function cleanService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "cleaning.clean", { eventSchemas: CleaningEventSchemas });
  const cleans = kit.aggregate(Clean);
  // Read only: reservations belong to cleaning.reservation.
  const reservations = kit.aggregate(Reservation);

  async function standingOf(requestId: string): Promise<ReservationStanding> {
    const reservation = await reservations.getLatest(requestId);
    if (!reservation) return "unknown";
    return reservation.status === "ReservationCanceled" ? "canceled" : "applied";
  }

  return {
    name: "cleaning.clean",
    mixins: [kit.mixin()],
    actions: {
      /** 409 when the reservation is unknown, canceled, or already cleaned. */
      finish: {
        params: FinishCleanBody,
        async handler(ctx: Context<Static<typeof FinishCleanBody>>) {
          const user = caller(ctx);
          const { requestId, cleanDate } = ctx.params;
          ensureCalendarDay("cleanDate", cleanDate);
          const cleanId = cleanIdOf(requestId);
          const { state } = await cleans.execute(
            cleanId,
            {
              type: "Finish",
              cleanId,
              requestId,
              cleanDate,
              cleanerId: user.id,
              reservation: await standingOf(requestId),
              retry: Boolean((ctx.meta as RequestMeta).idempotencyKey),
            },
            { correlationId: requestId, deadline: deadlineOf(ctx) },
          );
          return cleanView(state);
        },
      },

      ...ownedReadActions({
        name: "clean",
        load: (id) => cleans.getLatest(id),
        all: () => cleans.all(),
        ownerOf: (c) => c.cleanerId,
        staff: ["cleaner", "admin"],
        present: cleanView,
        getParams: ByIdParams,
        listQuery: CleanListQuery,
        filters: ["requestId", "cleanerId"],
      }),

      /** The request's finished cleaning (404 when there is none), as fresh as the stream. */
      byRequest: {
        visibility: "public",
        params: ByRequestParams,
        async handler(ctx: Context<Static<typeof ByRequestParams>>) {
          const clean = await cleans.getLatest(cleanIdOf(ctx.params.requestId));
          if (!clean) throw notFound("cleaning of request", ctx.params.requestId);
          return cleanView(clean);
        },
      },
    },
  };
}
