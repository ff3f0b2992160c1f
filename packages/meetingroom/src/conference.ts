// Conference: a meeting in a reserved room. It starts only after the room
// holding accepted the caller as the member who reserved (UserChecked), and
// ends by its member, an admin, or the end of its slot.
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { Static } from "@sinclair/typebox";
import type { Conference, MeetingroomEvent } from "./schemas.js";

/** A meeting is what its resource shows. */
export type ConferenceState = Static<typeof Conference>;

export type ConferenceCommand =
  | {
      type: "Start";
      conferenceId: string;
      reserveId: string;
      roomId: string;
      userId: string;
      slotStart: string;
      slotEnd: string;
    }
  | { type: "End" }
  /** The slot ended (ticker): ends a meeting still running, else nothing. */
  | { type: "EndAtSlotEnd"; now: number };

type ConferenceEvent = Extract<MeetingroomEvent, { type: "UserChecked" | "ConferenceEnded" }>;

function ended(s: ConferenceState): ConferenceEvent[] {
  return [{ type: "ConferenceEnded", data: { conferenceId: s.id, reserveId: s.reserveId, roomId: s.roomId } }];
}

export const conferenceDecider: Decider<Empty | ConferenceState, ConferenceCommand, ConferenceEvent> = {
  name: "conference",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    if (cmd.type === "Start") {
      if (state.status !== "Empty") return []; // the same start again
      const { type: _, ...data } = cmd;
      return [{ type: "UserChecked", data }];
    }
    if (state.status === "Empty") throw refuse.notFound("conference not found");
    if (state.status === "Ended") return [];
    if (cmd.type === "EndAtSlotEnd" && Date.parse(state.slotEnd) > cmd.now) return [];
    return ended(state);
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "UserChecked": {
        const { conferenceId, ...started } = event.data;
        return { ...started, id: conferenceId, status: "Started", createdAt: at, updatedAt: at };
      }
      case "ConferenceEnded":
        return state.status === "Empty" ? state : { ...state, status: "Ended", updatedAt: at };
    }
  },
};
