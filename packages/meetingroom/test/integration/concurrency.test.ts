// The holding rules under concurrency, with two replicas of meetingroom.reserve
// (the gateway spreads the requests over both): of 50 members reserving one
// free room at once exactly one wins; a maintenance racing a reservation never
// lets both win.
import { startTestNode, type TestNode } from "@seed/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  addRoom,
  expectConflict,
  get,
  member,
  roomShows,
  type Stack,
  show,
  uniqueName,
  useStack,
} from "./helpers.js";

let s: Stack;
let u: Actors;
let replica: TestNode;
useStack((started) => {
  s = started;
  u = started.u;
});

beforeAll(async () => {
  replica = await startTestNode({
    services: "meetingroom.reserve",
    clock: s.clock,
    config: { NATS_URL: s.nats.url },
  });
  await s.node.node.broker.waitForServices(["meetingroom.reserve"], 10_000);
}, 30_000);

afterAll(async () => {
  await replica?.stop();
});

describe("one holder per room per slot", () => {
  it("50 members reserve one free room at once: exactly one 201, 49 × 409", async () => {
    const room = await addRoom(u.dave);
    const members = Array.from({ length: 50 }, (_, i) => member(s.node.url, `${uniqueName("member")}-${i}`));
    const results = await Promise.all(members.map((m) => m.post("/meetingroom/reserves", { roomId: room.id })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((x) => x === 201).length, statuses.join(",")).toBe(1);
    expect(
      statuses.filter((x) => x === 409).length,
      results
        .filter((r) => r.status !== 409 && r.status !== 201)
        .map(show)
        .join("\n"),
    ).toBe(49);
    for (const r of results) if (r.status === 409) expectConflict(r, /already reserved/, "RoomReserved");
    const winner = results.find((r) => r.status === 201)?.body;
    const list = await get(u.dave, `/meetingroom/reserves?roomId=${room.id}`);
    expect(list.items.length).toBe(1);
    expect(list.items[0]).toMatchObject({ id: winner.id, userId: winner.userId, status: "Reserved" });
    const row = await roomShows(u.dave, room.id, "Reserved");
    expect(row.reserveId).toBe(winner.id);
  });

  it("a maintenance racing a reservation, 15 rounds: exactly one wins each time, never both", async () => {
    for (let round = 0; round < 15; round++) {
      const room = await addRoom(u.dave);
      const [reserved, maint] = await Promise.all([
        u.alice.post("/meetingroom/reserves", { roomId: room.id }),
        new Promise((r) => setTimeout(r, round % 4)).then(() =>
          u.dave.post("/meetingroom/maintenances", { roomId: room.id }),
        ),
      ]);
      const pair = `reserve ${show(reserved)} / maintenance ${show(maint)}`;
      expect([reserved.status, maint.status].sort(), pair).toEqual([201, 409]);
      const reserves = await get(u.dave, `/meetingroom/reserves?roomId=${room.id}&status=Reserved`);
      const maints = await get(u.dave, `/meetingroom/maintenances?roomId=${room.id}`);
      expect(reserves.items.length + maints.items.length, pair).toBe(1);
      await roomShows(u.dave, room.id, reserved.status === 201 ? "Reserved" : "UnderMaintenance");
    }
  });
});
