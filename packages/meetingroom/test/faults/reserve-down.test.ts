// meetingroom.reserve is the synchronous authority for meeting starts and
// maintenance: with its node killed they answer 503 + Retry-After fast and
// store nothing. A meeting still ends without it, and the room's hold is
// released once when reserve returns and reads the ConferenceEnded it missed.
import type { EventEnvelope } from "@seed/platform";
import { decodeCommit, eventually, type SpawnedNode } from "@seed/platform/testing";
import { faultCluster, timed } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
import { type Actors, actors, addRoom, expectError, get, reserve, show, startMeeting } from "../integration/helpers.js";

// one slot covers the whole day; the clock starts in its morning
const cluster = faultCluster({
  env: { MEETINGROOM_SLOTS: "00:00-24:00" },
  /** 10:00 in Seoul on a weekday, running on: the all-day slot does not end during the test, whatever the hour. */
  clockStart: "2030-03-11T01:00:00Z",
  main: { services: "api,meetingroom.room,meetingroom.conference,meetingroom.maintenance,meetingroom.schedule" },
  spawned: ["meetingroom.reserve"],
});
let u: Actors;
beforeAll(async () => {
  u = await actors(cluster.main.url);
});

async function storedEvents(): Promise<EventEnvelope[]> {
  const jsm = await cluster.main.node.runtime.nc.jetstreamManager();
  const last = (await jsm.streams.info("MEETINGROOM")).state.last_seq;
  const events: EventEnvelope[] = [];
  for (let seq = 1; seq <= last; seq++)
    events.push(...decodeCommit((await jsm.streams.getMessage("MEETINGROOM", { seq })).data));
  return events;
}

describe("reserve down", () => {
  it("meeting start and maintenance answer 503 fast and store nothing; a meeting still ends", async () => {
    const timeout = cluster.main.config.REQUEST_TIMEOUT_MS;
    const [reserved, free, meeting] = [await addRoom(u.dave), await addRoom(u.dave), await addRoom(u.dave)];
    const r = await reserve(u.alice, reserved.id);
    const rm = await reserve(u.erin, meeting.id);
    const c = await startMeeting(u.erin, rm.id);

    const reserveNode = cluster.children[0] as SpawnedNode;
    expect((await reserveNode.kill("SIGKILL")).signal).toBe("SIGKILL");

    const start = await timed(() => u.alice.post("/meetingroom/conferences", { reserveId: r.id }));
    expectError(start.value, 503, "ServiceUnavailable");
    expect(start.ms).toBeLessThan(2 * timeout);
    const maintDown = await timed(() => u.dave.post("/meetingroom/maintenances", { roomId: free.id }));
    expectError(maintDown.value, 503, "ServiceUnavailable");
    expect(maintDown.ms).toBeLessThan(2 * timeout);
    expectError(await u.alice.post("/meetingroom/reserves", { roomId: free.id }), 503, "ServiceUnavailable");
    // nothing stored
    expect((await get(u.dave, `/meetingroom/conferences?reserveId=${r.id}`)).items.length).toBe(0);
    expect((await get(u.dave, `/meetingroom/maintenances?roomId=${free.id}`)).items.length).toBe(0);
    expect((await get(u.dave, `/meetingroom/roomTables/${free.id}`)).status).toBe("Available");
    expect((await get(u.dave, `/meetingroom/roomTables/${reserved.id}`)).status).toBe("Reserved");

    // the meeting ends without reserve
    const ended = await u.erin.post(`/meetingroom/conferences/${c.id}/end`);
    expect(ended.status, show(ended)).toBe(200);
    expect(ended.body.status).toBe("Ended");
    await eventually(async () =>
      expect((await get(u.dave, `/meetingroom/rooms/${meeting.id}`)).status).toBe("Available"),
    );

    // reserve returns (same name and folder) and catches up: the hold of the ended meeting is released once
    await cluster.spawn("meetingroom.reserve", {
      env: { NODE_ID: reserveNode.env.NODE_ID ?? "", DATA_DIR: reserveNode.env.DATA_DIR ?? "" },
    });
    const again = await eventually(
      async () => {
        const res = await u.alice.post("/meetingroom/reserves", { roomId: meeting.id });
        expect(res.status, show(res)).toBe(201);
        return res.body;
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(again.roomId).toBe(meeting.id);
    const started = await eventually(
      async () => {
        const res = await u.alice.post("/meetingroom/conferences", { reserveId: r.id });
        expect(res.status, show(res)).toBe(201);
        return res.body;
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(started.status).toBe("Started");
    const maint = await u.dave.post("/meetingroom/maintenances", { roomId: free.id });
    expect(maint.status, show(maint)).toBe(201);

    const events = await storedEvents();
    const released = events.filter(
      (e) => e.type === "HoldReleased" && (e.data as { reserveId?: string }).reserveId === rm.id,
    );
    expect(released).toHaveLength(1);
    expect(events.filter((e) => e.type === "ConferenceEnded")).toHaveLength(1);
  });
});
