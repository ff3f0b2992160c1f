// Room, Conference and Maintenance: created once, ended once.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { type ConferenceCommand, type ConferenceState, conferenceDecider } from "../../src/conference.js";
import { type MaintenanceState, maintenanceDecider } from "../../src/maintenance.js";
import { roomDecider } from "../../src/room.js";
import { MeetingroomEventSchemas } from "../../src/schemas.js";

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const slot = { slotStart: "2025-03-10T01:00:00.000Z", slotEnd: "2025-03-10T02:50:00.000Z" };

describe("Room", () => {
  const { ctx, run } = aggregateHarness(roomDecider, MeetingroomEventSchemas);
  it("is added once", () => {
    const add = { type: "Add" as const, roomId: id(1), name: "Room A", capacity: 8 };
    const { events, state } = run(undefined, add);
    expect(events).toEqual([{ type: "RoomAdded", data: { roomId: id(1), name: "Room A", capacity: 8 } }]);
    expect(state).toMatchObject({ id: id(1), name: "Room A", capacity: 8 });
    expect(roomDecider.decide(state, add, ctx)).toEqual([]);
  });
});

describe("Conference", () => {
  const { ctx, run } = aggregateHarness(conferenceDecider, MeetingroomEventSchemas);
  const start: ConferenceCommand = {
    type: "Start",
    conferenceId: id(21),
    reserveId: id(11),
    roomId: id(1),
    userId: "alice",
    ...slot,
  };
  const started = () => run(undefined, start).state as ConferenceState;

  it("starts with UserChecked, once", () => {
    const { events } = run(undefined, start);
    expect(events).toEqual([
      {
        type: "UserChecked",
        data: { conferenceId: id(21), reserveId: id(11), roomId: id(1), userId: "alice", ...slot },
      },
    ]);
    expect(started().status).toBe("Started");
    expect(conferenceDecider.decide(started(), start, ctx)).toEqual([]);
  });

  it("ends once", () => {
    const { events, state } = run(started(), { type: "End" });
    expect(events).toEqual([
      { type: "ConferenceEnded", data: { conferenceId: id(21), reserveId: id(11), roomId: id(1) } },
    ]);
    expect(state?.status).toBe("Ended");
    expect(conferenceDecider.decide(state, { type: "End" }, ctx)).toEqual([]);
  });

  it("at the slot's end, not before; a second ticker changes nothing", () => {
    const end = Date.parse(slot.slotEnd);
    expect(conferenceDecider.decide(started(), { type: "EndAtSlotEnd", now: end - 1 }, ctx)).toEqual([]);
    const { events, state } = run(started(), { type: "EndAtSlotEnd", now: end });
    expect(events.map((e) => e.type)).toEqual(["ConferenceEnded"]);
    expect(conferenceDecider.decide(state, { type: "EndAtSlotEnd", now: end }, ctx)).toEqual([]);
  });

  it("an unknown conference: 404", () => {
    expect(refusalOf(() => conferenceDecider.decide(undefined, { type: "End" }, ctx)).status).toBe(404);
  });
});

describe("Maintenance", () => {
  const { ctx, run } = aggregateHarness(maintenanceDecider, MeetingroomEventSchemas);
  const start = { type: "Start" as const, maintenanceId: id(31), roomId: id(1) };
  it("starts once and ends once", () => {
    const started = run(undefined, start).state as MaintenanceState;
    expect(started.status).toBe("Started");
    expect(maintenanceDecider.decide(started, start, ctx)).toEqual([]);
    const { events, state } = run(started, { type: "End" });
    expect(events).toEqual([{ type: "MaintEnded", data: { maintenanceId: id(31), roomId: id(1) } }]);
    expect(maintenanceDecider.decide(state, { type: "End" }, ctx)).toEqual([]);
    expect(refusalOf(() => maintenanceDecider.decide(undefined, { type: "End" }, ctx)).status).toBe(404);
  });
});
