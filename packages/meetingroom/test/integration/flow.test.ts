// Every meetingroom flow over HTTP through the gateway, with a ManualClock:
// add a room, reserve, start and end a meeting, cancel, maintenance, the
// slot rules, and what happens at a slot's end.
import type { ManualClock } from "@seed/platform/testing";
import { allHandled, eventually } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import {
  type Actors,
  addRoom,
  expectConflict,
  expectError,
  get,
  ISO_UTC,
  type Json,
  kst,
  reserve,
  roomShows,
  SETTLE,
  type Stack,
  show,
  startMeeting,
  ULID,
  useStack,
} from "./helpers.js";

let u: Actors;
let clock: ManualClock;
let stack: Stack;
useStack((s) => {
  u = s.u;
  clock = s.clock;
  stack = s;
});

/** The tickers of reserve and conference run now on the moved clock, and what they caused is handled. */
async function tickNow(): Promise<void> {
  const { broker, runtime } = stack.node.node;
  for (const service of ["meetingroom.reserve", "meetingroom.conference"]) await broker.call(`${service}.tick`);
  await allHandled(runtime.nc, "meetingroom", ["meetingroom-reserve"]);
}

const SLOT = { slotStart: "2030-03-11T01:00:00.000Z", slotEnd: "2030-03-11T02:50:00.000Z" }; // 10:00–11:50 KST

describe("rooms", () => {
  it("an admin adds a room: 201, Location, Available; anyone reads it", async () => {
    const res = await u.dave.post("/meetingroom/rooms", { name: "Room A", capacity: 8 });
    expect(res.status, show(res)).toBe(201);
    const room = res.body;
    expect(Object.keys(room).sort()).toEqual(["capacity", "createdAt", "id", "name", "status", "updatedAt"]);
    expect(room).toMatchObject({ name: "Room A", capacity: 8, status: "Available" });
    expect(room.id).toMatch(ULID);
    expect(room.createdAt).toMatch(ISO_UTC);
    expect(res.headers.get("location")).toBe(`/meetingroom/rooms/${room.id}`);
    expect(await get(u.alice, `/meetingroom/rooms/${room.id}`)).toEqual(room);
    const list = await get(u.erin, "/meetingroom/rooms?limit=500");
    expect(list.items).toContainEqual(room);
    expect(list.items.length).toBeGreaterThanOrEqual(1);
    // a capacity is optional
    expect((await addRoom(u.dave, "Room B")).capacity).toBe(10);
    // the view knows it too, in Korean and in English
    const row = await eventually(() => get(u.alice, `/meetingroom/roomTables/${room.id}`), SETTLE);
    expect(row).toEqual({
      roomId: room.id,
      name: "Room A",
      status: "Available",
      statusLabel: "예약가능",
      updatedAt: expect.stringMatching(ISO_UTC),
    });
    expect((await get(u.alice, `/meetingroom/roomTables/${room.id}?lang=en`)).statusLabel).toBe("Available");
    expectError(await u.alice.get("/meetingroom/rooms/7ZZZZZZZZZ0000000000000000"), 404, "NotFound");
    expectError(await u.alice.get("/meetingroom/roomTables/7ZZZZZZZZZ0000000000000000"), 404, "NotFound");
  });
});

