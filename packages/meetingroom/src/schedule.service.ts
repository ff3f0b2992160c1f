// meetingroom.schedule — keeps the roomTables view (CQRS read model): every
// room's current state on one screen, with its Korean label (`?lang=en`).
// Reads every meetingroom event; owns nothing else. Offers: get, list.
// Calls: nothing.

import { ListQuery, type Runtime, ServiceKit } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { ServiceSchema } from "moleculer";
import { roomIdOf } from "./ids.js";
import { sharedReadActions } from "./roles.js";
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
      ...sharedReadActions({
        name: "room",
        rows: roomTables,
        present: localized,
        getParams: RoomTableParams,
        idParam: "roomId",
        listQuery: RoomTableListQuery,
        filters: ["status"],
        resource: {
          path: "/meetingroom/roomTables",
          schema: RoomTableRowResource,
          roles: "any",
          summaries: {
            get: "One room's row of the roomTables view (?lang=en)",
            list: "The roomTables view: every room's current state (eventually consistent; ?status= ?lang=en)",
          },
        },
      }),
    },
  };
}
