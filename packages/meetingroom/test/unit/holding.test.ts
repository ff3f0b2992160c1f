// The room holding: the one authority on who holds a room now.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { activeHold, type HoldingCommand, type HoldingState, heldFor, roomHoldingDecider } from "../../src/holding.js";
import { MeetingroomEventSchemas } from "../../src/schemas.js";

const { ctx, run, expectValid } = aggregateHarness(roomHoldingDecider, MeetingroomEventSchemas);

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
  roomKnown: true,
  now: during,
  ...o,
});
const use = (o: { userId?: string; conferenceId?: string; now?: number } = {}): HoldingCommand => ({
  type: "Use",
  reserveId: R1,
  userId: o.userId ?? "alice",
  conferenceId: o.conferenceId ?? CONF,
  now: o.now ?? during,
});
const maint = (now = during, maintenanceId = MAINT): HoldingCommand => ({
  type: "HoldForMaintenance",
  roomId: ROOM,
  maintenanceId,
  roomKnown: true,
  now,
});

const reserved = () => run(undefined, reserve()).state as HoldingState;
const inMeeting = () => run(reserved(), use()).state as HoldingState;
const underMaintenance = () => run(undefined, maint()).state as HoldingState;

describe("Reserve", () => {
  it("holds a free room for the slot running now", () => {
    const events = roomHoldingDecider.decide(undefined, reserve(), ctx);
    expect(events).toEqual([{ type: "Reserved", data: { reserveId: R1, roomId: ROOM, userId: "alice", ...slot } }]);
    expectValid(events);
    expect(reserved().hold).toEqual({ kind: "reserve", reserveId: R1, userId: "alice", ...slot });
  });

  it("a second member in the same slot: 409 RoomReserved", () => {
    const r = refusalOf(() => roomHoldingDecider.decide(reserved(), reserve(R2, "erin"), ctx));
    expect([r.status, r.rule]).toEqual([409, "RoomReserved"]);
  });

  it("the same reservation again changes nothing", () => {
    expect(roomHoldingDecider.decide(reserved(), reserve(), ctx)).toEqual([]);
  });

  it("in a meeting: 409 InConference; under maintenance: 409 UnderMaintenance", () => {
    expect(refusalOf(() => roomHoldingDecider.decide(inMeeting(), reserve(R2), ctx)).rule).toBe("InConference");
    expect(refusalOf(() => roomHoldingDecider.decide(underMaintenance(), reserve(R2), ctx)).rule).toBe(
      "UnderMaintenance",
    );
  });

  it("unknown room and no open slot: 409 naming the rule", () => {
    const unknown = refusalOf(() =>
      roomHoldingDecider.decide(undefined, reserve(R1, "alice", { roomKnown: false }), ctx),
    );
    expect([unknown.status, unknown.rule]).toEqual([409, "UnknownRoom"]);
    const closed = refusalOf(() =>
      roomHoldingDecider.decide(undefined, reserve(R1, "alice", { slot: undefined }), ctx),
    );
    expect([closed.status, closed.rule]).toEqual([409, "NoSlotOpen"]);
  });

  it("in the next slot, an unused reservation of the last one is expired in the same decision", () => {
    const { events, state } = run(reserved(), reserve(R2, "erin", { slot: next, now: inNext }));
    expect(events.map((e) => e.type)).toEqual(["ReserveExpired", "Reserved"]);
    expect(events[0]?.data).toEqual({ reserveId: R1, roomId: ROOM });
    expect(state?.hold).toMatchObject({ reserveId: R2, userId: "erin" });
  });

  it("in the next slot, a meeting of the last one no longer holds the room", () => {
    const { events } = run(inMeeting(), reserve(R2, "erin", { slot: next, now: inNext }));
    expect(events.map((e) => e.type)).toEqual(["Reserved"]);
  });

  it("after a cancel or a released meeting, the room can be reserved again", () => {
    const canceled = run(reserved(), { type: "Cancel", reserveId: R1, now: during }).state;
    expect(roomHoldingDecider.decide(canceled, reserve(R2), ctx).map((e) => e.type)).toEqual(["Reserved"]);
    const released = run(inMeeting(), { type: "Release", conferenceId: CONF }).state;
    expect(roomHoldingDecider.decide(released, reserve(R2), ctx).map((e) => e.type)).toEqual(["Reserved"]);
  });
});

describe("Cancel", () => {
  it("gives the room back", () => {
    const { events, state } = run(reserved(), { type: "Cancel", reserveId: R1, now: during });
    expect(events).toEqual([{ type: "ReserveCanceled", data: { reserveId: R1, roomId: ROOM } }]);
    expect(state?.hold).toBeUndefined();
  });

  it("409 once the meeting started, once the slot is over, or for a reservation that no longer holds", () => {
    expect(
      refusalOf(() => roomHoldingDecider.decide(inMeeting(), { type: "Cancel", reserveId: R1, now: during }, ctx)).rule,
    ).toBe("MeetingStarted");
    expect(
      refusalOf(() => roomHoldingDecider.decide(reserved(), { type: "Cancel", reserveId: R1, now: atEnd }, ctx)).rule,
    ).toBe("ReserveExpired");
    expect(
      refusalOf(() => roomHoldingDecider.decide(reserved(), { type: "Cancel", reserveId: R2, now: during }, ctx)).rule,
    ).toBe("ReserveNotActive");
  });
});

