// Maintenance: an admin takes a free room out of service and gives it back.
// Whether the room is free is decided by the room holding (meetingroom.reserve)
// before a Maintenance starts; ending one is always allowed.
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { Static } from "@sinclair/typebox";
import type { Maintenance, MeetingroomEvent } from "./schemas.js";

/** A maintenance is what its resource shows. */
export type MaintenanceState = Static<typeof Maintenance>;

export type MaintenanceCommand = { type: "Start"; maintenanceId: string; roomId: string } | { type: "End" };

type MaintenanceEvent = Extract<MeetingroomEvent, { type: "MaintStarted" | "MaintEnded" }>;

export const maintenanceDecider: Decider<Empty | MaintenanceState, MaintenanceCommand, MaintenanceEvent> = {
  name: "maintenance",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    if (cmd.type === "Start") {
      if (state.status !== "Empty") return []; // the same start again
      return [{ type: "MaintStarted", data: { maintenanceId: cmd.maintenanceId, roomId: cmd.roomId } }];
    }
    if (state.status === "Empty") throw refuse.notFound("maintenance not found");
    if (state.status === "Ended") return [];
    return [{ type: "MaintEnded", data: { maintenanceId: state.id, roomId: state.roomId } }];
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "MaintStarted":
        return {
          id: event.data.maintenanceId,
          roomId: event.data.roomId,
          status: "Started",
          createdAt: at,
          updatedAt: at,
        };
      case "MaintEnded":
        return state.status === "Empty" ? state : { ...state, status: "Ended", updatedAt: at };
    }
  },
};
