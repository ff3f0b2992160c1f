// CleaningReservation: a customer's request for a cleaning, paid when it is
// made. The customer may cancel it until the cleaning is finished.
//
// The reservation is the one authority on "canceled or cleaned": before the
// clean service records a CleaningFinished it records the cleaning here
// (CleaningRecorded), and a cancel is refused once that is recorded while a
// cleaning is refused once the reservation is canceled. Both are appended to
// this aggregate's subject with the expected sequence, so of a cancel and a
// clean racing on one request, on any replicas, exactly one is stored.
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { Static } from "@sinclair/typebox";
import type { CleaningEvent, Reservation } from "./schemas.js";

/** A reservation is what its resource shows, and the cleaning recorded for it. */
export interface ReservationState extends Static<typeof Reservation> {
  /** The cleaning recorded for this request; from then on it can no longer be canceled. */
  cleaning?: RecordedCleaning;
}

export interface RecordedCleaning {
  cleanId: string;
  cleanDate: string;
  cleanerId: string;
}

export type ReservationCommand =
  | {
      type: "Apply";
      requestId: string;
      requestDate: string;
      place: string;
      price: number;
      customerName: string;
      customerId: string;
    }
  | { type: "Cancel" }
  /**
   * The clean service records a finished cleaning. `retry`: the request
   * carries an Idempotency-Key, so the same cleaner repeating it with the same
   * date is answered with the cleaning already recorded.
   */
  | ({ type: "RecordCleaning"; requestId: string; retry: boolean } & RecordedCleaning);

type ReservationEvent = Extract<
  CleaningEvent,
  { type: "ReservationApplied" | "ReservationCanceled" | "CleaningRecorded" }
>;

export const reservationDecider: Decider<Empty | ReservationState, ReservationCommand, ReservationEvent> = {
  name: "reservation",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    if (cmd.type === "Apply") {
      if (state.status !== "Empty") return []; // the same Idempotency-Key applied it already
      const { type: _, ...data } = cmd;
      return [{ type: "ReservationApplied", data }];
    }
    if (cmd.type === "RecordCleaning") return recordCleaning(state, cmd);
    if (state.status === "Empty") throw refuse.notFound("reservation not found");
    if (state.status === "ReservationCanceled") return []; // canceling twice is harmless
    if (state.cleaning)
      throw refuse.conflict("CleaningFinished", "the cleaning is finished; it can no longer be canceled");
    return [{ type: "ReservationCanceled", data: { requestId: state.id } }];
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "ReservationApplied": {
        const { requestId, ...applied } = event.data;
        return { ...applied, id: requestId, status: "ReservationApplied", createdAt: at, updatedAt: at };
      }
      case "ReservationCanceled":
        return state.status === "Empty" ? state : { ...state, status: "ReservationCanceled", updatedAt: at };
      case "CleaningRecorded": {
        const { cleanId, cleanDate, cleanerId } = event.data;
        // Nothing the customer sees changes (no field, no status): updatedAt stays.
        return state.status === "Empty" ? state : { ...state, cleaning: { cleanId, cleanDate, cleanerId } };
      }
    }
  },
};

function recordCleaning(
  state: Empty | ReservationState,
  cmd: Extract<ReservationCommand, { type: "RecordCleaning" }>,
): ReservationEvent[] {
  if (state.status === "Empty") throw refuse.conflict("ReservationUnknown", "no such reservation");
  if (state.status === "ReservationCanceled")
    throw refuse.conflict("ReservationCanceled", "the reservation was canceled");
  const { cleanId, requestId, cleanDate, cleanerId } = cmd;
  if (state.cleaning) {
    const same = state.cleaning.cleanerId === cleanerId && state.cleaning.cleanDate === cleanDate;
    if (cmd.retry && same) return []; // a keyed retry: the cleaning it recorded stands
    throw refuse.conflict("AlreadyCleaned", "this request was already cleaned");
  }
  return [{ type: "CleaningRecorded", data: { cleanId, requestId, cleanDate, cleanerId } }];
}

export const reservationView = (s: ReservationState) => ({
  id: s.id,
  requestDate: s.requestDate,
  place: s.place,
  price: s.price,
  customerName: s.customerName,
  customerId: s.customerId,
  status: s.status,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
