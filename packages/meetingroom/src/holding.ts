// The room holding: who holds one room right now — a member's reservation
// (unused or in a meeting) or a maintenance. It is the single authority of
// "at most one holder per room per slot" and "never both reserved and under
// maintenance": every reservation, cancellation, expiry, meeting start and
// maintenance of a room is decided here, one decision after the other (the
// event store's expected sequence serializes them across replicas).
//
// A hold lapses with its slot: an unused reservation whose slot has ended is
// expired by the next decision that needs the room (or by the expiry ticker),
// and a meeting whose slot has ended no longer keeps the room from the next slot.
//
// A meeting's start and a maintenance take the room here first and are stored
// by their own services after. A hold whose meeting or maintenance was never
// stored (its node died in between, its call timed out) has no owner anyone
// could end: the reconciliation releases it once it has waited longer than
// MEETINGROOM_RECONCILE_AFTER_MS (ReleaseUnowned), and the owner is stored
// only within a shorter window of the hold, so it is never stored after.
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { MeetingroomEvent, Reserve, ReserveStatus } from "./schemas.js";
import type { SlotTimes } from "./slots.js";

export type Hold =
  | {
      kind: "reserve";
      reserveId: string;
      userId: string;
      slotStart: string;
      slotEnd: string;
      conferenceId?: string;
      /** When a meeting's start took it (ReserveUsed). */
      usedAt?: string;
    }
  | { kind: "maintenance"; maintenanceId: string; heldAt?: string };

/** A room's holding comes into being with the first decision about the room. */
export interface HoldingState {
  status: "Tracked";
  roomId: string;
  hold?: Hold;
  updatedAt: string;
}

/**
 * What the reservations view recorded of a reservation: who made it and what
 * became of it. The hold forgets a reservation once it lets the room go; the
 * record still tells a late cancel or start why it is refused.
 */
export interface RecordedReserve {
  userId: string;
  status: ReserveStatus;
}

/** `now` is the service clock's time (ms), so tests that move the clock move every decision. */
export type HoldingCommand =
  | {
      type: "Reserve";
      reserveId: string;
      roomId: string;
      userId: string;
      /** The slot running now; undefined between slots. */
      slot: SlotTimes | undefined;
      /** When reservations open, told to a member who reserves between slots. */
      openSlots: string;
      roomKnown: boolean;
      now: number;
    }
  | { type: "Cancel"; reserveId: string; now: number; recorded: RecordedReserve }
  | { type: "Expire"; reserveId: string; now: number }
  | { type: "Use"; reserveId: string; userId: string; conferenceId: string; now: number; recorded: RecordedReserve }
  | { type: "HoldForMaintenance"; roomId: string; maintenanceId: string; roomKnown: boolean; now: number }
  | { type: "Release"; reserveId?: string; conferenceId?: string; maintenanceId?: string }
  /** The reconciliation: the named meeting or maintenance was not stored; release its hold if it waited `afterMs`. */
  | { type: "ReleaseUnowned"; conferenceId?: string; maintenanceId?: string; now: number; afterMs: number };

type HoldingEvent = Extract<
  MeetingroomEvent,
  { type: "Reserved" | "ReserveCanceled" | "ReserveExpired" | "ReserveUsed" | "MaintHeld" | "HoldReleased" }
>;

const slotOver = (hold: Hold, now: number) => hold.kind === "reserve" && Date.parse(hold.slotEnd) <= now;

type Holding = Empty | HoldingState;

const holdOf = (state: Holding | undefined): Hold | undefined =>
  state && state.status !== "Empty" ? state.hold : undefined;

/** The hold that keeps the room from others at `now`, if any. */
export function activeHold(state: Holding | undefined, now: number): Hold | undefined {
  const hold = holdOf(state);
  if (!hold || slotOver(hold, now)) return undefined;
  return hold;
}

/** An unused reservation whose slot is over, expired by the decision that takes the room. */
function lapsed(state: Holding, now: number): HoldingEvent[] {
  if (state.status === "Empty") return [];
  const hold = state.hold;
  if (hold?.kind !== "reserve" || hold.conferenceId || !slotOver(hold, now)) return [];
  return [{ type: "ReserveExpired", data: { reserveId: hold.reserveId, roomId: state.roomId } }];
}