describe("reserve → meeting → end", () => {
  it("first come first served; only the reserver starts; the room follows every step", async () => {
    clock.set(kst("10:30:00"));
    const room = await addRoom(u.dave);
    const res = await u.alice.post("/meetingroom/reserves", { roomId: room.id });
    expect(res.status, show(res)).toBe(201);
    const r = res.body;
    expect(r).toEqual({
      id: expect.stringMatching(ULID),
      roomId: room.id,
      userId: u.ids.alice,
      ...SLOT,
      status: "Reserved",
      createdAt: expect.stringMatching(ISO_UTC),
      updatedAt: expect.stringMatching(ISO_UTC),
    });
    expect(res.headers.get("location")).toBe(`/meetingroom/reserves/${r.id}`);
    expect(await get(u.alice, `/meetingroom/reserves/${r.id}`)).toEqual(r);
    expect(await get(u.dave, `/meetingroom/reserves/${r.id}`)).toEqual(r);
    expectError(await u.erin.get(`/meetingroom/reserves/${r.id}`), 403, "Forbidden", "NotOwner");
    expect((await get(u.alice, `/meetingroom/reserves?roomId=${room.id}`)).items).toEqual([r]);
    expect((await get(u.erin, `/meetingroom/reserves?roomId=${room.id}`)).items.length).toBe(0);

    // the second member is too late
    expectConflict(await u.erin.post("/meetingroom/reserves", { roomId: room.id }), /already reserved/, "RoomReserved");
    const reservedRow = await roomShows(u.erin, room.id, "Reserved");
    expect(reservedRow).toMatchObject({ statusLabel: "예약중", reserveId: r.id, userId: u.ids.alice, ...SLOT });

    // only the member who reserved may start the meeting
    expectError(await u.erin.post("/meetingroom/conferences", { reserveId: r.id }), 403, "Forbidden", "NotTheReserver");
    const started = await u.alice.post("/meetingroom/conferences", { reserveId: r.id });
    expect(started.status, show(started)).toBe(201);
    const c = started.body;
    expect(c).toMatchObject({ reserveId: r.id, roomId: room.id, userId: u.ids.alice, status: "Started", ...SLOT });
    expect(c.id).toMatch(ULID);
    expect(started.headers.get("location")).toBe(`/meetingroom/conferences/${c.id}`);
    expect((await get(u.alice, `/meetingroom/reserves/${r.id}`)).status).toBe("Used");
    const meetingRow = await roomShows(u.alice, room.id, "InConference");
    expect(meetingRow).toMatchObject({ statusLabel: "회의중", conferenceId: c.id, reserveId: r.id });
    expect((await get(u.alice, `/meetingroom/roomTables/${room.id}?lang=en`)).statusLabel).toBe("In conference");

    // a used reservation: no second meeting, no cancel
    expectConflict(await u.alice.post("/meetingroom/conferences", { reserveId: r.id }), /already used/, "ReserveUsed");
    expectConflict(
      await u.alice.post(`/meetingroom/reserves/${r.id}/cancel`),
      /meeting has already started/,
      "MeetingStarted",
    );
    expectConflict(
      await u.erin.post("/meetingroom/reserves", { roomId: room.id }),
      /meeting is running/,
      "InConference",
    );

    // only its member or an admin ends it
    expectError(await u.erin.post(`/meetingroom/conferences/${c.id}/end`), 403, "Forbidden");
    const ended = await u.alice.post(`/meetingroom/conferences/${c.id}/end`);
    expect(ended.status, show(ended)).toBe(200);
    expect(ended.body).toMatchObject({ id: c.id, status: "Ended" });
    // ending again answers it as it is
    expect((await u.dave.post(`/meetingroom/conferences/${c.id}/end`)).body.status).toBe("Ended");
    const freeRow = await roomShows(u.alice, room.id, "Available");
    expect(freeRow.conferenceId).toBeUndefined();
    // the room is free again at once
    await reserve(u.erin, room.id);
  });

  it("cancel: 200 Canceled, the room is free, repeating is harmless; only the owner cancels", async () => {
    clock.set(kst("10:40:00"));
    const room = await addRoom(u.dave);
    const r = await reserve(u.alice, room.id);
    await roomShows(u.alice, room.id, "Reserved");
    expectError(await u.erin.post(`/meetingroom/reserves/${r.id}/cancel`), 403, "Forbidden");
    const canceled = await u.alice.post(`/meetingroom/reserves/${r.id}/cancel`);
    expect(canceled.status, show(canceled)).toBe(200);
    expect(canceled.body).toMatchObject({ id: r.id, status: "Canceled", roomId: room.id });
    expect((await u.alice.post(`/meetingroom/reserves/${r.id}/cancel`)).body.status).toBe("Canceled");
    expect((await get(u.alice, `/meetingroom/reserves/${r.id}`)).status).toBe("Canceled");
    await roomShows(u.alice, room.id, "Available");
    expectConflict(await u.alice.post("/meetingroom/conferences", { reserveId: r.id }), /canceled/, "ReserveCanceled");
    // another member may take it now
    await reserve(u.erin, room.id);
    await roomShows(u.alice, room.id, "Reserved");
  });
});

describe("maintenance", () => {
  it("only on a free room; the room cannot be reserved until it ends", async () => {
    clock.set(kst("10:45:00"));
    const room = await addRoom(u.dave);
    const res = await u.dave.post("/meetingroom/maintenances", { roomId: room.id });
    expect(res.status, show(res)).toBe(201);
    const m = res.body;
    expect(m).toMatchObject({ roomId: room.id, status: "Started" });
    expect(m.id).toMatch(ULID);
    expect(res.headers.get("location")).toBe(`/meetingroom/maintenances/${m.id}`);
    const row = await roomShows(u.alice, room.id, "UnderMaintenance");
    expect(row).toMatchObject({ statusLabel: "정비중", maintenanceId: m.id });
    expectConflict(
      await u.alice.post("/meetingroom/reserves", { roomId: room.id }),
      /under maintenance/,
      "UnderMaintenance",
    );
    expectConflict(
      await u.dave.post("/meetingroom/maintenances", { roomId: room.id }),
      /under maintenance/,
      "UnderMaintenance",
    );

    const ended = await u.dave.post(`/meetingroom/maintenances/${m.id}/end`);
    expect(ended.status, show(ended)).toBe(200);
    expect(ended.body).toMatchObject({ id: m.id, status: "Ended" });
    await roomShows(u.alice, room.id, "Available");
    const r = await reserve(u.alice, room.id);

    // a reserved room and a room in a meeting cannot go under maintenance
    expectConflict(await u.dave.post("/meetingroom/maintenances", { roomId: room.id }), /reserved/);
    await startMeeting(u.alice, r.id);
    expectConflict(await u.dave.post("/meetingroom/maintenances", { roomId: room.id }), /meeting/);
    expectError(
      await u.dave.post("/meetingroom/maintenances", { roomId: "7ZZZZZZZZZ0000000000000000" }),
      404,
      "NotFound",
    );
    expect((await get(u.dave, `/meetingroom/maintenances?roomId=${room.id}`)).items).toHaveLength(1);
  });
});

