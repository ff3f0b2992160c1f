// Room: a meeting room an admin added. What the room shows as its status is
// not part of it: that follows the other services' events (room-table.ts).
import type { Aggregate } from "@seed/platform/domain";
import type { MeetingroomEvent } from "./schemas.js";

export interface RoomState {
  id: string;
  name: string;
  capacity: number;
  createdAt: string;
  updatedAt: string;
}

export type RoomCommand = { type: "Add"; roomId: string; name: string; capacity: number };

type RoomEvent = Extract<MeetingroomEvent, { type: "RoomAdded" }>;

/** Seats of a room added without a capacity. */
export const DEFAULT_CAPACITY = 10;

export const Room: Aggregate<RoomState, RoomCommand, RoomEvent> = {
  name: "room",

  decide(state, cmd) {
    if (state) return []; // the same Idempotency-Key added it already
    const { roomId, name, capacity } = cmd;
    return [{ type: "RoomAdded", data: { roomId, name, capacity } }];
  },

  evolve(_state, event, { at }) {
    const { roomId, name, capacity } = event.data;
    return { id: roomId, name, capacity, createdAt: at, updatedAt: at };
  },
};