function refuseTaken(hold: Hold): never {
  if (hold.kind === "maintenance") throw refuse.conflict("UnderMaintenance", "the room is under maintenance");
  if (hold.conferenceId) throw refuse.conflict("InConference", "a meeting is running in the room");
  throw refuse.conflict("RoomReserved", "the room is already reserved for this slot");
}

/** The reservation the command names, if it is the room's hold now. */
function heldReserve(state: Holding, reserveId: string) {
  const hold = holdOf(state);
  return hold?.kind === "reserve" && hold.reserveId === reserveId ? hold : undefined;
}

/** What the room's hold waits to be stored by: the meeting or maintenance that took it, and since when (ms). */
export function heldFor(
  state: Holding | undefined,
): { aggregate: "conference" | "maintenance"; id: string; since: number } | undefined {
  if (!state || state.status === "Empty" || !state.hold) return undefined;
  const hold = state.hold;
  if (hold.kind === "maintenance")
    return { aggregate: "maintenance", id: hold.maintenanceId, since: Date.parse(hold.heldAt ?? state.updatedAt) };
  if (hold.conferenceId)
    return { aggregate: "conference", id: hold.conferenceId, since: Date.parse(hold.usedAt ?? state.updatedAt) };
  return undefined;
}

const notActive = () => refuse.conflict("ReserveNotActive", "the reservation no longer holds the room");
const reserveUsed = () => refuse.conflict("ReserveUsed", "the reservation was already used by a meeting");
const notTheReserver = () => refuse.forbidden("NotTheReserver", "only the member who reserved may start the meeting");

