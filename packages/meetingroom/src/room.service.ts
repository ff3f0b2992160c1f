// meetingroom.room — owns Room (room.ts) and the status each room shows.
// Offers: add (admins), get, list.
// Reacts to: every reservation, meeting and maintenance event, by folding it
//            into the room's status (Available | Reserved | InConference |
//            UnderMaintenance) — a projection of the stream, so statuses
//            catch up by themselves, each event once, after the service was away.
// Calls: nothing. Nothing else waits for this service.

import {
  caller,
  creationId,
  endpoint,
  ListQuery,
  notFound,
  PageOf,
  pageOf,
  type Runtime,
  rowQuery,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { roomIdOf } from "./ids.js";
import { nowIso } from "./now.js";
import { DEFAULT_CAPACITY, type RoomState, roomDecider } from "./room.js";
import { type RoomTableRow, roomTableReducers } from "./room-table.js";
import {
  AddRoomBody,
  ByIdParams,
  type MeetingroomEvent,
  MeetingroomEvents,
  Room as RoomResource,
  RoomStatus,
} from "./schemas.js";

const RoomListQuery = ListQuery({
  status: T.Optional(RoomStatus),
  name: T.Optional(T.String({ minLength: 1, maxLength: 200 })),
});

export const roomView = (room: RoomState, status: RoomTableRow | undefined) => ({
  id: room.id,
  name: room.name,
  capacity: room.capacity,
  status: status?.status ?? "Available",
  createdAt: room.createdAt,
  // the room changes when its status does
  updatedAt: status && status.updatedAt > room.updatedAt ? status.updatedAt : room.updatedAt,
});

export function roomService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "meetingroom.room", { events: MeetingroomEvents });
  const rooms = kit.aggregate(roomDecider, { indexes: ["name"] });
  const statuses = kit.view<RoomTableRow, MeetingroomEvent>({
    name: "roomStatuses",
    key: roomIdOf,
    on: roomTableReducers,
    indexes: ["status", "name"],
  });

  return {
    name: "meetingroom.room",
    mixins: [kit.mixin()],
    actions: {
      add: endpoint({
        http: {
          method: "POST",
          path: "/meetingroom/rooms",
          roles: ["admin"],
          summary: "Add a meeting room",
          input: "body",
          status: 201,
          response: RoomResource,
          example: { name: "Room A", capacity: 8 },
        },
        params: AddRoomBody,
        async handler(ctx: Context<Static<typeof AddRoomBody>>) {
          const user = caller(ctx);
          const roomId = creationId(ctx, "room");
          const { name, capacity = DEFAULT_CAPACITY } = ctx.params;
          const { state } = await rooms.execute(
            roomId,
            { type: "Add", roomId, name, capacity },
            { causationId: user.id, now: nowIso(kit) },
          );
          return roomView(state, await statuses.get(roomId));
        },
      }),

      get: endpoint({
        http: {
          method: "GET",
          path: "/meetingroom/rooms/:id",
          roles: "any",
          summary: "One room with its status",
          response: RoomResource,
          errors: [404],
        },
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          const room = await rooms.getLatest(ctx.params.id);
          if (!room) throw notFound("room", ctx.params.id);
          return roomView(room, await statuses.get(room.id));
        },
      }),

      list: endpoint({
        http: {
          method: "GET",
          path: "/meetingroom/rooms",
          roles: "any",
          summary: "List rooms with their status (?status=)",
          input: "query",
          response: PageOf(RoomResource),
        },
        params: RoomListQuery,
        async handler(ctx: Context<Static<typeof RoomListQuery>>) {
          const { status, name } = ctx.params;
          if (status === undefined) {
            const found = await rooms.page(rowQuery(ctx.params, { name }));
            const shown = await Promise.all(found.rows.map(async (r) => roomView(r, await statuses.get(r.id))));
            return pageOf({ ...found, rows: shown }, (r) => r);
          }
          // By status: the status view's index (RoomAdded makes a room's row there, keyed by the room id too).
          const found = await statuses.page(rowQuery(ctx.params, { status, name }));
          const shown = await Promise.all(
            found.rows.map(async (s) => {
              const room = await rooms.get(s.roomId);
              return room && roomView(room, s);
            }),
          );
          return pageOf({ ...found, rows: shown.filter((r) => r !== undefined) }, (r) => r);
        },
      }),
    },
  };
}
