// A maintenance or a meeting's start takes the room on its holding first and
// is stored after. Here the first step is made exactly as the maintenance or
// conference node makes it, and the second never follows (as when that node
// dies in between): the room shows what its holding answers, and after
// MEETINGROOM_RECONCILE_AFTER_MS the hold is released — once, with two reserve
// replicas ticking on one moved clock, counted in the stream. A keyed retry
// within the store window completes the maintenance or meeting instead (never
// released); a retry after it is refused and stores nothing.
import { creationId, type Role, storeWindowMs } from "@seed/platform";
import { startTestNode, type TestNode } from "@seed/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckedReserve, MaintenanceHold } from "../../src/reserve.service.js";
import {
  addRoom,
  expectConflict,
  expectError,
  get,
  type Json,
  kst,
  reserve,
  roomShows,
  type Stack,
  storedEvents,
  useStack,
} from "./helpers.js";

const AFTER_MS = 4000;
const STORE_WINDOW_MS = storeWindowMs(AFTER_MS);
const config = { MEETINGROOM_RECONCILE_AFTER_MS: AFTER_MS };

let s: Stack;
let replica: TestNode;
useStack(
  (started) => {
    s = started;
  },
  "api,meetingroom.*",
  config,
);

beforeAll(async () => {
  replica = await startTestNode({
    services: "meetingroom.reserve",
    clock: s.clock,
    config: { ...config, NATS_URL: s.nats.url },
  });
  await s.node.node.broker.waitForServices(["meetingroom.reserve"], 10_000);
}, 30_000);

afterAll(async () => {
  await replica?.stop();
});

/** Both reserve replicas tick now, side by side, at the clock's current time (each after a tick it was running). */
const bothTicked = () =>
  Promise.all(
    [s.node, replica].map((n) =>
      s.node.node.broker.call("meetingroom.reserve.tick", {}, { nodeID: n.node.broker.nodeID }),
    ),
  );

const call = <T>(action: string, params: object, meta: object = {}) =>
  s.node.node.broker.call<T, object>(action, params, { meta });

/** What the gateway puts in meta for a keyed request of a demo user. */
function keyed(who: "alice" | "dave", key: string) {
  const roles: Role[] = who === "dave" ? ["admin", "manager"] : ["customer", "member"];
  return { user: { id: s.u.ids[who], username: who, roles }, idempotencyKey: key, idempotencyTime: s.clock.now() };
}

const releasesOf = async (field: "maintenanceId" | "reserveId", id: string) =>
  (await storedEvents(s.node)).filter(
    (e) => e.type === "HoldReleased" && (e.data as Record<string, string>)[field] === id,
  ).length;

/** A maintenance's first step only: the room is held for it, the maintenance is not stored. */
async function holdWithoutMaintenance(roomId: string, key: string) {
  const meta = keyed("dave", key);
  const maintenanceId = creationId({ meta }, "maintenance");
  const hold = await call<MaintenanceHold>("meetingroom.reserve.holdForMaintenance", { roomId, maintenanceId });
  expect(hold).toEqual({ roomId, maintenanceId, heldAt: new Date(s.clock.now()).toISOString() });
  return { maintenanceId, retry: () => call<Json>("meetingroom.maintenance.start", { roomId }, meta) };
}

/** A meeting start's first step only: the reservation is used, the meeting is not stored. */
async function useWithoutMeeting(reserveId: string, key: string) {
  const meta = keyed("alice", key);
  const conferenceId = creationId({ meta }, "conference");
  const checked = await call<CheckedReserve>("meetingroom.reserve.checkUser", {
    reserveId,
    userId: s.u.ids.alice,
    conferenceId,
  });
  expect(checked.heldAt).toBe(new Date(s.clock.now()).toISOString());
  return { conferenceId, retry: () => call<Json>("meetingroom.conference.start", { reserveId }, meta) };
}