describe("time slots", () => {
  it("outside every slot reservations are refused with 409 naming the rule; 10:00 opens the next slot", async () => {
    const room = await addRoom(u.dave);
    clock.set(kst("09:55:00"));
    expectConflict(
      await u.alice.post("/meetingroom/reserves", { roomId: room.id }),
      /no reservation slot is open/,
      "NoSlotOpen",
    );
    clock.set(kst("07:59:59"));
    expectConflict(
      await u.alice.post("/meetingroom/reserves", { roomId: room.id }),
      /no reservation slot/,
      "NoSlotOpen",
    );
    clock.set(kst("20:00:00"));
    expectConflict(
      await u.alice.post("/meetingroom/reserves", { roomId: room.id }),
      /no reservation slot/,
      "NoSlotOpen",
    );
    clock.set(kst("10:00:00"));
    const r = await reserve(u.alice, room.id);
    expect({ slotStart: r.slotStart, slotEnd: r.slotEnd }).toEqual(SLOT);
    // an unknown room is refused too
    expectConflict(
      await u.alice.post("/meetingroom/reserves", { roomId: "7ZZZZZZZZZ0000000000000000" }),
      /does not exist/,
      "UnknownRoom",
    );
  });

  it("at the slot's end an unused reservation expires and a running meeting ends; the room is free for the next slot", async () => {
    clock.set(kst("11:00:00"));
    const [unused, inUse] = [await addRoom(u.dave), await addRoom(u.dave)];
    const r1 = await reserve(u.alice, unused.id);
    const r2 = await reserve(u.erin, inUse.id);
    const c = await startMeeting(u.erin, r2.id);
    await roomShows(u.alice, unused.id, "Reserved");
    await roomShows(u.alice, inUse.id, "InConference");

    clock.set(kst("11:49:59"));
    await tickNow(); // nothing is due yet
    expect((await get(u.alice, `/meetingroom/reserves/${r1.id}`)).status).toBe("Reserved");
    expect((await get(u.erin, `/meetingroom/conferences/${c.id}`)).status).toBe("Started");

    clock.set(kst("11:50:00"));
    await eventually(
      async () => expect((await get(u.alice, `/meetingroom/reserves/${r1.id}`)).status).toBe("Expired"),
      SETTLE,
    );
    await eventually(
      async () => expect((await get(u.erin, `/meetingroom/conferences/${c.id}`)).status).toBe("Ended"),
      SETTLE,
    );
    await roomShows(u.alice, unused.id, "Available");
    await roomShows(u.alice, inUse.id, "Available");
    expect((await get(u.erin, `/meetingroom/reserves/${r2.id}`)).status).toBe("Used");
    // an expired reservation: no meeting, no cancel
    expectConflict(await u.alice.post("/meetingroom/conferences", { reserveId: r1.id }), /expired/, "ReserveExpired");
    expectConflict(await u.alice.post(`/meetingroom/reserves/${r1.id}/cancel`), /expired/, "ReserveExpired");

    // between slots nobody reserves; at 12:00 the next slot opens for anyone
    expectConflict(
      await u.erin.post("/meetingroom/reserves", { roomId: unused.id }),
      /no reservation slot/,
      "NoSlotOpen",
    );
    clock.set(kst("12:00:00"));
    const next: Json = await reserve(u.erin, unused.id);
    expect(next.slotStart).toBe("2030-03-11T03:00:00.000Z");
    await reserve(u.alice, inUse.id);
  });

  it("roomTables lists every room with ?status= and ?lang=en", async () => {
    clock.set(kst("14:10:00"));
    const [free, taken] = [await addRoom(u.dave), await addRoom(u.dave)];
    await reserve(u.alice, taken.id);
    await roomShows(u.alice, taken.id, "Reserved");
    await roomShows(u.alice, free.id, "Available");
    const all = await get(u.alice, "/meetingroom/roomTables?limit=500");
    expect(all.items.length).toBeGreaterThanOrEqual(2);
    const ids = (rows: Json[]) => rows.map((row) => row.roomId);
    expect(ids(all.items)).toEqual(expect.arrayContaining([free.id, taken.id]));
    const reserved = await get(u.alice, "/meetingroom/roomTables?status=Reserved&lang=en&limit=500");
    expect(ids(reserved.items)).toContain(taken.id);
    expect(ids(reserved.items)).not.toContain(free.id);
    for (const row of reserved.items) expect([row.status, row.statusLabel]).toEqual(["Reserved", "Reserved"]);
    // Rooms of earlier tests may still be expiring (their slot is over on the moved clock):
    // the room list and the room table agree once both have followed the expiry.
    await eventually(async () => {
      const [rooms, table] = await Promise.all([
        get(u.alice, "/meetingroom/rooms?status=Reserved&limit=500"),
        get(u.alice, "/meetingroom/roomTables?status=Reserved&limit=500"),
      ]);
      expect(rooms.items.length).toBe(table.items.length);
    });
  });
});
