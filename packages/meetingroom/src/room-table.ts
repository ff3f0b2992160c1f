// A room's current state as the events tell it: the roomTables view of the
// schedule service and the statuses of the room service fold the same events
// with these reducers. An event that ends a hold changes the row only if it
// ends the hold the row shows (ids match), so a late event never moves a row
// back to an older state.
//
// A row shows what the room holding would answer someone who wants the room:
// from the moment a meeting's start or a maintenance takes the room
// (ReserveUsed, MaintHeld) the room is InConference or UnderMaintenance, even
// before the meeting or maintenance itself is stored. If it never is (its
// node died in between), the reconciliation's HoldReleased makes the room
// Available again.
import type { EventEnvelope } from "@seed/platform";
import { labelOf } from "./labels.js";
import type { EventData, MeetingroomEvent, RoomStatus } from "./schemas.js";

export interface RoomTableRow {
  roomId: string;
  name: string;
  status: RoomStatus;
  statusLabel: string;
  reserveId?: string;
  userId?: string;
  slotStart?: string;
  slotEnd?: string;
  conferenceId?: string;
  maintenanceId?: string;
  updatedAt: string;
}

type Row = RoomTableRow | undefined;
type Reducer<K extends MeetingroomEvent["type"]> = (row: Row, e: EventEnvelope<EventData<K>>) => Row;

/** The room with no hold, keeping its name. */
function available(row: RoomTableRow, at: string): RoomTableRow {
  return {
    roomId: row.roomId,
    name: row.name,
    status: "Available",
    statusLabel: labelOf("Available"),
    updatedAt: later(row, at),
  };
}

/** updatedAt never goes back, whatever the order of the clocks that stamped the events. */
const later = (row: RoomTableRow, at: string) => (at > row.updatedAt ? at : row.updatedAt);

const added: Reducer<"RoomAdded"> = (row, e) =>
  row
    ? undefined
    : {
        roomId: e.data.roomId,
        name: e.data.name,
        status: "Available",
        statusLabel: labelOf("Available"),
        updatedAt: e.occurredAt,
      };

const reserved: Reducer<"Reserved"> = (row, e) => {
  if (!row) return undefined;
  const { reserveId, userId, slotStart, slotEnd } = e.data;
  return {
    ...available(row, e.occurredAt),
    status: "Reserved",
    statusLabel: labelOf("Reserved"),
    reserveId,
    userId,
    slotStart,
    slotEnd,
  };
};

const reserveEnded: Reducer<"ReserveCanceled" | "ReserveExpired"> = (row, e) =>
  row?.status === "Reserved" && row.reserveId === e.data.reserveId ? available(row, e.occurredAt) : undefined;

/** A meeting's start took the room (the meeting is stored right after, or the hold is released). */
const reserveUsed: Reducer<"ReserveUsed"> = (row, e) => {
  if (!row || row.reserveId !== e.data.reserveId || row.status !== "Reserved") return undefined;
  return {
    ...row,
    status: "InConference",
    statusLabel: labelOf("InConference"),
    conferenceId: e.data.conferenceId,
    updatedAt: later(row, e.occurredAt),
  };
};

const userChecked: Reducer<"UserChecked"> = (row, e) => {
  if (!row || row.reserveId !== e.data.reserveId) return undefined;
  // shown since ReserveUsed: the meeting itself started now
  if (row.status === "InConference" && row.conferenceId === e.data.conferenceId)
    return { ...row, updatedAt: later(row, e.occurredAt) };
  if (row.status !== "Reserved") return undefined;
  return {
    ...row,
    status: "InConference",
    statusLabel: labelOf("InConference"),
    conferenceId: e.data.conferenceId,
    updatedAt: later(row, e.occurredAt),
  };
};

const conferenceEnded: Reducer<"ConferenceEnded"> = (row, e) =>
  row?.status === "InConference" && row.conferenceId === e.data.conferenceId ? available(row, e.occurredAt) : undefined;

/** The room is held for a maintenance (MaintHeld), then the maintenance is stored (MaintStarted). */
const underMaintenance: Reducer<"MaintHeld" | "MaintStarted"> = (row, e) => {
  if (!row) return undefined;
  if (row.status === "UnderMaintenance" && row.maintenanceId === e.data.maintenanceId)
    return { ...row, updatedAt: later(row, e.occurredAt) };
  return {
    ...available(row, e.occurredAt),
    status: "UnderMaintenance",
    statusLabel: labelOf("UnderMaintenance"),
    maintenanceId: e.data.maintenanceId,
  };
};

/** A hold given back: only the reconciliation's release of an ownerless hold still changes the row. */
const holdReleased: Reducer<"HoldReleased"> = (row, e) => {
  const { reserveId, maintenanceId } = e.data;
  if (row?.status === "InConference" && reserveId !== undefined && row.reserveId === reserveId)
    return available(row, e.occurredAt);
  if (row?.status === "UnderMaintenance" && maintenanceId !== undefined && row.maintenanceId === maintenanceId)
    return available(row, e.occurredAt);
  return undefined;
};

const maintEnded: Reducer<"MaintEnded"> = (row, e) =>
  row?.status === "UnderMaintenance" && row.maintenanceId === e.data.maintenanceId
    ? available(row, e.occurredAt)
    : undefined;

/** Which reducer folds which event into a room's row. */
export const roomTableReducers = {
  RoomAdded: added,
  Reserved: reserved,
  ReserveCanceled: reserveEnded,
  ReserveExpired: reserveEnded,
  ReserveUsed: reserveUsed,
  UserChecked: userChecked,
  ConferenceEnded: conferenceEnded,
  MaintHeld: underMaintenance,
  MaintStarted: underMaintenance,
  MaintEnded: maintEnded,
  HoldReleased: holdReleased,
};

/** The row as a client sees it, with its label in the asked language. */
export function localized(row: RoomTableRow, lang: "ko" | "en"): RoomTableRow {
  return lang === "ko" ? row : { ...row, statusLabel: labelOf(row.status, "en") };
}
