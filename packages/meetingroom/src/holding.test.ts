// The room holding: the one authority on who holds a room now.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { activeHold, type HoldingCommand, heldFor, roomHoldingDecider } from "./holding.js";
import { MeetingroomEventSchemas } from "./schemas.js";

const { given, history, at } = deciderSpec(roomHoldingDecider, MeetingroomEventSchemas);
type HoldingEvent = ReturnType<typeof history>[number];
const stateOf = (events: HoldingEvent[]) => given(events).state;
const holdOf = (events: HoldingEvent[]) => {
  const state = stateOf(events);
  return state.status === "Empty" ? undefined : state.hold;
};

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const ROOM = id(1);
const R1 = id(11);
const R2 = id(12);
const CONF = id(21);
const MAINT = id(31);
const slot = { slotStart: "2025-03-10T01:00:00.000Z", slotEnd: "2025-03-10T02:50:00.000Z" };
const next = { slotStart: "2025-03-10T03:00:00.000Z", slotEnd: "2025-03-10T04:50:00.000Z" };
const during = Date.parse("2025-03-10T01:30:00Z");
const atEnd = Date.parse(slot.slotEnd);
const inNext = Date.parse("2025-03-10T03:10:00Z");

const reserve = (
  reserveId = R1,
  userId = "alice",
  o: Partial<HoldingCommand & { type: "Reserve" }> = {},
): HoldingCommand => ({
  type: "Reserve",
  reserveId,
  roomId: ROOM,
  userId,
  slot,
  openSlots: "10:00–11:50, 12:00–13:50 (Asia/Seoul)",
  roomKnown: true,
  now: during,
  ...o,
});
type Recorded = Extract<HoldingCommand, { type: "Use" }>["recorded"];
const standing: Recorded = { userId: "alice", status: "Reserved" };
const use = (
  o: { userId?: string; conferenceId?: string; now?: number; recorded?: Recorded } = {},
): HoldingCommand => ({
  type: "Use",
  reserveId: R1,
  userId: o.userId ?? "alice",
  conferenceId: o.conferenceId ?? CONF,
  now: o.now ?? during,
  recorded: o.recorded ?? standing,
});
const maint = (now = during, maintenanceId = MAINT): HoldingCommand => ({
  type: "HoldForMaintenance",
  roomId: ROOM,
  maintenanceId,
  roomKnown: true,
  now,
});
const cancel = (reserveId = R1, now = during, recorded = standing): HoldingCommand => ({
  type: "Cancel",
  reserveId,
  now,
  recorded,
});
const expire = (now: number): HoldingCommand => ({ type: "Expire", reserveId: R1, now });

const reserved = history(reserve());
const inMeeting = history(reserve(), use());
const underMaintenance = history(maint());
const typesOf = (events: HoldingEvent[], command: HoldingCommand) =>
  given(events)
    .when(command)
    .outcome()
    .events.map((e) => e.type);

