// What meetingroom.reserve does when events happen: a meeting or maintenance
// that ended gives its room back, when the synchronous release was lost.
import { execute, type Reactions } from "@seed/platform";
import { type HoldingState, roomHoldingDecider } from "./holding.js";
import type { MeetingroomEvent } from "./schemas.js";

/** What the policy reads: the service's own copy of the room holdings. */
export interface ReserveReads {
  holding(roomId: string): Promise<HoldingState | undefined>;
}

export const reservePolicy: Reactions<MeetingroomEvent, ReserveReads> = {
  ConferenceEnded: async (e, { holding }) => {
    const { roomId, conferenceId, reserveId } = e.data;
    // A room never held has nothing to give back (and no holding to create).
    if (!(await holding(roomId))) return [];
    return [execute(roomHoldingDecider, roomId, { type: "Release", conferenceId, reserveId })];
  },
  MaintEnded: async (e, { holding }) => {
    const { roomId, maintenanceId } = e.data;
    if (!(await holding(roomId))) return [];
    return [execute(roomHoldingDecider, roomId, { type: "Release", maintenanceId })];
  },
};