export const roomHoldingDecider: Decider<Holding, HoldingCommand, HoldingEvent> = {
  name: "holding",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    switch (cmd.type) {
      case "Reserve": {
        if (heldReserve(state, cmd.reserveId)) return []; // the same request again
        if (!cmd.roomKnown) throw refuse.conflict("UnknownRoom", `room ${cmd.roomId} does not exist`);
        if (!cmd.slot)
          throw refuse.conflict(
            "NoSlotOpen",
            `no reservation slot is open now; reservations open in the slots ${cmd.openSlots}`,
          );
        const taken = activeHold(state, cmd.now);
        if (taken) refuseTaken(taken);
        const { reserveId, roomId, userId } = cmd;
        return [...lapsed(state, cmd.now), { type: "Reserved", data: { reserveId, roomId, userId, ...cmd.slot } }];
      }
      case "Cancel": {
        if (cmd.recorded.status === "Canceled") return []; // canceled already
        if (cmd.recorded.status === "Expired") throw refuse.conflict("ReserveExpired", "the reservation has expired");
        if (cmd.recorded.status === "Used") throw refuse.conflict("MeetingStarted", "the meeting has already started");
        const hold = heldReserve(state, cmd.reserveId);
        if (!hold || state.status === "Empty") throw notActive();
        if (hold.conferenceId) throw refuse.conflict("MeetingStarted", "the meeting has already started");
        if (slotOver(hold, cmd.now)) throw refuse.conflict("ReserveExpired", "the reservation's slot is over");
        return [{ type: "ReserveCanceled", data: { reserveId: hold.reserveId, roomId: state.roomId } }];
      }
      case "Expire": {
        const hold = heldReserve(state, cmd.reserveId);
        if (!hold || hold.conferenceId || !slotOver(hold, cmd.now)) return [];
        return lapsed(state, cmd.now);
      }
      case "Use": {
        const { recorded } = cmd;
        if (recorded.userId !== cmd.userId) throw notTheReserver();
        if (recorded.status === "Canceled") throw refuse.conflict("ReserveCanceled", "the reservation was canceled");
        if (recorded.status === "Expired") throw refuse.conflict("ReserveExpired", "the reservation has expired");
        // The same start again is answered before deciding (with the hold as it is now); another one is refused.
        if (recorded.status === "Used") throw reserveUsed();
        const hold = heldReserve(state, cmd.reserveId);
        if (!hold || state.status === "Empty") throw notActive();
        if (hold.userId !== cmd.userId) throw notTheReserver();
        if (hold.conferenceId === cmd.conferenceId) return []; // the same start again
        if (hold.conferenceId) throw reserveUsed();
        if (slotOver(hold, cmd.now)) throw refuse.conflict("ReserveExpired", "the reservation's slot is over");
        const { reserveId, conferenceId } = cmd;
        return [{ type: "ReserveUsed", data: { reserveId, roomId: state.roomId, conferenceId } }];
      }
      case "HoldForMaintenance": {
        const hold = holdOf(state);
        if (hold?.kind === "maintenance" && hold.maintenanceId === cmd.maintenanceId) return [];
        if (!cmd.roomKnown) throw refuse.notFound(`room ${cmd.roomId} not found`);
        const taken = activeHold(state, cmd.now);
        if (taken) refuseTaken(taken);
        const { roomId, maintenanceId } = cmd;
        return [...lapsed(state, cmd.now), { type: "MaintHeld", data: { maintenanceId, roomId } }];
      }
      case "Release": {
        if (state.status === "Empty" || !state.hold) return [];
        const hold = state.hold;
        const { roomId } = state;
        if (hold.kind === "maintenance" && cmd.maintenanceId === hold.maintenanceId)
          return [{ type: "HoldReleased", data: { roomId, maintenanceId: hold.maintenanceId } }];
        if (
          hold.kind === "reserve" &&
          hold.conferenceId !== undefined &&
          (cmd.conferenceId === hold.conferenceId || cmd.reserveId === hold.reserveId)
        )
          return [{ type: "HoldReleased", data: { roomId, reserveId: hold.reserveId } }];
        return [];
      }
      case "ReleaseUnowned": {
        // Only the hold the reconciliation found without its owner, and only once it waited long enough.
        const owner = heldFor(state);
        if (state.status === "Empty" || !owner || owner.since + cmd.afterMs > cmd.now) return [];
        const { roomId, hold } = state;
        if (hold?.kind === "maintenance" && cmd.maintenanceId === hold.maintenanceId)
          return [{ type: "HoldReleased", data: { roomId, maintenanceId: hold.maintenanceId } }];
        if (hold?.kind === "reserve" && cmd.conferenceId === hold.conferenceId)
          return [{ type: "HoldReleased", data: { roomId, reserveId: hold.reserveId } }];
        return [];
      }
    }
  },

  evolve(state, event, { at }) {
    const base: HoldingState =
      state.status === "Empty" ? { status: "Tracked", roomId: event.data.roomId, updatedAt: at } : state;
    switch (event.type) {
      case "Reserved": {
        const { reserveId, userId, slotStart, slotEnd } = event.data;
        return { ...base, hold: { kind: "reserve", reserveId, userId, slotStart, slotEnd }, updatedAt: at };
      }
      case "ReserveUsed": {
        const hold = base.hold;
        if (hold?.kind !== "reserve" || hold.reserveId !== event.data.reserveId) return base;
        return { ...base, hold: { ...hold, conferenceId: event.data.conferenceId, usedAt: at }, updatedAt: at };
      }
      case "MaintHeld": {
        const hold: Hold = { kind: "maintenance", maintenanceId: event.data.maintenanceId, heldAt: at };
        return { ...base, hold, updatedAt: at };
      }
      case "ReserveCanceled":
      case "ReserveExpired":
      case "HoldReleased": {
        const { hold: _, ...free } = base;
        return { ...free, updatedAt: at };
      }
    }
  },
};

/** The reservation a Reserve just made, as its resource shows it: the room's hold, reserved at the holding's last change. */
export function reservationMade(state: HoldingState): Reserve | undefined {
  const hold = state.hold;
  if (hold?.kind !== "reserve") return undefined;
  const { reserveId, userId, slotStart, slotEnd } = hold;
  const at = state.updatedAt;
  return {
    id: reserveId,
    roomId: state.roomId,
    userId,
    slotStart,
    slotEnd,
    status: "Reserved",
    createdAt: at,
    updatedAt: at,
  };
}