describe("Reserve", () => {
  it("holds a free room for the slot running now", () => {
    given([])
      .when(reserve())
      .then([{ type: "Reserved", data: { reserveId: R1, roomId: ROOM, userId: "alice", ...slot } }]);
    expect(holdOf(reserved)).toEqual({ kind: "reserve", reserveId: R1, userId: "alice", ...slot });
  });

  it("a second member in the same slot: 409 RoomReserved", () => {
    given(reserved).when(reserve(R2, "erin")).thenRefuses(409, "RoomReserved");
  });

  it("the same reservation again changes nothing", () => {
    given(reserved).when(reserve()).thenNothing();
  });

  it("in a meeting: 409 InConference; under maintenance: 409 UnderMaintenance", () => {
    given(inMeeting).when(reserve(R2)).thenRefuses(409, "InConference");
    given(underMaintenance).when(reserve(R2)).thenRefuses(409, "UnderMaintenance");
  });

  it("unknown room and no open slot: 409 naming the rule", () => {
    given([])
      .when(reserve(R1, "alice", { roomKnown: false }))
      .thenRefuses(409, "UnknownRoom");
    const closed = given([])
      .when(reserve(R1, "alice", { slot: undefined }))
      .thenRefuses(409, "NoSlotOpen");
    expect(closed.message).toBe(
      "no reservation slot is open now; reservations open in the slots 10:00–11:50, 12:00–13:50 (Asia/Seoul)",
    );
  });

  it("in the next slot, an unused reservation of the last one is expired in the same decision", () => {
    const state = given(reserved)
      .when(reserve(R2, "erin", { slot: next, now: inNext }))
      .then([
        { type: "ReserveExpired", data: { reserveId: R1, roomId: ROOM } },
        { type: "Reserved", data: { reserveId: R2, roomId: ROOM, userId: "erin", ...next } },
      ]);
    expect(state.hold).toMatchObject({ reserveId: R2, userId: "erin" });
  });

  it("in the next slot, a meeting of the last one no longer holds the room", () => {
    expect(typesOf(inMeeting, reserve(R2, "erin", { slot: next, now: inNext }))).toEqual(["Reserved"]);
  });

  it("after a cancel or a released meeting, the room can be reserved again", () => {
    expect(typesOf(history(reserve(), cancel()), reserve(R2))).toEqual(["Reserved"]);
    expect(typesOf(history(reserve(), use(), { type: "Release", conferenceId: CONF }), reserve(R2))).toEqual([
      "Reserved",
    ]);
  });
});

describe("Cancel", () => {
  it("gives the room back", () => {
    const state = given(reserved)
      .when(cancel())
      .then([{ type: "ReserveCanceled", data: { reserveId: R1, roomId: ROOM } }]);
    expect(state.hold).toBeUndefined();
  });

  it("409 once the meeting started, once the slot is over, or for a reservation that no longer holds", () => {
    given(inMeeting).when(cancel()).thenRefuses(409, "MeetingStarted");
    given(reserved).when(cancel(R1, atEnd)).thenRefuses(409, "ReserveExpired");
    given(reserved).when(cancel(R2)).thenRefuses(409, "ReserveNotActive");
    given([]).when(cancel()).thenRefuses(409, "ReserveNotActive");
  });

  it("what the reservation became once it let the room go: canceled again is nothing, expired or used is 409", () => {
    const released = history(reserve(), use(), { type: "Release", conferenceId: CONF });
    given(history(reserve(), cancel()))
      .when(cancel(R1, during, { ...standing, status: "Canceled" }))
      .thenNothing();
    given(history(reserve(), expire(atEnd)))
      .when(cancel(R1, atEnd, { ...standing, status: "Expired" }))
      .thenRefuses(409, "ReserveExpired");
    given(released)
      .when(cancel(R1, during, { ...standing, status: "Used" }))
      .thenRefuses(409, "MeetingStarted");
  });
});

describe("Expire", () => {
  it("not before the slot's end: at 09:49:59 nothing, at 09:50 ReserveExpired", () => {
    given(reserved)
      .when(expire(atEnd - 1))
      .thenNothing();
    given(reserved)
      .when(expire(atEnd))
      .then([{ type: "ReserveExpired", data: { reserveId: R1, roomId: ROOM } }]);
  });

  it("twice (a second replica's ticker): the second changes nothing", () => {
    const expired = history(reserve(), expire(atEnd));
    expect(holdOf(expired)).toBeUndefined();
    given(expired).when(expire(atEnd)).thenNothing();
  });

  it("a used reservation never expires", () => {
    given(inMeeting).when(expire(atEnd)).thenNothing();
  });
});

