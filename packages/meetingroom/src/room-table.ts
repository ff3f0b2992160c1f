// A room's current state as the events tell it: the roomTables view of the
// schedule service and the statuses of the room service fold the same events
// with these reducers. An event that ends a hold changes the row only if it
// ends the hold the row shows (ids match), so a late event never moves a row
// back to an older state.
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

const userChecked: Reducer<"UserChecked"> = (row, e) => {
  if (!row || row.reserveId !== e.data.reserveId || row.status !== "Reserved") return undefined;
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

const maintStarted: Reducer<"MaintStarted"> = (row, e) =>
  row
    ? {
        ...available(row, e.occurredAt),
        status: "UnderMaintenance",
        statusLabel: labelOf("UnderMaintenance"),
        maintenanceId: e.data.maintenanceId,
      }
    : undefined;

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
  UserChecked: userChecked,
  ConferenceEnded: conferenceEnded,
  MaintStarted: maintStarted,
  MaintEnded: maintEnded,
};

/** The row as a client sees it, with its label in the asked language. */
export function localized(row: RoomTableRow, lang: "ko" | "en"): RoomTableRow {
  return lang === "ko" ? row : { ...row, statusLabel: labelOf(row.status, "en") };
}
