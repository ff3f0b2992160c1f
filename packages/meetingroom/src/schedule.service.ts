// meetingroom.schedule — keeps the roomTables view (CQRS read model): every
// room's current state on one screen, with its Korean label (`?lang=en`).
// Reads every meetingroom event; owns nothing else. Offers: get, list.
// Calls: nothing.

import {
  endpoint,
  filtersOf,
  ListQuery,
  labelLanguage,
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
import { localized, type RoomTableRow, roomTableReducers } from "./room-table.js";
import {
  Id,
  Lang,
  type MeetingroomEvent,
  MeetingroomEvents,
  RoomStatus,
  RoomTableRow as RoomTableRowResource,
} from "./schemas.js";

const RoomTableParams = T.Object({ roomId: Id, lang: Lang }, { additionalProperties: false });
const RoomTableListQuery = ListQuery({ status: T.Optional(RoomStatus) });

export function scheduleService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "meetingroom.schedule", { events: MeetingroomEvents });
  const roomTables = kit.view<RoomTableRow, MeetingroomEvent>({
    name: "roomTables",
    key: roomIdOf,
    on: roomTableReducers,
    indexes: ["status"],
  });

  return {
    name: "meetingroom.schedule",
    mixins: [kit.mixin()],
    actions: {
      get: endpoint({
        http: {
          method: "GET",
          path: "/meetingroom/roomTables/:roomId",
          roles: "any",
          summary: "One room's row of the roomTables view (?lang=en)",
          response: RoomTableRowResource,
          errors: [404],
        },
        params: RoomTableParams,
        async handler(ctx: Context<Static<typeof RoomTableParams>>) {
          const row = await roomTables.getLatest(ctx.params.roomId);
          if (!row) throw notFound("room", ctx.params.roomId);
          return localized(row, labelLanguage(ctx, ctx.params));
        },
      }),

      list: endpoint({
        http: {
          method: "GET",
          path: "/meetingroom/roomTables",
          roles: "any",
          summary: "The roomTables view: every room's current state (eventually consistent; ?status= ?lang=en)",
          input: "query",
          response: PageOf(RoomTableRowResource),
        },
        params: RoomTableListQuery,
        async handler(ctx: Context<Static<typeof RoomTableListQuery>>) {
          const lang = labelLanguage(ctx, ctx.params);
          const rows = await roomTables.page(rowQuery(ctx.params, filtersOf(ctx.params, ["status"])));
          return pageOf(rows, (r) => localized(r, lang));
        },
      }),
    },
  };
}