describe("a hold whose maintenance was never stored", () => {
  it("shows 정비중 while it keeps the room, and is released once after the wait", async () => {
    const { u, clock } = s;
    clock.set(kst("10:30:00"));
    const room = await addRoom(u.dave);
    const { maintenanceId, retry } = await holdWithoutMaintenance(room.id, "m-abandoned");
    const row = await roomShows(u.alice, room.id, "UnderMaintenance");
    expect(row).toMatchObject({ statusLabel: "정비중", maintenanceId });
    expectConflict(await u.alice.post("/meetingroom/reserves", { roomId: room.id }), /under maintenance/);
    expectError(await u.dave.get(`/meetingroom/maintenances/${maintenanceId}`), 404, "NotFound");

    clock.advance(AFTER_MS - 1);
    await bothTicked();
    expect((await get(u.alice, `/meetingroom/roomTables/${room.id}`)).status).toBe("UnderMaintenance");
    expect(await releasesOf("maintenanceId", maintenanceId)).toBe(0);

    clock.advance(1);
    await roomShows(u.alice, room.id, "Available");
    await reserve(u.alice, room.id);
    await bothTicked();
    expect(await releasesOf("maintenanceId", maintenanceId)).toBe(1);
    // its retry now meets the room as it is, and stores nothing
    await expect(retry()).rejects.toMatchObject({ code: 409 });
    expectError(await u.dave.get(`/meetingroom/maintenances/${maintenanceId}`), 404, "NotFound");
  });

  it("a keyed retry within the store window completes the maintenance, which is never released", async () => {
    const { u, clock } = s;
    clock.set(kst("10:40:00"));
    const room = await addRoom(u.dave);
    const { maintenanceId, retry } = await holdWithoutMaintenance(room.id, "m-retried");
    clock.advance(STORE_WINDOW_MS - 1000);
    expect(await retry()).toMatchObject({ id: maintenanceId, roomId: room.id, status: "Started" });

    clock.advance(3 * AFTER_MS);
    await bothTicked();
    expect(await roomShows(u.alice, room.id, "UnderMaintenance")).toMatchObject({ maintenanceId });
    expect(await releasesOf("maintenanceId", maintenanceId)).toBe(0);
    // the same retry again answers the maintenance stored
    expect(await retry()).toMatchObject({ id: maintenanceId, status: "Started" });

    const ended = await u.dave.post(`/meetingroom/maintenances/${maintenanceId}/end`);
    expect(ended.status).toBe(200);
    await roomShows(u.alice, room.id, "Available");
    expect(await releasesOf("maintenanceId", maintenanceId)).toBe(1); // the end's own release
  });

  it("a retry after the store window is refused and stores nothing; the room is released at the wait's end", async () => {
    const { u, clock } = s;
    clock.set(kst("10:50:00"));
    const room = await addRoom(u.dave);
    const { maintenanceId, retry } = await holdWithoutMaintenance(room.id, "m-late");
    clock.advance(STORE_WINDOW_MS);
    await expect(retry()).rejects.toMatchObject({ code: 409, message: expect.stringMatching(/not started in time/) });
    expectError(await u.dave.get(`/meetingroom/maintenances/${maintenanceId}`), 404, "NotFound");
    expect((await get(u.alice, `/meetingroom/roomTables/${room.id}`)).status).toBe("UnderMaintenance");

    clock.advance(AFTER_MS - STORE_WINDOW_MS);
    await roomShows(u.alice, room.id, "Available");
    expectError(await u.dave.get(`/meetingroom/maintenances/${maintenanceId}`), 404, "NotFound");
  });
});

describe("a reservation used by a meeting that was never stored", () => {
  it("shows 회의중 while it keeps the room, is released once after the wait; its retry is refused", async () => {
    const { u, clock } = s;
    clock.set(kst("11:00:00"));
    const room = await addRoom(u.dave);
    const r = await reserve(u.alice, room.id);
    const { conferenceId, retry } = await useWithoutMeeting(r.id, "c-abandoned");
    expect(await roomShows(u.erin, room.id, "InConference")).toMatchObject({ reserveId: r.id, conferenceId });
    expectConflict(await u.alice.post(`/meetingroom/reserves/${r.id}/cancel`), /already started/);
    expectConflict(await u.erin.post("/meetingroom/reserves", { roomId: room.id }), /meeting/);

    clock.advance(AFTER_MS - 1);
    await bothTicked();
    expect((await get(u.erin, `/meetingroom/roomTables/${room.id}`)).status).toBe("InConference");
    expect(await releasesOf("reserveId", r.id)).toBe(0);

    clock.advance(1);
    await roomShows(u.erin, room.id, "Available");
    await reserve(u.erin, room.id);
    await bothTicked();
    expect(await releasesOf("reserveId", r.id)).toBe(1);
    // the reservation was spent by the start that never completed; its retry stores no meeting
    expect((await get(u.alice, `/meetingroom/reserves/${r.id}`)).status).toBe("Used");
    await expect(retry()).rejects.toMatchObject({ code: 409 });
    expectError(await u.alice.get(`/meetingroom/conferences/${conferenceId}`), 404, "NotFound");
    expect((await get(u.erin, `/meetingroom/roomTables/${room.id}`)).status).toBe("Reserved");
  });

  it("a keyed retry within the store window starts the meeting, which keeps the room until it ends", async () => {
    const { u, clock } = s;
    clock.set(kst("11:10:00"));
    const room = await addRoom(u.dave);
    const r = await reserve(u.alice, room.id);
    const { conferenceId, retry } = await useWithoutMeeting(r.id, "c-retried");
    clock.advance(STORE_WINDOW_MS - 1000);
    expect(await retry()).toMatchObject({ id: conferenceId, reserveId: r.id, status: "Started" });

    clock.advance(3 * AFTER_MS);
    await bothTicked();
    expect(await roomShows(u.erin, room.id, "InConference")).toMatchObject({ conferenceId });
    expect(await releasesOf("reserveId", r.id)).toBe(0);

    const ended = await u.alice.post(`/meetingroom/conferences/${conferenceId}/end`);
    expect(ended.status).toBe(200);
    await roomShows(u.erin, room.id, "Available");
    // ended: the same retry answers the meeting as it is, and takes nothing
    expect(await retry()).toMatchObject({ id: conferenceId, status: "Ended" });
    expect(await releasesOf("reserveId", r.id)).toBe(1);
  });

  it("a retry after the store window is refused; the room is released at the wait's end", async () => {
    const { u, clock } = s;
    clock.set(kst("11:20:00"));
    const room = await addRoom(u.dave);
    const r = await reserve(u.alice, room.id);
    const { conferenceId, retry } = await useWithoutMeeting(r.id, "c-late");
    clock.advance(STORE_WINDOW_MS);
    await expect(retry()).rejects.toMatchObject({ code: 409, message: expect.stringMatching(/not started in time/) });
    expectError(await u.alice.get(`/meetingroom/conferences/${conferenceId}`), 404, "NotFound");

    clock.advance(AFTER_MS - STORE_WINDOW_MS);
    await roomShows(u.erin, room.id, "Available");
    expectError(await u.alice.get(`/meetingroom/conferences/${conferenceId}`), 404, "NotFound");
  });

  it("no event id twice in the stream", async () => {
    const events = await storedEvents(s.node);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });
});
