// A review needs a finished cleaning, asked synchronously of cleaning.clean
// (packages/cleaning/README.md "The flow and its rules"). With the clean node slow (stopped with SIGSTOP)
// or killed: 503 + Retry-After within the request timeout and nothing stored;
// after repeated failures the circuit breaker answers at once; once the clean
// service is back and the half-open time has passed, reviews go through.
import type { NatsServer } from "@seed/platform/operations";
import { eventually, type SpawnedNode, spawnNode, startTestNode, type TestNode } from "@seed/platform/testing";
import { clusterEnv, privateNats, timed } from "@seed/platform/testing/faults";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

let nats: NatsServer;
let env: ReturnType<typeof clusterEnv>;
let main: TestNode;
const children: SpawnedNode[] = [];
let u: Actors;

beforeAll(async () => {
  nats = await privateNats();
  env = clusterEnv(nats);
  const [node, clean] = await Promise.all([
    startTestNode({
      services: "api,cleaning.reservation,cleaning.payment,cleaning.review,cleaning.message,cleaning.dashboard",
      config: env,
    }),
    spawnNode({ services: "cleaning.clean", env }),
  ]);
  main = node;
  children.push(clean);
  await main.node.broker.waitForServices(["cleaning.clean"], 10_000);
  u = await actors(main.url);
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.process.signalCode === null && c.process.exitCode === null) c.process.kill("SIGCONT");
  await Promise.all(children.map((c) => c.kill("SIGKILL")));
  await main?.stop();
  await nats?.stop();
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
    const timeout = main.config.REQUEST_TIMEOUT_MS;
    const requests: Json[] = [];
    for (let i = 0; i < 8; i++) requests.push(await reserve(i % 2 ? u.erin : u.alice));
    for (const r of requests) await finishClean(u.carol, r.id);
    await review(u.carol, requests[0].id);
    const cleanNode = children[0] as SpawnedNode;

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
    children.push(
      await spawnNode({ services: "cleaning.clean", env: { ...env, NODE_ID: cleanNode.env.NODE_ID ?? "" } }),
    );
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
