// CleaningReservation: a customer's request for a cleaning, paid when it is
// made. The customer may cancel it until the cleaning is finished.
import { type Aggregate, refuse } from "@seed/platform/domain";
import type { CleaningEvent } from "./schemas.js";

export type ReservationStatus = "ReservationApplied" | "ReservationCanceled";

export interface ReservationState {
  id: string;
  requestDate: string;
  place: string;
  price: number;
  customerName: string;
  customerId: string;
  status: ReservationStatus;
  createdAt: string;
  updatedAt: string;
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
  /** `cleaned`: whether the request's cleaning is finished (the clean service's word, read from the stream). */
  | { type: "Cancel"; cleaned: boolean };

type ReservationEvent = Extract<CleaningEvent, { type: "ReservationApplied" | "ReservationCanceled" }>;

export const Reservation: Aggregate<ReservationState, ReservationCommand, ReservationEvent> = {
  name: "reservation",

  decide(state, cmd) {
    if (cmd.type === "Apply") {
      if (state) return []; // the same Idempotency-Key applied it already
      const { type: _, ...data } = cmd;
      return [{ type: "ReservationApplied", data }];
    }
    if (!state) throw refuse.notFound("reservation not found");
    if (state.status === "ReservationCanceled") return []; // canceling twice is harmless
    if (cmd.cleaned)
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
        return { ...(state as ReservationState), status: "ReservationCanceled", updatedAt: at };
    }
  },
};

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
