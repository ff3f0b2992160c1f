// Clean: the finished cleaning of one request. It is final once recorded, and
// only a reservation that stands (known, not canceled) can be cleaned, once —
// the reservation decides that (see reservation.ts); this aggregate stores the
// cleaning it accepted, once.
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { Static } from "@sinclair/typebox";
import type { Clean, CleaningEvent } from "./schemas.js";

/** A finished cleaning is what its resource shows. */
export type CleanState = Static<typeof Clean>;

/**
 * Records the cleaning the reservation has accepted (its CleaningRecorded):
 * whether the request may be cleaned — known, not canceled, not cleaned yet —
 * is the reservation's decision, taken before this command is issued.
 */
export type CleanCommand = {
  type: "Finish";
  cleanId: string;
  requestId: string;
  cleanDate: string;
  cleanerId: string;
};

type CleanEvent = Extract<CleaningEvent, { type: "CleaningFinished" }>;

export const cleanDecider: Decider<Empty | CleanState, CleanCommand, CleanEvent> = {
  name: "clean",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    if (state.status !== "Empty") {
      // The same recording arriving twice (the finish action and the policy
      // completing it, or a keyed retry): it is stored already.
      if (state.cleanerId === cmd.cleanerId && state.cleanDate === cmd.cleanDate) return [];
      throw refuse.conflict("AlreadyCleaned", "this request was already cleaned");
    }
    const { cleanId, requestId, cleanDate, cleanerId } = cmd;
    return [{ type: "CleaningFinished", data: { cleanId, requestId, cleanDate, cleanerId } }];
  },

  evolve(_state, event, { at }) {
    const { cleanId, requestId, cleanDate, cleanerId } = event.data;
    return { id: cleanId, requestId, cleanDate, cleanerId, status: "CleaningFinished", createdAt: at, updatedAt: at };
  },
};

export const cleanView = (s: CleanState) => ({
  id: s.id,
  requestId: s.requestId,
  cleanDate: s.cleanDate,
  cleanerId: s.cleanerId,
  status: s.status,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
