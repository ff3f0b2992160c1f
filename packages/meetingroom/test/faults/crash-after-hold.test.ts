// A maintenance and a meeting's start take the room on its holding first and
// are stored after. Here the node that stores them really dies in between:
// started with a crash point on its call to meetingroom.reserve, it is
// SIGKILLed the moment the room is held. Then:
//   - the room shows what its holding answers (정비중 / 회의중) and nobody else
//     can take it;
//   - a retry with the same Idempotency-Key within the store window completes
//     the maintenance or meeting, whose hold is never released;
//   - without a retry, the hold is released once MEETINGROOM_RECONCILE_AFTER_MS
//     has passed (two reserve replicas reconciling, counted in the stream), the
//     room is Available and reservable, and a late retry stores nothing.
import { eventually, retriedWhileUnavailable, type SpawnedNode } from "@seed/platform/testing";
import { faultCluster } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  actors,
  addRoom,
  expectError,
  get,
  type Json,
  reserve,
  roomShows,
  show,
  storedEvents,
} from "../integration/helpers.js";

// Far wider than spawning a node on a loaded machine takes: the test moves the
// shared clock past it instead of waiting it out.
const RECONCILE_AFTER_MS = 10 * 60_000;

// two reserve replicas reconcile at the same time; maintenances and meetings live only in children
const cluster = faultCluster({
  env: { MEETINGROOM_SLOTS: "00:00-24:00", MEETINGROOM_RECONCILE_AFTER_MS: RECONCILE_AFTER_MS },
  // 10:00 in Seoul: the all-day slot is hours from its end, whatever the hour the test runs at
  clockStart: "2030-03-11T01:00:00Z",
  main: { services: "api,meetingroom.room,meetingroom.reserve,meetingroom.schedule" },
  spawned: ["meetingroom.reserve"],
});
let u: Actors;
beforeAll(async () => {
  u = await actors(cluster.main.url);
});

type Kind = "maintenance" | "conference";
const SERVICE: Record<Kind, string> = { maintenance: "meetingroom.maintenance", conference: "meetingroom.conference" };
const HOLD_CALL: Record<Kind, string> = {
  maintenance: "meetingroom.reserve.holdForMaintenance",
  conference: "meetingroom.reserve.checkUser",
};

/** A node of one kind; `dieAfterHold` arms a crash point right after its call to reserve answers. */
const nodeOf = (kind: Kind, dieAfterHold: boolean): Promise<SpawnedNode> =>
  cluster.spawn(SERVICE[kind], {
    nodeId: `meetingroom-${kind}`, // a restarted pod takes the dead one's place
    ...(dieAfterHold ? { faults: { killAfterCall: HOLD_CALL[kind] } } : {}),
  });

/** Both reserve replicas reconcile now, on the moved clock. */
const pastTheWait = () => cluster.advance(RECONCILE_AFTER_MS + 1000, ["meetingroom.reserve"]);

const startMaintenance = (roomId: string, key: string) =>
  u.dave.post("/meetingroom/maintenances", { roomId }, { headers: { "Idempotency-Key": key } });
const startConference = (reserveId: string, key: string) =>
  u.alice.post("/meetingroom/conferences", { reserveId }, { headers: { "Idempotency-Key": key } });

/** Sends `request` to an armed node of `kind`: it dies once the room is held, the client gets a 503. */
async function crashAfterHold(kind: Kind, request: () => ReturnType<typeof startMaintenance>): Promise<void> {
  const node = await nodeOf(kind, true);
  const res = await request();
  expectError(res, 503, "ServiceUnavailable");
  expect((await node.kill("SIGKILL")).signal, `the ${kind} node was killed after the hold`).toBe("SIGKILL");
}

const releasesOf = async (field: "maintenanceId" | "reserveId", id: string) =>
  (await storedEvents(cluster.main)).filter(
    (e) => e.type === "HoldReleased" && (e.data as Record<string, string>)[field] === id,
  ).length;

