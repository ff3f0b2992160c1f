// meetingroom.conference — owns Conference (conference.ts): the meetings.
// Offers: start (only the member who reserved), end (that member or an admin), get, list.
// Reacts to: nothing.
// Every tick: ends meetings still running when their slot has ended (ConferenceEnded).
// Calls: meetingroom.reserve.checkUser synchronously before a meeting starts
//        (503 when reserve is unavailable: nothing is stored); the meeting is
//        stored within a window of the room's hold or never (after it, the
//        reconciliation of meetingroom.reserve gives the room back); and
//        meetingroom.reserve.release after an end (best effort: reserve also
//        releases the room when it reads ConferenceEnded).

import {
  caller,
  conflict,
  correlateBy,
  creationId,
  ListQuery,
  notFound,
  ownerStoreBy,
  type RequestMeta,
  type Runtime,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { type ConferenceState, conferenceDecider } from "./conference.js";
import { nowIso } from "./now.js";
import type { CheckedReserve } from "./reserve.service.js";
import { endpoint, ensureOwnerOr, ownedReadActions } from "./roles.js";
import { ByIdParams, Conference as ConferenceResource, Id, MeetingroomEvents, StartConferenceBody } from "./schemas.js";
import { settings } from "./settings.js";

const ConferenceListQuery = ListQuery({
  roomId: T.Optional(Id),
  reserveId: T.Optional(Id),
  status: T.Optional(T.Union([T.Literal("Started"), T.Literal("Ended")])),
});

/** How often running meetings are looked at for their slot's end. */
const SLOT_END_PERIOD_MS = 1000;

export const conferenceView = (s: ConferenceState) => ({
  id: s.id,
  reserveId: s.reserveId,
  roomId: s.roomId,
  userId: s.userId,
  slotStart: s.slotStart,
  slotEnd: s.slotEnd,
  status: s.status,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});

export function conferenceService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "meetingroom.conference", { events: MeetingroomEvents });
  const conferences = kit.aggregate(conferenceDecider, {
    correlation: correlateBy("roomId"),
    indexes: ["userId", "roomId", "reserveId", "status", ["userId", "status"]],
  });
  const afterMs = settings.of(rt.config).MEETINGROOM_RECONCILE_AFTER_MS;

  // Runs on every replica: the aggregate decides, so a second replica's
  // command finds the meeting ended and appends nothing.
  kit.every("end meetings at slot end", SLOT_END_PERIOD_MS, async (now) => {
    // Only running meetings can end: the status index walks those, a page at a time.
    for await (const c of conferences.rows({ status: "Started" })) {
      if (Date.parse(c.slotEnd) > now) continue;
      await conferences.execute(
        c.id,
        { type: "EndAtSlotEnd", now },
        { idSeed: `slot-end:${c.id}`, idTime: Date.parse(c.slotEnd), now: c.slotEnd },
      );
    }
  });

  /** Gives the room back at once; if reserve cannot be reached, its reaction to ConferenceEnded does it. */
  async function release(ctx: Context, c: ConferenceState): Promise<void> {
    try {
      await ctx.call("meetingroom.reserve.release", { roomId: c.roomId, conferenceId: c.id, reserveId: c.reserveId });
    } catch {
      // eventually released by meetingroom.reserve's policy
    }
  }

  return {
    name: "meetingroom.conference",
    mixins: [kit.mixin()],
    actions: {
      /** The member who reserved starts the meeting; reserve decides whether they may. */
      start: endpoint({
        http: {
          method: "POST",
          path: "/meetingroom/conferences",
          roles: ["member"],
          summary:
            "Start the meeting of a reservation; 403 unless the caller reserved it; 503 when reserve is unavailable",
          input: "body",
          status: 201,
          response: ConferenceResource,
          errors: [404, 409, 503],
          example: { reserveId: "01JD0000000000000000000000" },
          reasons: {
            403: ["NotTheReserver"],
            409: [
              "ReserveCanceled",
              "ReserveExpired",
              "ReserveUsed",
              "ReserveNotActive",
              "StartTooLate",
              "HoldReleased",
            ],
          },
        },
        params: StartConferenceBody,
        async handler(ctx: Context<Static<typeof StartConferenceBody>>) {
          const user = caller(ctx);
          const conferenceId = creationId(ctx, "conference");
          // Under an Idempotency-Key a retry finds the meeting the first try stored, even once it ended.
          const stored = (ctx.meta as RequestMeta).idempotencyKey
            ? await conferences.getLatest(conferenceId)
            : undefined;
          if (stored) {
            ensureOwnerOr(user, stored.userId);
            return conferenceView(stored);
          }
          const { heldAt, ...checked } = await ctx.call<CheckedReserve, object>("meetingroom.reserve.checkUser", {
            reserveId: ctx.params.reserveId,
            userId: user.id,
            conferenceId,
          });
          const storeBy = ownerStoreBy(Date.parse(heldAt), afterMs, kit.clock);
          if (storeBy === undefined)
            throw conflict("StartTooLate", "this meeting was not started in time and its room is being given back");
          const { state } = await conferences.execute(
            conferenceId,
            { type: "Start", conferenceId, ...checked },
            { storeBy, now: nowIso(kit) },
          );
          return conferenceView(state);
        },
      }),

      /** The member (or an admin) ends the meeting; ending an ended one answers it as it is. */
      end: endpoint({
        http: {
          method: "POST",
          path: "/meetingroom/conferences/:id/end",
          roles: "any",
          summary: "End a meeting (its member or an admin)",
          response: ConferenceResource,
          errors: [403, 404],
          reasons: { 403: ["NotOwner"] },
        },
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          const found = await conferences.getLatest(ctx.params.id);
          if (!found) throw notFound("conference", ctx.params.id);
          ensureOwnerOr(caller(ctx), found.userId, "admin");
          const { state } = await conferences.execute(found.id, { type: "End" }, { now: nowIso(kit) });
          await release(ctx, state);
          return conferenceView(state);
        },
      }),

      ...ownedReadActions({
        name: "conference",
        rows: conferences,
        owner: "userId",
        staff: ["admin"],
        present: conferenceView,
        getParams: ByIdParams,
        listQuery: ConferenceListQuery,
        filters: ["roomId", "reserveId", "status"],
        resource: {
          path: "/meetingroom/conferences",
          schema: ConferenceResource,
          roles: "any",
          summaries: {
            get: "One meeting (its member or an admin)",
            list: "List meetings (a member sees their own; ?roomId= ?status=)",
          },
        },
      }),
    },
  };
}