describe("Expire", () => {
  it("not before the slot's end: at 09:49:59 nothing, at 09:50 ReserveExpired", () => {
    expect(roomHoldingDecider.decide(reserved(), { type: "Expire", reserveId: R1, now: atEnd - 1 }, ctx)).toEqual([]);
    const events = roomHoldingDecider.decide(reserved(), { type: "Expire", reserveId: R1, now: atEnd }, ctx);
    expect(events).toEqual([{ type: "ReserveExpired", data: { reserveId: R1, roomId: ROOM } }]);
  });

  it("twice (a second replica's ticker): the second changes nothing", () => {
    const expired = run(reserved(), { type: "Expire", reserveId: R1, now: atEnd }).state;
    expect(expired?.hold).toBeUndefined();
    expect(roomHoldingDecider.decide(expired, { type: "Expire", reserveId: R1, now: atEnd }, ctx)).toEqual([]);
  });

  it("a used reservation never expires", () => {
    expect(roomHoldingDecider.decide(inMeeting(), { type: "Expire", reserveId: R1, now: atEnd }, ctx)).toEqual([]);
  });
});

describe("Use (checkUser)", () => {
  it("the member who reserved starts the meeting", () => {
    const events = roomHoldingDecider.decide(reserved(), use(), ctx);
    expect(events).toEqual([{ type: "ReserveUsed", data: { reserveId: R1, roomId: ROOM, conferenceId: CONF } }]);
    expectValid(events);
    expect(inMeeting().hold).toMatchObject({ conferenceId: CONF });
  });

  it("another member: 403", () => {
    const r = refusalOf(() => roomHoldingDecider.decide(reserved(), use({ userId: "erin" }), ctx));
    expect(r.status).toBe(403);
  });

  it("the same start again changes nothing; another start on the used reservation is 409 ReserveUsed", () => {
    expect(roomHoldingDecider.decide(inMeeting(), use(), ctx)).toEqual([]);
    expect(refusalOf(() => roomHoldingDecider.decide(inMeeting(), use({ conferenceId: id(22) }), ctx)).rule).toBe(
      "ReserveUsed",
    );
  });

  it("after the slot's end: 409 ReserveExpired; a canceled one: 409 ReserveNotActive", () => {
    expect(refusalOf(() => roomHoldingDecider.decide(reserved(), use({ now: atEnd }), ctx)).rule).toBe(
      "ReserveExpired",
    );
    const canceled = run(reserved(), { type: "Cancel", reserveId: R1, now: during }).state;
    expect(refusalOf(() => roomHoldingDecider.decide(canceled, use(), ctx)).rule).toBe("ReserveNotActive");
  });
});

describe("HoldForMaintenance", () => {
  it("holds a free room", () => {
    const events = roomHoldingDecider.decide(undefined, maint(), ctx);
    expect(events).toEqual([{ type: "MaintHeld", data: { maintenanceId: MAINT, roomId: ROOM } }]);
    expectValid(events);
  });

  it("refuses a reserved room, a room in a meeting, and a room under another maintenance", () => {
    expect(refusalOf(() => roomHoldingDecider.decide(reserved(), maint(), ctx)).rule).toBe("RoomReserved");
    expect(refusalOf(() => roomHoldingDecider.decide(inMeeting(), maint(), ctx)).rule).toBe("InConference");
    expect(refusalOf(() => roomHoldingDecider.decide(underMaintenance(), maint(during, id(32)), ctx)).rule).toBe(
      "UnderMaintenance",
    );
  });

  it("the same maintenance again changes nothing; an unknown room is 404", () => {
    expect(roomHoldingDecider.decide(underMaintenance(), maint(), ctx)).toEqual([]);
    const r = refusalOf(() =>
      roomHoldingDecider.decide(undefined, { ...maint(), roomKnown: false } as HoldingCommand, ctx),
    );
    expect(r.status).toBe(404);
  });

  it("a reservation whose slot is over does not block it (it is expired in the same decision)", () => {
    expect(roomHoldingDecider.decide(reserved(), maint(atEnd), ctx).map((e) => e.type)).toEqual([
      "ReserveExpired",
      "MaintHeld",
    ]);
  });
});