describe("the maintenance or conference node dies right after the room was held", () => {
  it("a keyed retry within the window completes it; without a retry the hold is released once", async () => {
    const [mAbandoned, mRetried, cAbandoned, cRetried] = await Promise.all(
      Array.from({ length: 4 }, () => addRoom(u.dave)),
    );
    const [rAbandoned, rRetried] = [await reserve(u.alice, cAbandoned.id), await reserve(u.alice, cRetried.id)];

    // maintenances: both held, neither stored; the room shows 정비중 and nobody else can take it
    await crashAfterHold("maintenance", () => startMaintenance(mAbandoned.id, "m-abandoned"));
    const heldRow = await roomShows(u.erin, mAbandoned.id, "UnderMaintenance");
    const abandonedMaintenanceId: string = heldRow.maintenanceId;
    expectError(await u.erin.post("/meetingroom/reserves", { roomId: mAbandoned.id }), 409, "Conflict");
    await crashAfterHold("maintenance", () => startMaintenance(mRetried.id, "m-retried"));
    await nodeOf("maintenance", false);
    expect((await get(u.dave, `/meetingroom/maintenances?roomId=${mAbandoned.id}`)).items.length).toBe(0);
    const retriedMaintenance = await retriedWhileUnavailable(() => startMaintenance(mRetried.id, "m-retried"));
    expect(retriedMaintenance.status, show(retriedMaintenance)).toBe(201);

    // meetings: both reservations used, neither meeting stored; the room shows 회의중
    await crashAfterHold("conference", () => startConference(rAbandoned.id, "c-abandoned"));
    await roomShows(u.erin, cAbandoned.id, "InConference");
    expectError(await u.erin.post("/meetingroom/reserves", { roomId: cAbandoned.id }), 409, "Conflict");
    await crashAfterHold("conference", () => startConference(rRetried.id, "c-retried"));
    await nodeOf("conference", false);
    expect((await get(u.alice, `/meetingroom/conferences?reserveId=${rAbandoned.id}`)).items.length).toBe(0);
    const retriedMeeting = await retriedWhileUnavailable(() => startConference(rRetried.id, "c-retried"));
    expect(retriedMeeting.status, show(retriedMeeting)).toBe(201);
    expect(retriedMeeting.body).toMatchObject({ reserveId: rRetried.id, status: "Started" });

    // within the wait, both replicas' ticks release nothing
    await cluster.tick("meetingroom.reserve");
    expect(await releasesOf("maintenanceId", abandonedMaintenanceId)).toBe(0);
    expect(await releasesOf("reserveId", rAbandoned.id)).toBe(0);

    // never retried: released once the wait is over, and the rooms can be reserved
    await pastTheWait();
    await eventually(async () => {
      expect((await get(u.erin, `/meetingroom/roomTables/${mAbandoned.id}`)).status).toBe("Available");
      expect((await get(u.erin, `/meetingroom/roomTables/${cAbandoned.id}`)).status).toBe("Available");
    });
    await roomShows(u.erin, mAbandoned.id, "Available");
    await roomShows(u.erin, cAbandoned.id, "Available");
    await reserve(u.erin, mAbandoned.id);
    await reserve(u.erin, cAbandoned.id);

    // late retries are refused and store nothing (a 503 on the loaded machine changed nothing: retried)
    expectError(await retriedWhileUnavailable(() => startMaintenance(mAbandoned.id, "m-abandoned")), 409, "Conflict");
    expect((await get(u.dave, `/meetingroom/maintenances?roomId=${mAbandoned.id}`)).items.length).toBe(0);
    expectError(await retriedWhileUnavailable(() => startConference(rAbandoned.id, "c-abandoned")), 409, "Conflict");
    expect((await get(u.alice, `/meetingroom/conferences?reserveId=${rAbandoned.id}`)).items.length).toBe(0);

    // the completed ones are past their wait too, ticked again on both replicas: still held by their owners
    const lastHold = (await storedEvents(cluster.main)).find(
      (e) => e.type === "ReserveUsed" && (e.data as Json).reserveId === rRetried.id,
    );
    expect(cluster.clock.now()).toBeGreaterThan(Date.parse(lastHold?.occurredAt ?? "") + RECONCILE_AFTER_MS);
    await pastTheWait();
    const mRow = await roomShows(u.erin, mRetried.id, "UnderMaintenance");
    expect(mRow.maintenanceId).toBe(retriedMaintenance.body.id);
    expect((await roomShows(u.erin, cRetried.id, "InConference")).conferenceId).toBe(retriedMeeting.body.id);

    // released exactly once, with two replicas ticking; the completed ones never
    expect(await releasesOf("maintenanceId", abandonedMaintenanceId)).toBe(1);
    expect(await releasesOf("reserveId", rAbandoned.id)).toBe(1);
    expect(await releasesOf("maintenanceId", retriedMaintenance.body.id)).toBe(0);
    expect(await releasesOf("reserveId", rRetried.id)).toBe(0);
  }, 120_000);
});
