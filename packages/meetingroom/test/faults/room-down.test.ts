// The room service is only a follower: with its node killed, reservations,
// cancellations, meeting starts and ends and maintenance go on; when it comes
// back (same node name and folder, as a restarted pod) its statuses catch up
// from the stream, each event applied once.
import { eventually, type SpawnedNode } from "@seed/platform/testing";
import { faultCluster, timed } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
import { type Actors, actors, addRoom, expectError, get, reserve, show, startMeeting } from "../integration/helpers.js";

// one slot covers the whole day; the clock starts in its morning
const cluster = faultCluster({
  env: { MEETINGROOM_SLOTS: "00:00-24:00" },
  /** 10:00 in Seoul on a weekday, running on: the all-day slot does not end during the test, whatever the hour. */
  clockStart: "2030-03-11T01:00:00Z",
  main: { services: "api,meetingroom.reserve,meetingroom.conference,meetingroom.maintenance,meetingroom.schedule" },
  spawned: ["meetingroom.room"],
});
let u: Actors;
beforeAll(async () => {
  u = await actors(cluster.main.url);
});

describe("room down", () => {
  it("everything but the room's own routes works; statuses catch up when it returns", async () => {
    const [held, freed, met] = [await addRoom(u.dave), await addRoom(u.dave), await addRoom(u.dave)];
    const roomNode = cluster.children[0] as SpawnedNode;
    expect((await roomNode.kill("SIGKILL")).signal).toBe("SIGKILL");

    const down = await timed(() => u.alice.get(`/meetingroom/rooms/${held.id}`));
    expectError(down.value, 503, "ServiceUnavailable");
    expect(down.ms).toBeLessThan(2 * cluster.main.config.REQUEST_TIMEOUT_MS);

    // reserve, cancel, start, end and maintenance need no room service
    const r1 = await reserve(u.alice, held.id);
    const r2 = await reserve(u.erin, freed.id);
    const canceled = await u.erin.post(`/meetingroom/reserves/${r2.id}/cancel`);
    expect(canceled.status, show(canceled)).toBe(200);
    const maint = await u.dave.post("/meetingroom/maintenances", { roomId: freed.id });
    expect(maint.status, show(maint)).toBe(201);
    const r3 = await reserve(u.alice, met.id);
    const c = await startMeeting(u.alice, r3.id);
    const ended = await u.alice.post(`/meetingroom/conferences/${c.id}/end`);
    expect(ended.status, show(ended)).toBe(200);
    expect(ended.body.status).toBe("Ended");

    const expected: Record<string, string> = {
      [held.id]: "Reserved",
      [freed.id]: "UnderMaintenance",
      [met.id]: "Available",
    };
    await eventually(async () => {
      for (const [id, status] of Object.entries(expected))
        expect((await get(u.dave, `/meetingroom/roomTables/${id}`)).status).toBe(status);
    });
    expect((await get(u.alice, `/meetingroom/reserves/${r1.id}`)).status).toBe("Reserved");

    // back with its folder: it resumes where it stopped and applies what it missed
    await cluster.spawn("meetingroom.room", {
      env: { NODE_ID: roomNode.env.NODE_ID ?? "", DATA_DIR: roomNode.env.DATA_DIR ?? "" },
    });
    await eventually(
      async () => {
        for (const [id, status] of Object.entries(expected)) {
          const res = await u.dave.get(`/meetingroom/rooms/${id}`);
          expect(res.status, show(res)).toBe(200);
          expect(res.body.status).toBe(status);
        }
      },
      { timeout: 15_000, interval: 100 },
    );
    // and keeps following
    const ok = await u.dave.post(`/meetingroom/maintenances/${maint.body.id}/end`);
    expect(ok.status, show(ok)).toBe(200);
    await eventually(async () =>
      expect((await get(u.dave, `/meetingroom/rooms/${freed.id}`)).status).toBe("Available"),
    );
    const list = await get(u.dave, "/meetingroom/rooms?limit=500");
    expect(list.items.length).toBe(3);
  });
});
