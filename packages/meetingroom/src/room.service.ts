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
  deadlineOf,
  ListQuery,
  notFound,
  pageOf,
  type Runtime,
  rowQuery,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { nowIso } from "./caught-up.js";
import { roomIdOf } from "./ids.js";
import { DEFAULT_CAPACITY, Room, type RoomState } from "./room.js";
import { type RoomTableRow, roomTableReducers } from "./room-table.js";
import { AddRoomBody, ByIdParams, type MeetingroomEvent, MeetingroomEvents, RoomStatus } from "./schemas.js";

export const RoomListQuery = ListQuery({
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
  const rooms = kit.aggregate(Room, { indexes: ["name"] });
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
      add: {
        params: AddRoomBody,
        async handler(ctx: Context<Static<typeof AddRoomBody>>) {
          const user = caller(ctx);
          const roomId = creationId(ctx, "room");
          const { name, capacity = DEFAULT_CAPACITY } = ctx.params;
          const { state } = await rooms.execute(
            roomId,
            { type: "Add", roomId, name, capacity },
            { correlationId: roomId, causationId: user.id, deadline: deadlineOf(ctx), now: nowIso(kit) },
          );
          return roomView(state, await statuses.get(roomId));
        },
      },

      get: {
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          const room = await rooms.getLatest(ctx.params.id);
          if (!room) throw notFound("room", ctx.params.id);
          return roomView(room, await statuses.get(room.id));
        },
      },

      list: {
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
      },
    },
  };
}
