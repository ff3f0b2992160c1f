// Maintenance: an admin takes a free room out of service and gives it back.
// Whether the room is free is decided by the room holding (meetingroom.reserve)
// before a Maintenance starts; ending one is always allowed.
import { type Aggregate, refuse } from "@seed/platform/domain";
import type { MeetingroomEvent } from "./schemas.js";

export interface MaintenanceState {
  id: string;
  roomId: string;
  status: "Started" | "Ended";
  createdAt: string;
  updatedAt: string;
}

export type MaintenanceCommand = { type: "Start"; maintenanceId: string; roomId: string } | { type: "End" };

type MaintenanceEvent = Extract<MeetingroomEvent, { type: "MaintStarted" | "MaintEnded" }>;

export const Maintenance: Aggregate<MaintenanceState, MaintenanceCommand, MaintenanceEvent> = {
  name: "maintenance",

  decide(state, cmd) {
    if (cmd.type === "Start") {
      if (state) return []; // the same start again
      return [{ type: "MaintStarted", data: { maintenanceId: cmd.maintenanceId, roomId: cmd.roomId } }];
    }
    if (!state) throw refuse.notFound("maintenance not found");
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
        return { ...(state as MaintenanceState), status: "Ended", updatedAt: at };
    }
  },
};