describe("Release", () => {
  it("only the hold it names", () => {
    expect(roomHoldingDecider.decide(underMaintenance(), { type: "Release", maintenanceId: id(99) }, ctx)).toEqual([]);
    expect(roomHoldingDecider.decide(inMeeting(), { type: "Release", conferenceId: id(99) }, ctx)).toEqual([]);
    expect(roomHoldingDecider.decide(reserved(), { type: "Release", reserveId: R1 }, ctx)).toEqual([]); // not in a meeting
    const { events, state } = run(underMaintenance(), { type: "Release", maintenanceId: MAINT });
    expect(events).toEqual([{ type: "HoldReleased", data: { roomId: ROOM, maintenanceId: MAINT } }]);
    expect(activeHold(state, during)).toBeUndefined();
    const meeting = run(inMeeting(), { type: "Release", conferenceId: CONF, reserveId: R1 });
    expect(meeting.events).toEqual([{ type: "HoldReleased", data: { roomId: ROOM, reserveId: R1 } }]);
    // twice: nothing more
    expect(roomHoldingDecider.decide(meeting.state, { type: "Release", conferenceId: CONF }, ctx)).toEqual([]);
  });
});

describe("ReleaseUnowned (the reconciliation: a hold whose meeting or maintenance was never stored)", () => {
  const AFTER = 30_000;
  const { at } = aggregateHarness(roomHoldingDecider, MeetingroomEventSchemas);
  const unowned = (o: { conferenceId?: string; maintenanceId?: string }, now: number): HoldingCommand => ({
    type: "ReleaseUnowned",
    ...o,
    now,
    afterMs: AFTER,
  });

  it("the hold says what it waits for and since when: the meeting that used it, the maintenance that took it", () => {
    // the harness stamps the n-th folded event at(n): Reserved at(0), ReserveUsed at(1); MaintHeld at(0)
    expect(heldFor(inMeeting())).toEqual({ aggregate: "conference", id: CONF, since: Date.parse(at(1)) });
    expect(heldFor(underMaintenance())).toEqual({ aggregate: "maintenance", id: MAINT, since: Date.parse(at(0)) });
    expect(heldFor(reserved())).toBeUndefined(); // an unused reservation waits for nobody
    expect(heldFor(undefined)).toBeUndefined();
  });

  it("given a maintenance hold: nothing until it waited afterMs, then HoldReleased naming the maintenance", () => {
    const held = underMaintenance();
    const since = heldFor(held)?.since as number;
    expect(roomHoldingDecider.decide(held, unowned({ maintenanceId: MAINT }, since + AFTER - 1), ctx)).toEqual([]);
    const { events, state } = run(held, unowned({ maintenanceId: MAINT }, since + AFTER));
    expect(events).toEqual([{ type: "HoldReleased", data: { roomId: ROOM, maintenanceId: MAINT } }]);
    expect(state?.hold).toBeUndefined();
    // twice (a second replica): nothing more; and the room can be reserved again
    expect(roomHoldingDecider.decide(state, unowned({ maintenanceId: MAINT }, since + AFTER), ctx)).toEqual([]);
    expect(roomHoldingDecider.decide(state, reserve(R2), ctx).map((e) => e.type)).toEqual(["Reserved"]);
  });

  it("given a reservation used by a meeting: HoldReleased naming the reservation; the room is free", () => {
    const held = inMeeting();
    const since = heldFor(held)?.since as number;
    expect(roomHoldingDecider.decide(held, unowned({ conferenceId: CONF }, since + AFTER - 1), ctx)).toEqual([]);
    const { events, state } = run(held, unowned({ conferenceId: CONF }, since + AFTER));
    expect(events).toEqual([{ type: "HoldReleased", data: { roomId: ROOM, reserveId: R1 } }]);
    expect(activeHold(state, during)).toBeUndefined();
  });

  it("never another hold than the one found ownerless: a new hold of the room, an unused reservation, a free room", () => {
    const late = during + 10 * AFTER;
    expect(roomHoldingDecider.decide(underMaintenance(), unowned({ maintenanceId: id(32) }, late), ctx)).toEqual([]);
    expect(roomHoldingDecider.decide(inMeeting(), unowned({ conferenceId: id(22) }, late), ctx)).toEqual([]);
    expect(roomHoldingDecider.decide(inMeeting(), unowned({ maintenanceId: MAINT }, late), ctx)).toEqual([]);
    expect(roomHoldingDecider.decide(reserved(), unowned({ conferenceId: CONF }, late), ctx)).toEqual([]);
    expect(roomHoldingDecider.decide(undefined, unowned({ maintenanceId: MAINT }, late), ctx)).toEqual([]);
    // released, then taken again by the same maintenance (a keyed retry): the new hold waits anew
    const first = heldFor(underMaintenance())?.since as number;
    const released = run(underMaintenance(), unowned({ maintenanceId: MAINT }, late)).state;
    const retaken = run(released, maint(late)).state; // folded a second later than the first hold
    expect(heldFor(retaken)?.since).toBeGreaterThan(first);
    expect(roomHoldingDecider.decide(retaken, unowned({ maintenanceId: MAINT }, first + AFTER), ctx)).toEqual([]);
  });
});