describe("Use (checkUser)", () => {
  it("the member who reserved starts the meeting", () => {
    given(reserved)
      .when(use())
      .then([{ type: "ReserveUsed", data: { reserveId: R1, roomId: ROOM, conferenceId: CONF } }]);
    expect(holdOf(inMeeting)).toMatchObject({ conferenceId: CONF });
  });

  it("another member: 403", () => {
    given(reserved)
      .when(use({ userId: "erin" }))
      .thenRefuses(403, "NotTheReserver");
  });

  it("the same start again changes nothing; another start on the used reservation is 409 ReserveUsed", () => {
    given(inMeeting).when(use()).thenNothing();
    given(inMeeting)
      .when(use({ conferenceId: id(22) }))
      .thenRefuses(409, "ReserveUsed");
  });

  it("after the slot's end: 409 ReserveExpired; a canceled one: 409 ReserveNotActive", () => {
    given(reserved)
      .when(use({ now: atEnd }))
      .thenRefuses(409, "ReserveExpired");
    given(history(reserve(), cancel())).when(use()).thenRefuses(409, "ReserveNotActive");
    given([]).when(use()).thenRefuses(409, "ReserveNotActive");
  });

  it("what the reservation became once it let the room go: another member 403, canceled, expired or used 409", () => {
    const free = history(reserve(), cancel());
    given(free)
      .when(use({ userId: "erin", recorded: standing }))
      .thenRefuses(403, "NotTheReserver");
    given(free)
      .when(use({ recorded: { ...standing, status: "Canceled" } }))
      .thenRefuses(409, "ReserveCanceled");
    given(history(reserve(), expire(atEnd)))
      .when(use({ recorded: { ...standing, status: "Expired" } }))
      .thenRefuses(409, "ReserveExpired");
    given(history(reserve(), use(), { type: "Release", conferenceId: CONF }))
      .when(use({ conferenceId: id(22), recorded: { ...standing, status: "Used" } }))
      .thenRefuses(409, "ReserveUsed");
  });
});

describe("HoldForMaintenance", () => {
  it("holds a free room", () => {
    given([])
      .when(maint())
      .then([{ type: "MaintHeld", data: { maintenanceId: MAINT, roomId: ROOM } }]);
  });

  it("refuses a reserved room, a room in a meeting, and a room under another maintenance", () => {
    given(reserved).when(maint()).thenRefuses(409, "RoomReserved");
    given(inMeeting).when(maint()).thenRefuses(409, "InConference");
    given(underMaintenance)
      .when(maint(during, id(32)))
      .thenRefuses(409, "UnderMaintenance");
  });

  it("the same maintenance again changes nothing; an unknown room is 404", () => {
    given(underMaintenance).when(maint()).thenNothing();
    given([])
      .when({ ...maint(), roomKnown: false } as HoldingCommand)
      .thenRefuses(404, "NotFound");
  });

  it("a reservation whose slot is over does not block it (it is expired in the same decision)", () => {
    expect(typesOf(reserved, maint(atEnd))).toEqual(["ReserveExpired", "MaintHeld"]);
  });
});

describe("Release", () => {
  it("only the hold it names", () => {
    given(underMaintenance)
      .when({ type: "Release", maintenanceId: id(99) })
      .thenNothing();
    given(inMeeting)
      .when({ type: "Release", conferenceId: id(99) })
      .thenNothing();
    given(reserved).when({ type: "Release", reserveId: R1 }).thenNothing(); // not in a meeting
    given([]).when({ type: "Release", reserveId: R1 }).thenNothing();
    const state = given(underMaintenance)
      .when({ type: "Release", maintenanceId: MAINT })
      .then([{ type: "HoldReleased", data: { roomId: ROOM, maintenanceId: MAINT } }]);
    expect(activeHold(state, during)).toBeUndefined();
    const releaseMeeting: HoldingCommand = { type: "Release", conferenceId: CONF, reserveId: R1 };
    given(inMeeting)
      .when(releaseMeeting)
      .then([{ type: "HoldReleased", data: { roomId: ROOM, reserveId: R1 } }]);
    // twice: nothing more
    given(history(reserve(), use(), releaseMeeting))
      .when({ type: "Release", conferenceId: CONF })
      .thenNothing();
  });
});

