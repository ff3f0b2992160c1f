// A review needs a finished cleaning, asked synchronously of cleaning.clean
// (packages/cleaning/README.md "The flow and its rules"). With the clean node slow (stopped with SIGSTOP)
// or killed: 503 + Retry-After within the request timeout and nothing stored;
// after repeated failures the circuit breaker answers at once; once the clean
// service is back and the half-open time has passed, reviews go through.
import { eventually, type SpawnedNode } from "@seed/platform/testing";
import { faultCluster, timed } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  actors,
  expectError,
  finishClean,
  type Json,
  list,
  messagesOf,
  reserve,
  review,
  rowWithStatus,
  show,
} from "../integration/helpers.js";

const cluster = faultCluster({
  main: {
    services: "api,cleaning.reservation,cleaning.payment,cleaning.review,cleaning.message,cleaning.dashboard",
  },
  spawned: ["cleaning.clean"],
});
let u: Actors;
beforeAll(async () => {
  u = await actors(cluster.main.url);
});

const reviewOf = (requestId: string) =>
  u.carol.post("/cleaning/reviews", { requestId, content: "Tidy and kind", score: 5 });

async function nothingStored(requestId: string): Promise<void> {
  expect((await list(u.dave, `/cleaning/reviews?requestId=${requestId}`)).items.length).toBe(0);
  const row = await rowWithStatus(u.dave, requestId, "CleaningFinished");
  expect(row.content).toBeUndefined();
}

describe("clean service slow or down", () => {
  it("review: fast 503 with Retry-After and nothing stored; the breaker opens; reviews work when clean is back", async () => {
    const timeout = cluster.main.config.REQUEST_TIMEOUT_MS;
    const requests: Json[] = [];
    for (let i = 0; i < 8; i++) requests.push(await reserve(i % 2 ? u.erin : u.alice));
    for (const r of requests) await finishClean(u.carol, r.id);
    await review(u.carol, requests[0].id);
    const cleanNode = cluster.children[0] as SpawnedNode;

    // slow: the clean node stops answering (not gone from the cluster)
    cleanNode.process.kill("SIGSTOP");
    const slow = await timed(() => reviewOf(requests[1].id));
    cleanNode.process.kill("SIGCONT");
    expectError(slow.value, 503, "ServiceUnavailable");
    expect(Number(slow.value.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(slow.ms).toBeLessThan(2 * timeout);
    await nothingStored(requests[1].id);

    // down
    expect((await cleanNode.kill("SIGKILL")).signal).toBe("SIGKILL");
    const failures = await Promise.all(requests.slice(1, 6).map((r) => timed(() => reviewOf(r.id))));
    for (const f of failures) {
      expectError(f.value, 503, "ServiceUnavailable");
      expect(f.value.headers.get("retry-after")).toBeTruthy();
      expect(f.ms).toBeLessThan(2 * timeout);
    }
    // the breaker is open now: answers come at once
    for (const r of requests.slice(1, 6)) {
      const open = await timed(() => reviewOf(r.id));
      expectError(open.value, 503, "ServiceUnavailable");
      expect(open.value.headers.get("retry-after")).toBeTruthy();
      expect(open.ms, "an open breaker answers without waiting").toBeLessThan(timeout / 3);
    }
    for (const r of requests.slice(1)) await nothingStored(r.id);
    await messagesOf(u.dave, requests[1].id, ["ReservationApplied", "PaymentApproved", "CleaningFinished"]);

    // clean back under its name, with a fresh store rebuilt from the log: reviews go through again
    await cluster.spawn("cleaning.clean", { env: { NODE_ID: cleanNode.env.NODE_ID ?? "" } });
    for (const r of requests.slice(1)) {
      const done = await eventually(
        async () => {
          const res = await reviewOf(r.id);
          expect(res.status, show(res)).toBe(201);
          return res.body;
        },
        { timeout: 15_000, interval: 200 },
      );
      expect(done).toMatchObject({ requestId: r.id, status: "ReviewCompleted", cleanerId: u.ids.carol });
    }
    for (const r of requests) {
      expect((await list(u.dave, `/cleaning/reviews?requestId=${r.id}`)).items.length).toBe(1);
      await rowWithStatus(u.dave, r.id, "ReviewCompleted");
    }
    // a second review is still refused
    expectError(await reviewOf(requests[1].id), 409, "Conflict");
  }, 60_000);
});
