// Two replicas of every service with a ticker (reserve: expiry; conference:
// end at slot end) and of the schedule view, on one moved clock: each
// reservation expires once, each meeting ends once, each hold is released
// once — counted in the event stream itself. The roomTables view rebuilt from
// the stream equals the one built live.

import type { EventEnvelope } from "@seed/platform";
import { allHandled, decodeCommit, eventually, startTestNode, type TestNode } from "@seed/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRoom, get, kst, reserve, roomShows, SETTLE, type Stack, startMeeting, useStack } from "./helpers.js";

let s: Stack;
let replica: TestNode;
useStack((started) => {
  s = started;
});

beforeAll(async () => {
  replica = await startTestNode({
    services: "meetingroom.reserve,meetingroom.conference,meetingroom.schedule",
    clock: s.clock,
    config: { NATS_URL: s.nats.url },
  });
  await s.node.node.broker.waitForServices(["meetingroom.reserve", "meetingroom.conference"], 10_000);
}, 30_000);

afterAll(async () => {
  await replica?.stop();
});

/** Every event stored in the meetingroom stream, in order. */
async function storedEvents(): Promise<EventEnvelope[]> {
  const jsm = await s.node.node.runtime.nc.jetstreamManager();
  const last = (await jsm.streams.info("MEETINGROOM")).state.last_seq;
  const events: EventEnvelope[] = [];
  for (let seq = 1; seq <= last; seq++) {
    events.push(...decodeCommit((await jsm.streams.getMessage("MEETINGROOM", { seq })).data));
  }
  return events;
}

const countBy = (events: EventEnvelope[], type: string, key: string) => {
  const counts = new Map<string, number>();
  for (const e of events.filter((x) => x.type === type)) {
    const k = (e.data as Record<string, string>)[key] as string;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
};

describe("tickers on two replicas", () => {
  it("expire each unused reservation and end each running meeting exactly once", async () => {
    const { u, clock } = s;
    clock.set(kst("10:30:00"));
    const rooms = await Promise.all(Array.from({ length: 6 }, () => addRoom(u.dave)));
    const reserves = await Promise.all(rooms.map((r, i) => reserve(i % 2 ? u.erin : u.alice, r.id)));
    const meetings = await Promise.all(
      reserves.slice(3).map((r) => startMeeting(r.userId === u.ids.alice ? u.alice : u.erin, r.id)),
    );
    await Promise.all(rooms.slice(3).map((r) => roomShows(u.dave, r.id, "InConference")));

    clock.set(kst("11:50:00"));
    await eventually(async () => {
      for (const r of reserves.slice(0, 3))
        expect((await get(u.dave, `/meetingroom/reserves/${r.id}`)).status).toBe("Expired");
      for (const c of meetings) expect((await get(u.dave, `/meetingroom/conferences/${c.id}`)).status).toBe("Ended");
    }, SETTLE);
    await Promise.all(rooms.map((r) => roomShows(u.dave, r.id, "Available")));
    // both replicas' tickers run once more, and what they caused is handled: nothing is done twice
    const broker = s.node.node.broker;
    for (const nodeID of [broker.nodeID, replica.node.broker.nodeID])
      for (const service of ["meetingroom.reserve", "meetingroom.conference"])
        await broker.call(`${service}.tick`, {}, { nodeID });
    await allHandled(s.node.node.runtime.nc, "meetingroom", [
      "meetingroom-reserve-conference",
      "meetingroom-reserve-maintenance",
    ]);

    const events = await storedEvents();
    const expired = countBy(events, "ReserveExpired", "reserveId");
    for (const r of reserves.slice(0, 3)) expect(expired.get(r.id), `ReserveExpired of ${r.id}`).toBe(1);
    for (const r of reserves.slice(3)) expect(expired.get(r.id)).toBeUndefined();
    const ended = countBy(events, "ConferenceEnded", "conferenceId");
    for (const c of meetings) expect(ended.get(c.id), `ConferenceEnded of ${c.id}`).toBe(1);
    const released = countBy(events, "HoldReleased", "reserveId");
    for (const r of reserves.slice(3)) expect(released.get(r.id), `HoldReleased of ${r.id}`).toBe(1);
    // no event id twice
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it("roomTables rebuilt from the stream on each replica equals the live one", async () => {
    const { u, clock } = s;
    clock.set(kst("13:10:00"));
    const rooms = await Promise.all(Array.from({ length: 3 }, () => addRoom(u.dave)));
    await reserve(u.alice, rooms[0].id);
    await roomShows(u.dave, rooms[0].id, "Reserved");
    await Promise.all(rooms.slice(1).map((r) => roomShows(u.dave, r.id, "Available")));
    // Other files' nodes write to the same stream while this one runs: their
    // rooms may move on between the two reads. This test's rooms may not, and
    // no row may go missing.
    type Rows = { items: Array<{ roomId: string }> };
    const ours = (page: Rows) => page.items.filter((r) => rooms.some((room) => room.id === r.roomId));
    const ids = (page: Rows) => page.items.map((r) => r.roomId);
    const before = await get(u.dave, "/meetingroom/roomTables?limit=500");
    expect(ours(before).length).toBe(3);
    const broker = s.node.node.broker;
    for (const nodeID of [broker.nodeID, replica.node.broker.nodeID]) {
      await broker.call("meetingroom.schedule.rebuild", {}, { nodeID });
    }
    const after = await eventually(async () => get(s.u.dave, "/meetingroom/roomTables?limit=500"), SETTLE);
    expect(ours(after)).toEqual(ours(before));
    expect(ids(after)).toEqual(expect.arrayContaining(ids(before)));
  });
});
