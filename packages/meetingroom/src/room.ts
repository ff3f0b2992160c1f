// Room: a meeting room an admin added. What the room shows as its status is
// not part of it: that follows the other services' events (room-table.ts).
import type { Decider, Empty } from "@seed/platform/domain";
import type { MeetingroomEvent } from "./schemas.js";

export interface RoomState {
  status: "Added";
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

export const roomDecider: Decider<Empty | RoomState, RoomCommand, RoomEvent> = {
  name: "room",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    if (state.status !== "Empty") return []; // the same Idempotency-Key added it already
    const { roomId, name, capacity } = cmd;
    return [{ type: "RoomAdded", data: { roomId, name, capacity } }];
  },

  evolve(_state, event, { at }) {
    const { roomId, name, capacity } = event.data;
    return { status: "Added", id: roomId, name, capacity, createdAt: at, updatedAt: at };
  },
};
