// Every shape of the meetingroom system in one place: resources, request
// bodies, event data. The same schemas validate actions, build the OpenAPI
// document and check events when they are stored.

import { defineEvents, ULID_PATTERN } from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";

export const Id = T.String({ pattern: ULID_PATTERN, description: "ULID" });
const UserId = T.String({ minLength: 1, maxLength: 128, description: "user id (the token's `sub`)" });
const Name = T.String({ minLength: 1, maxLength: 200 });
const Capacity = T.Integer({ minimum: 1, maximum: 10_000, description: "seats" });
const Time = T.String({ format: "date-time" });
const closed = { additionalProperties: false } as const;

// ── Request bodies and params ───────────────────────────────────────────────
export const AddRoomBody = T.Object({ name: Name, capacity: T.Optional(Capacity) }, closed);
export const ReserveBody = T.Object({ roomId: Id }, closed);
export const StartConferenceBody = T.Object({ reserveId: Id }, closed);
export const StartMaintenanceBody = T.Object({ roomId: Id }, closed);
export const ByIdParams = T.Object({ id: Id }, closed);
export const Lang = T.Optional(
  T.Union([T.Literal("ko"), T.Literal("en")], { description: "language of status labels" }),
);

// ── Resources ───────────────────────────────────────────────────────────────
export const RoomStatus = T.Union([
  T.Literal("Available"),
  T.Literal("Reserved"),
  T.Literal("InConference"),
  T.Literal("UnderMaintenance"),
]);
export type RoomStatus = Static<typeof RoomStatus>;

export const Room = T.Object({
  id: Id,
  name: Name,
  capacity: Capacity,
  status: RoomStatus,
  createdAt: Time,
  updatedAt: Time,
});

export const ReserveStatus = T.Union([
  T.Literal("Reserved"),
  T.Literal("Canceled"),
  T.Literal("Expired"),
  T.Literal("Used"),
]);
export type ReserveStatus = Static<typeof ReserveStatus>;

export const Reserve = T.Object({
  id: Id,
  roomId: Id,
  userId: UserId,
  slotStart: Time,
  slotEnd: Time,
  status: ReserveStatus,
  conferenceId: T.Optional(Id),
  createdAt: Time,
  updatedAt: Time,
});
export type Reserve = Static<typeof Reserve>;

export const Conference = T.Object({
  id: Id,
  reserveId: Id,
  roomId: Id,
  userId: UserId,
  slotStart: Time,
  slotEnd: Time,
  status: T.Union([T.Literal("Started"), T.Literal("Ended")]),
  createdAt: Time,
  updatedAt: Time,
});

export const Maintenance = T.Object({
  id: Id,
  roomId: Id,
  status: T.Union([T.Literal("Started"), T.Literal("Ended")]),
  createdAt: Time,
  updatedAt: Time,
});

export const RoomTableRow = T.Object({
  roomId: Id,
  name: Name,
  status: RoomStatus,
  statusLabel: T.String(),
  reserveId: T.Optional(Id),
  userId: T.Optional(UserId),
  slotStart: T.Optional(Time),
  slotEnd: T.Optional(Time),
  conferenceId: T.Optional(Id),
  maintenanceId: T.Optional(Id),
  updatedAt: Time,
});

// ── Events (correlation key: roomId) ────────────────────────────────────────
// (a pattern, not `format`: event data is checked by the platform's validator, which knows no formats)
const Instant = T.String({
  pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$",
  description: "an ISO-8601 UTC time",
  examples: ["2026-12-13T09:00:00Z"],
});
const Slot = { slotStart: Instant, slotEnd: Instant };

export const MeetingroomEvents = defineEvents("meetingroom", {
  RoomAdded: { version: 1, schema: T.Object({ roomId: Id, name: Name, capacity: Capacity }) },
  Reserved: { version: 1, schema: T.Object({ reserveId: Id, roomId: Id, userId: UserId, ...Slot }) },
  ReserveCanceled: { version: 1, schema: T.Object({ reserveId: Id, roomId: Id }) },
  ReserveExpired: { version: 1, schema: T.Object({ reserveId: Id, roomId: Id }) },
  /** The meeting started (the conference service's event; it also carries the slot, for the end at slot end). */
  UserChecked: {
    version: 1,
    schema: T.Object({ conferenceId: Id, reserveId: Id, roomId: Id, userId: UserId, ...Slot }),
  },
  ConferenceEnded: {
    aggregate: "conference",
    version: 1,
    schema: T.Object({ conferenceId: Id, reserveId: Id, roomId: Id }),
  },
  MaintStarted: { version: 1, schema: T.Object({ maintenanceId: Id, roomId: Id }) },
  MaintEnded: { aggregate: "maintenance", version: 1, schema: T.Object({ maintenanceId: Id, roomId: Id }) },
  // The room holding's own bookkeeping (meetingroom.reserve): a reservation
  // was used by a meeting, the room was held for a maintenance, a meeting's or
  // maintenance's hold was given back.
  ReserveUsed: { version: 1, schema: T.Object({ reserveId: Id, roomId: Id, conferenceId: Id }) },
  MaintHeld: { version: 1, schema: T.Object({ maintenanceId: Id, roomId: Id }) },
  HoldReleased: {
    version: 1,
    schema: T.Object({ roomId: Id, reserveId: T.Optional(Id), maintenanceId: T.Optional(Id) }),
  },
});
/** Schema of each event type's current version. */
export const MeetingroomEventSchemas = MeetingroomEvents.schemas;

type Schemas = typeof MeetingroomEventSchemas;
/** A meetingroom event as domain code sees it: `{type, data}`. */
export type MeetingroomEvent = { [K in keyof Schemas]: { type: K; data: Static<Schemas[K]> } }[keyof Schemas];
export type EventData<K extends MeetingroomEvent["type"]> = Extract<MeetingroomEvent, { type: K }>["data"];
