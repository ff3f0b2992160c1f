// The reservations as members and admins read them (GET /meetingroom/reserves):
// one row per reservation, folded from the room holdings' events. A row
// leaves "Reserved" once (canceled, expired or used) and never comes back.
import type { EventEnvelope } from "@seed/platform";
import type { EventData, MeetingroomEvent, Reserve, ReserveStatus } from "./schemas.js";

type Row = Reserve | undefined;
type Reducer<K extends MeetingroomEvent["type"]> = (row: Row, e: EventEnvelope<EventData<K>>) => Row;

const reserved: Reducer<"Reserved"> = (row, e) => {
  if (row) return undefined;
  const { reserveId, ...rest } = e.data;
  return { id: reserveId, ...rest, status: "Reserved", createdAt: e.occurredAt, updatedAt: e.occurredAt };
};

const leaves =
  (status: ReserveStatus): Reducer<"ReserveCanceled" | "ReserveExpired"> =>
  (row, e) =>
    row?.status === "Reserved" ? { ...row, status, updatedAt: e.occurredAt } : undefined;

const used: Reducer<"ReserveUsed"> = (row, e) =>
  row?.status === "Reserved"
    ? { ...row, status: "Used", conferenceId: e.data.conferenceId, updatedAt: e.occurredAt }
    : undefined;

export const reserveReducers = {
  Reserved: reserved,
  ReserveCanceled: leaves("Canceled"),
  ReserveExpired: leaves("Expired"),
  ReserveUsed: used,
};

/** Key of a reservation's row. */
export const reserveIdOf = (e: EventEnvelope): string | undefined => (e.data as { reserveId?: string }).reserveId;
