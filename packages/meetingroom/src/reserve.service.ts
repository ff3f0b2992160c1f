// meetingroom.reserve — owns the room holdings (holding.ts), the authority on
// who holds a room now, and the reservations they record.
// Offers: reserve, cancel, get, list (members and admins); for the other
//         services: checkUser (a meeting may start: the caller reserved, the
//         reservation is unused), holdForMaintenance (the room is free: hold it
//         for a maintenance), release (a meeting or maintenance gave it back).
// Reacts to: RoomAdded (knows the room), ConferenceEnded and MaintEnded
//            (releases the hold if the synchronous release was lost).
// Every tick: expires unused reservations whose slot has ended (ReserveExpired);
//            releases a hold whose meeting or maintenance was never stored
//            within MEETINGROOM_RECONCILE_AFTER_MS (its node died after the
//            hold), once (HoldReleased).
// Calls: nothing.

import {
  caller,
  conflict,
  creationId,
  ListQuery,
  notFound,
  type RequestMeta,
  type Runtime,
  ServiceKit,
  watchOrphans,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { type HoldingState, heldFor, reservationMade, roomHoldingDecider } from "./holding.js";
import { roomIdOf } from "./ids.js";
import { nowIso } from "./now.js";
import { reservePolicy } from "./reserve.policy.js";
import { reserveIdOf, reserveReducers } from "./reserve-row.js";
import { endpoint, ensureOwnerOr, ownedReadActions } from "./roles.js";
import {
  ByIdParams,
  Id,
  type MeetingroomEvent,
  MeetingroomEvents,
  Reserve,
  ReserveBody,
  ReserveStatus,
} from "./schemas.js";
import { settings } from "./settings.js";
import { describeSlots, parseSlotPlan, slotAt } from "./slots.js";

const ReserveListQuery = ListQuery({
  roomId: T.Optional(Id),
  status: T.Optional(ReserveStatus),
  userId: T.Optional(T.String({ maxLength: 128 })),
});
const CheckUserParams = T.Object(
  { reserveId: Id, userId: T.String({ minLength: 1, maxLength: 128 }), conferenceId: Id },
  { additionalProperties: false },
);
const HoldForMaintenanceParams = T.Object({ roomId: Id, maintenanceId: Id }, { additionalProperties: false });
const ReleaseParams = T.Object(
  { roomId: Id, reserveId: T.Optional(Id), conferenceId: T.Optional(Id), maintenanceId: T.Optional(Id) },
  { additionalProperties: false },
);

/** What checkUser answers: the reservation a meeting may start on. */
export interface CheckedReserve {
  reserveId: string;
  roomId: string;
  userId: string;
  slotStart: string;
  slotEnd: string;
  /** When the room was taken for this meeting: the meeting is stored within a window of it, or never. */
  heldAt: string;
}

/** What holdForMaintenance answers. */
export interface MaintenanceHold {
  roomId: string;
  maintenanceId: string;
  /** When the room was taken: the maintenance is stored within a window of it, or never. */
  heldAt: string;
}

const isoOf = (ms: number) => new Date(ms).toISOString();
const notHeldAnyMore = () =>
  conflict("HoldReleased", "the room was given back because this start did not complete in time; try again anew");

/** How often unused reservations are looked at for expiry. */
const EXPIRY_PERIOD_MS = 1000;

export function reserveService(rt: Runtime): ServiceSchema {
  // An invalid MEETINGROOM_SLOTS or MEETINGROOM_TZ stops the node here, with the reason.
  const { MEETINGROOM_SLOTS, MEETINGROOM_TZ } = settings.of(rt.config);
  const plan = parseSlotPlan(MEETINGROOM_SLOTS, MEETINGROOM_TZ);
  const kit = new ServiceKit(rt, "meetingroom.reserve", { events: MeetingroomEvents });
  const holdings = kit.aggregate(roomHoldingDecider, { indexes: [{ name: "hold", of: (h) => h.hold?.kind }] });
  const reserves = kit.view<Reserve, MeetingroomEvent>({
    name: "reserves",
    filter: "meetingroom.holding.>",
    key: reserveIdOf,
    on: reserveReducers,
    indexes: ["userId", "roomId", "status", ["userId", "status"]],
  });
  const knownRooms = kit.view<{ name: string }, MeetingroomEvent>({
    name: "knownRooms",
    filter: "meetingroom.room.>",
    key: roomIdOf,
    on: { RoomAdded: (row, e) => (row ? undefined : { name: e.data.name }) },
  });
  // Read-your-writes: a member reading the reservation they just made, or
  // reserving a room an admin just added, finds it on any replica.
  async function reserveOf(id: string): Promise<Reserve | undefined> {
    await reserves.caughtUp();
    return reserves.get(id);
  }
  async function roomKnown(roomId: string): Promise<boolean> {
    await knownRooms.caughtUp();
    return (await knownRooms.get(roomId)) !== undefined;
  }

  kit.react(reservePolicy, { holding: (roomId) => holdings.get(roomId) });

  // Runs on every replica: the holding decides, so a second replica's Expire
  // finds the reservation gone and appends nothing (and the seeded event id
  // would be dropped by the stream anyway).
  kit.every("expire unused reservations", EXPIRY_PERIOD_MS, async (now) => {
    // Only rooms held by a reservation can expire: the hold index walks those, a page at a time.
    for await (const h of holdings.rows({ hold: "reserve" })) {
      if (h.hold?.kind !== "reserve" || h.hold.conferenceId || Date.parse(h.hold.slotEnd) > now) continue;
      const { reserveId, slotEnd } = h.hold;
      await holdings.execute(
        h.roomId,
        { type: "Expire", reserveId, now },
        { idSeed: `expire:${reserveId}`, idTime: Date.parse(slotEnd), now: slotEnd },
      );
    }
  });

  // A meeting's start or a maintenance took the room and its node died before
  // storing it: nobody could ever end it. Every replica ticks; the holding
  // decides (expected sequence, seeded id), so the hold is released once.
  const afterMs = settings.of(rt.config).MEETINGROOM_RECONCILE_AFTER_MS;
  watchOrphans(rt, kit, {
    name: "release holds whose meeting or maintenance never came",
    afterMs,
    candidates: () => holdings.rows(),
    waiting: (h: HoldingState) => {
      const owner = heldFor(h);
      return owner && { key: `${h.roomId}:${owner.id}`, since: owner.since, owner };
    },
    release: async (h, now) => {
      const owner = heldFor(h);
      if (!owner) return;
      const which = owner.aggregate === "maintenance" ? { maintenanceId: owner.id } : { conferenceId: owner.id };
      await holdings.execute(
        h.roomId,
        { type: "ReleaseUnowned", ...which, now, afterMs },
        { idSeed: `release-unowned:${owner.id}`, idTime: owner.since, now: isoOf(now) },
      );
    },
  });

  return {
    name: "meetingroom.reserve",
    mixins: [kit.mixin()],
    actions: {
      /** A member takes a room for the slot running now: first come, first served. */
      reserve: endpoint({
        http: {
          method: "POST",
          path: "/meetingroom/reserves",
          roles: ["member"],
          summary:
            "Reserve a room for the slot running now (first come, first served); 409 when held or no slot is open",
          input: "body",
          status: 201,
          response: Reserve,
          errors: [409, 503],
          example: { roomId: "01JD0000000000000000000000" },
          reasons: {
            403: ["NotOwner"],
            409: ["NoSlotOpen", "UnknownRoom", "UnderMaintenance", "InConference", "RoomReserved"],
          },
        },
        params: ReserveBody,
        async handler(ctx: Context<Static<typeof ReserveBody>>) {
          const user = caller(ctx);
          const { roomId } = ctx.params;
          const reserveId = creationId(ctx, "reserve");
          // Under an Idempotency-Key the id is derived from it: a retry finds what the first try made.
          const before = (ctx.meta as RequestMeta).idempotencyKey ? await reserveOf(reserveId) : undefined;
          if (before) {
            ensureOwnerOr(user, before.userId);
            return before;
          }
          const now = kit.clock.now();
          const { state, events } = await holdings.execute(
            roomId,
            {
              type: "Reserve",
              reserveId,
              roomId,
              userId: user.id,
              slot: slotAt(plan, now),
              openSlots: `${describeSlots(plan)} (${plan.timeZone})`,
              roomKnown: await roomKnown(roomId),
              now,
            },
            { now: nowIso(kit) },
          );
          const made = events.length > 0 ? reservationMade(state) : undefined;
          // Nothing decided: this reservation held the room already (a retry the view had not seen yet).
          return made ?? reserveOf(reserveId);
        },
      }),

      /** The member who reserved gives the room back; 409 once the meeting started. */
      cancel: endpoint({
        http: {
          method: "POST",
          path: "/meetingroom/reserves/:id/cancel",
          roles: "any",
          summary: "Cancel a reservation (its member); 409 once the meeting started",
          response: Reserve,
          errors: [403, 404, 409],
          reasons: { 403: ["NotOwner"], 409: ["ReserveExpired", "MeetingStarted", "ReserveNotActive"] },
        },
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          const user = caller(ctx);
          const row = await reserveOf(ctx.params.id);
          if (!row) throw notFound("reserve", ctx.params.id);
          ensureOwnerOr(user, row.userId);
          const { state, events } = await holdings.execute(
            row.roomId,
            { type: "Cancel", reserveId: row.id, now: kit.clock.now(), recorded: row },
            { now: nowIso(kit) },
          );
          return events.length > 0 ? { ...row, status: "Canceled", updatedAt: state.updatedAt } : row;
        },
      }),

      ...ownedReadActions({
        name: "reserve",
        load: reserveOf,
        page: async (q) => {
          await reserves.caughtUp();
          return reserves.page(q);
        },
        owner: "userId",
        staff: ["admin"],
        present: (r) => r,
        getParams: ByIdParams,
        listQuery: ReserveListQuery,
        filters: ["roomId", "status", "userId"],
        resource: {
          path: "/meetingroom/reserves",
          schema: Reserve,
          roles: "any",
          summaries: {
            get: "One reservation (its member or an admin)",
            list: "List reservations (a member sees their own; ?roomId= ?status=)",
          },
        },
      }),

      /**
       * For meetingroom.conference: the caller may start a meeting on this
       * reservation (403 not the member who reserved; 409 canceled, expired or
       * used). Marks the reservation used, once per conference id; the same
       * conference again is answered only while the room is still held for it.
       */
      checkUser: {
        visibility: "public",
        params: CheckUserParams,
        async handler(ctx: Context<Static<typeof CheckUserParams>>): Promise<CheckedReserve> {
          const { reserveId, userId, conferenceId } = ctx.params;
          const row = await reserveOf(reserveId);
          if (!row) throw notFound("reserve", reserveId);
          const answer = { reserveId, roomId: row.roomId, userId, slotStart: row.slotStart, slotEnd: row.slotEnd };
          const heldForThis = (state: HoldingState | undefined) => {
            const owner = heldFor(state);
            if (owner?.aggregate !== "conference" || owner.id !== conferenceId) throw notHeldAnyMore();
            return { ...answer, heldAt: isoOf(owner.since) };
          };
          // The same start again: answered with the hold as it is now, on any replica.
          if (row.userId === userId && row.status === "Used" && row.conferenceId === conferenceId)
            return heldForThis(await holdings.getLatest(row.roomId));
          const { state } = await holdings.execute(
            row.roomId,
            { type: "Use", reserveId, userId, conferenceId, now: kit.clock.now(), recorded: row },
            { now: nowIso(kit) },
          );
          return heldForThis(state);
        },
      },

      /** For meetingroom.maintenance: holds a free room for a maintenance (409 when it is reserved or in a meeting). */
      holdForMaintenance: {
        visibility: "public",
        params: HoldForMaintenanceParams,
        async handler(ctx: Context<Static<typeof HoldForMaintenanceParams>>): Promise<MaintenanceHold> {
          const { roomId, maintenanceId } = ctx.params;
          const now = kit.clock.now();
          const { state } = await holdings.execute(
            roomId,
            { type: "HoldForMaintenance", roomId, maintenanceId, roomKnown: await roomKnown(roomId), now },
            { now: nowIso(kit) },
          );
          const owner = heldFor(state);
          if (owner?.aggregate !== "maintenance" || owner.id !== maintenanceId) throw notHeldAnyMore();
          return { roomId, maintenanceId, heldAt: isoOf(owner.since) };
        },
      },

      /** For meetingroom.conference and meetingroom.maintenance: the meeting or maintenance ended. */
      release: {
        visibility: "public",
        params: ReleaseParams,
        async handler(ctx: Context<Static<typeof ReleaseParams>>) {
          const { roomId, ...which } = ctx.params;
          if (!(await holdings.getLatest(roomId))) return { roomId }; // never held: nothing to give back
          await holdings.execute(roomId, { type: "Release", ...which }, { now: nowIso(kit) });
          return { roomId };
        },
      },
    },
  };
}