describe("ReleaseUnowned (the reconciliation: a hold whose meeting or maintenance was never stored)", () => {
  const AFTER = 30_000;
  const unowned = (o: { conferenceId?: string; maintenanceId?: string }, now: number): HoldingCommand => ({
    type: "ReleaseUnowned",
    ...o,
    now,
    afterMs: AFTER,
  });
  const sinceOf = (events: HoldingEvent[]) => heldFor(stateOf(events))?.since as number;

  it("the hold says what it waits for and since when: the meeting that used it, the maintenance that took it", () => {
    // the n-th given event is folded at(n): Reserved at(0), ReserveUsed at(1); MaintHeld at(0)
    expect(heldFor(stateOf(inMeeting))).toEqual({ aggregate: "conference", id: CONF, since: Date.parse(at(1)) });
    expect(heldFor(stateOf(underMaintenance))).toEqual({
      aggregate: "maintenance",
      id: MAINT,
      since: Date.parse(at(0)),
    });
    expect(heldFor(stateOf(reserved))).toBeUndefined(); // an unused reservation waits for nobody
    expect(heldFor(undefined)).toBeUndefined();
    expect(heldFor(stateOf([]))).toBeUndefined();
  });

  it("given a maintenance hold: nothing until it waited afterMs, then HoldReleased naming the maintenance", () => {
    const since = sinceOf(underMaintenance);
    given(underMaintenance)
      .when(unowned({ maintenanceId: MAINT }, since + AFTER - 1))
      .thenNothing();
    const state = given(underMaintenance)
      .when(unowned({ maintenanceId: MAINT }, since + AFTER))
      .then([{ type: "HoldReleased", data: { roomId: ROOM, maintenanceId: MAINT } }]);
    expect(state.hold).toBeUndefined();
    // twice (a second replica): nothing more; and the room can be reserved again
    const released = history(maint(), unowned({ maintenanceId: MAINT }, since + AFTER));
    given(released)
      .when(unowned({ maintenanceId: MAINT }, since + AFTER))
      .thenNothing();
    expect(typesOf(released, reserve(R2))).toEqual(["Reserved"]);
  });

  it("given a reservation used by a meeting: HoldReleased naming the reservation; the room is free", () => {
    const since = sinceOf(inMeeting);
    given(inMeeting)
      .when(unowned({ conferenceId: CONF }, since + AFTER - 1))
      .thenNothing();
    const state = given(inMeeting)
      .when(unowned({ conferenceId: CONF }, since + AFTER))
      .then([{ type: "HoldReleased", data: { roomId: ROOM, reserveId: R1 } }]);
    expect(activeHold(state, during)).toBeUndefined();
  });

  it("never another hold than the one found ownerless: a new hold of the room, an unused reservation, a free room", () => {
    const late = during + 10 * AFTER;
    given(underMaintenance)
      .when(unowned({ maintenanceId: id(32) }, late))
      .thenNothing();
    given(inMeeting)
      .when(unowned({ conferenceId: id(22) }, late))
      .thenNothing();
    given(inMeeting)
      .when(unowned({ maintenanceId: MAINT }, late))
      .thenNothing();
    given(reserved)
      .when(unowned({ conferenceId: CONF }, late))
      .thenNothing();
    given([])
      .when(unowned({ maintenanceId: MAINT }, late))
      .thenNothing();
    // released, then taken again by the same maintenance (a keyed retry): the new hold waits anew
    const first = sinceOf(underMaintenance);
    const retaken = history(maint(), unowned({ maintenanceId: MAINT }, late), maint(late)); // folded later than the first hold
    expect(sinceOf(retaken)).toBeGreaterThan(first);
    given(retaken)
      .when(unowned({ maintenanceId: MAINT }, first + AFTER))
      .thenNothing();
  });
});
