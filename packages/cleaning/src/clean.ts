// Clean: the finished cleaning of one request. It is final once recorded, and
// only a reservation that stands (known, not canceled) can be cleaned, once.
import { type Aggregate, refuse } from "@seed/platform/domain";
import type { CleaningEvent } from "./schemas.js";

export interface CleanState {
  id: string;
  requestId: string;
  cleanDate: string;
  cleanerId: string;
  status: "CleaningFinished";
  createdAt: string;
  updatedAt: string;
}

/** What the clean service knows of the reservation when it decides. */
export type ReservationStanding = "unknown" | "applied" | "canceled";

export type CleanCommand = {
  type: "Finish";
  cleanId: string;
  requestId: string;
  cleanDate: string;
  cleanerId: string;
  reservation: ReservationStanding;
  /** The request carries an Idempotency-Key: the same cleaner repeating it gets the clean it made. */
  retry: boolean;
};

type CleanEvent = Extract<CleaningEvent, { type: "CleaningFinished" }>;

export const Clean: Aggregate<CleanState, CleanCommand, CleanEvent> = {
  name: "clean",

  decide(state, cmd) {
    if (state) {
      if (cmd.retry && state.cleanerId === cmd.cleanerId && state.cleanDate === cmd.cleanDate) return [];
      throw refuse.conflict("AlreadyCleaned", "this request was already cleaned");
    }
    if (cmd.reservation === "unknown") throw refuse.conflict("ReservationUnknown", "no such reservation");
    if (cmd.reservation === "canceled") throw refuse.conflict("ReservationCanceled", "the reservation was canceled");
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
