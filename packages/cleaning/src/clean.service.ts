// cleaning.clean — owns Clean; finishing a clean emits CleaningFinished.
// Offers: finish (a cleaner records the finished cleaning), get, list,
//         byRequest (for cleaning.review: is this request's cleaning finished?).
// Reacts to: CleaningRecorded → stores its CleaningFinished, when the finish
//        that recorded it died before doing so (otherwise: nothing to do).
// Calls: cleaning.reservation.recordCleaning synchronously on finish (timeout,
//        breaker, bulkhead): the reservation decides whether the request may
//        be cleaned — known, not canceled, not cleaned yet — on the same
//        aggregate that decides a cancel, so a cancel and a clean of one
//        request can never both succeed. Unavailable: 503, nothing stored.

import {
  caller,
  correlateBy,
  endpoint,
  ListQuery,
  notFound,
  ownedReadActions,
  PageOf,
  type RequestMeta,
  type Role,
  type Runtime,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { ensureCalendarDay } from "./calendar.js";
import { cleanDecider, cleanView } from "./clean.js";
import { cleanPolicy } from "./clean.policy.js";
import { cleanIdOf } from "./ids.js";
import type { RecordedCleaning } from "./reservation.js";
import { ByIdParams, ByRequestParams, CleaningEvents, Clean as CleanResource, FinishCleanBody, Id } from "./schemas.js";

const CleanListQuery = ListQuery({
  requestId: T.Optional(Id),
  cleanerId: T.Optional(T.String({ maxLength: 100 })),
});

/** Who sees every clean, not only their own. */
const staff: Role[] = ["cleaner", "admin"];

export function cleanService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "cleaning.clean", { events: CleaningEvents });
  const cleans = kit.aggregate(cleanDecider, {
    correlation: correlateBy("requestId"),
    indexes: ["requestId", "cleanerId"],
  });

  kit.react(cleanPolicy);

  return {
    name: "cleaning.clean",
    mixins: [kit.mixin()],
    actions: {
      /**
       * 409 when the reservation is unknown, canceled, or already cleaned (the
       * reservation's answer). Once the reservation recorded the cleaning, the
       * outcome is decided: CleaningFinished is stored even if the caller has
       * stopped waiting (a keyed retry then gets it), and if this node dies
       * first, the CleaningRecorded policy stores it.
       */
      finish: endpoint({
        http: {
          method: "POST",
          path: "/cleaning/cleans",
          roles: ["cleaner"],
          summary:
            "Record a finished cleaning; 409 if the reservation is unknown, canceled, or already cleaned; 503 when the reservation service is unavailable",
          input: "body",
          status: 201,
          response: CleanResource,
          errors: [409, 503],
          example: { requestId: "01JD0000000000000000000000", cleanDate: "20250302" },
          reasons: { 409: ["ReservationUnknown", "ReservationCanceled", "AlreadyCleaned"], 422: ["NotACalendarDay"] },
        },
        params: FinishCleanBody,
        async handler(ctx: Context<Static<typeof FinishCleanBody>>) {
          const user = caller(ctx);
          const { requestId, cleanDate } = ctx.params;
          ensureCalendarDay("cleanDate", cleanDate);
          const retry = Boolean((ctx.meta as RequestMeta).idempotencyKey);
          const recorded = await ctx.call<RecordedCleaning, object>("cleaning.reservation.recordCleaning", {
            requestId,
            cleanDate,
            cleanerId: user.id,
            retry,
          });
          const { cleanId } = recorded;
          const { state } = await cleans.execute(
            cleanId,
            { type: "Finish", cleanId, requestId, cleanDate: recorded.cleanDate, cleanerId: recorded.cleanerId },
            { deadline: "none" },
          );
          return cleanView(state);
        },
      }),

      ...ownedReadActions({
        name: "clean",
        load: (id) => cleans.getLatest(id),
        page: (q) => cleans.page(q),
        ownerOf: (c) => c.cleanerId,
        ownerIndex: "cleanerId",
        staff,
        present: cleanView,
        getParams: ByIdParams,
        listQuery: CleanListQuery,
        filters: ["requestId", "cleanerId"],
        http: {
          get: {
            method: "GET",
            path: "/cleaning/cleans/:id",
            roles: staff,
            summary: "One clean",
            response: CleanResource,
            errors: [404],
          },
          list: {
            method: "GET",
            path: "/cleaning/cleans",
            roles: staff,
            summary: "List cleans (?requestId=, ?cleanerId=)",
            response: PageOf(CleanResource),
          },
        },
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
