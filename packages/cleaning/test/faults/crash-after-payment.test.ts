// A reservation is paid first, then stored. Here the reservation node really
// dies in between: started with a crash point on its payment call, it is
// SIGKILLed right after the payment was approved. Then:
//   - the client's retry with the same Idempotency-Key within
//     CLEANING_RECONCILE_AFTER_MS completes the same reservation with the same
//     payment, which is never canceled;
//   - without a retry, the payment is canceled (PaymentCanceled) once after
//     the wait, with two payment replicas reconciling, and a retry after that
//     is refused (409): no reservation is stored without its payment.

import type { NatsServer } from "@seed/platform/operations";
import {
  eventually,
  type FaultPlan,
  ManualClock,
  type SpawnedNode,
  spawnNode,
  startTestNode,
  type TestNode,
} from "@seed/platform/testing";
import { clusterEnv, privateNats } from "@seed/platform/testing/faults";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  actors,
  expectError,
  type Json,
  list,
  messagesOf,
  reservationBody,
  show,
} from "../integration/helpers.js";

const RECONCILE_AFTER_MS = 8000; // the retry below comes a few seconds after its payment
/** The services' clock: the test moves it past the wait instead of waiting. */
const clock = new ManualClock();

let nats: NatsServer;
let env: ReturnType<typeof clusterEnv> & { CLEANING_RECONCILE_AFTER_MS: number };
let main: TestNode;
let paymentReplica: TestNode;
const children: SpawnedNode[] = [];
let u: Actors;
/** The reservation node's id: every incarnation takes the place of the one before in the registry. */
let reservationNodeId = "";

async function spawn(services: string, faults?: FaultPlan): Promise<SpawnedNode> {
  const child = await spawnNode({
    services,
    env: {
      ...env,
      ...(reservationNodeId && services === "cleaning.reservation" ? { NODE_ID: reservationNodeId } : {}),
    },
    clockStart: clock.now(),
    ...(faults ? { faults } : {}),
  });
  children.push(child);
  return child;
}

/** A reservation node that dies right after the payment of the next reservation. */
async function doomedReservationNode(): Promise<SpawnedNode> {
  const child = await spawn("cleaning.reservation", { killAfterCall: "cleaning.payment.approve" });
  reservationNodeId = child.env.NODE_ID ?? "";
  await main.node.broker.waitForServices(["cleaning.reservation"], 10_000);
  return child;
}

async function healthyReservationNode(): Promise<SpawnedNode> {
  const child = await spawn("cleaning.reservation");
  await main.node.broker.waitForServices(["cleaning.reservation"], 10_000);
  return child;
}

const paymentOf = (requestId: string) =>
  main.node.broker.call<{ status: string; amount: number; createdAt: string }, { requestId: string }>(
    "cleaning.payment.byRequest",
    {
      requestId,
    },
  );

/** Both payment replicas run their reconciliation now, on the moved clock. */
async function tickBothReplicas(): Promise<void> {
  for (const node of [main, paymentReplica])
    await main.node.broker.call("cleaning.payment.tick", {}, { nodeID: node.node.broker.nodeID });
}

/** Request ids whose payment was approved: the only trace of a reservation that never got stored. */
const paidRequests = async (): Promise<string[]> =>
  (await list(u.dave, "/cleaning/messages?status=PaymentApproved&limit=500")).items.map((m: Json) => m.requestId);

/** Posts the reservation; its node dies after paying, so the answer is a 503 (nothing was acknowledged). */
async function reserveAndCrash(node: SpawnedNode, body: object, key: string): Promise<string> {
  const before = await paidRequests();
  const res = await u.alice.post("/cleaning/cleaningReservations", body, { headers: { "Idempotency-Key": key } });
  expectError(res, 503, "ServiceUnavailable");
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  expect((await node.kill("SIGKILL")).signal).toBe("SIGKILL"); // already dead by its own hand
  const paid = await eventually(async () => {
    const now = (await paidRequests()).filter((id) => !before.includes(id));
    expect(now).toHaveLength(1);
    return now[0] as string;
  });
  return paid;
}

/**
 * The client's retry with its key, as a client does it: a 503 says "nothing
 * was done, try again" (a restarted node is found by the gateway a moment
 * after it is ready), so it is sent again until a real answer comes.
 */
async function keyedRetry(body: object, key: string) {
  return eventually(
    async () => {
      const res = await u.alice.post("/cleaning/cleaningReservations", body, { headers: { "Idempotency-Key": key } });
      expect(res.status, show(res)).not.toBe(503);
      return res;
    },
    { timeout: 10_000, interval: 250 },
  );
}

beforeAll(async () => {
  nats = await privateNats();
  env = { ...clusterEnv(nats), CLEANING_RECONCILE_AFTER_MS: RECONCILE_AFTER_MS };
  // two payment replicas reconcile at the same time; the reservation lives only in a child
  [main, paymentReplica] = await Promise.all([
    startTestNode({ services: "api,cleaning.payment,cleaning.message,cleaning.dashboard", config: env, clock }),
    startTestNode({ services: "cleaning.payment", config: env, clock }),
  ]);
  u = await actors(main.url);
}, 60_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.kill("SIGKILL")));
  await paymentReplica?.stop();
  await main?.stop();
  await nats?.stop();
});

describe("the reservation node dies between the payment and the reservation", () => {
  it("a keyed retry within the wait completes it (no refund); without a retry the payment is canceled once", async () => {
    // 1. abandoned: paid, never stored, never retried in time
    const abandonedBody = reservationBody();
    const abandoned = await reserveAndCrash(await doomedReservationNode(), abandonedBody, "abandoned-1");
    expect(await paymentOf(abandoned)).toMatchObject({ status: "PaymentApproved", amount: 50_000 });

    // 2. retried: paid, the node dies, the client retries with its key on a healthy node
    const retriedBody = reservationBody({ price: 61_000 });
    const retried = await reserveAndCrash(await doomedReservationNode(), retriedBody, "retried-1");
    await healthyReservationNode();
    const retry = await keyedRetry(retriedBody, "retried-1");
    expect(retry.status, show(retry)).toBe(201);
    expect(retry.body).toMatchObject({ id: retried, status: "ReservationApplied", price: 61_000 });

    // not before its wait is over: both replicas reconcile now and cancel nothing
    clock.advance(RECONCILE_AFTER_MS - 1000);
    await tickBothReplicas();
    expect(await paymentOf(abandoned)).toMatchObject({ status: "PaymentApproved" });
    // the abandoned payment is canceled once its wait is over — once, with two replicas ticking
    clock.advance(1001);
    await tickBothReplicas();
    await eventually(async () => expect((await paymentOf(abandoned)).status).toBe("PaymentCanceled"));
    await messagesOf(u.dave, abandoned, ["PaymentApproved", "PaymentCanceled"]);
    // its request never shows: no reservation, no row
    expectError(await u.alice.get(`/cleaning/dashBoardViews/${abandoned}`), 404, "NotFound");

    // a retry after the refund is refused, and stores nothing
    const late = await keyedRetry(abandonedBody, "abandoned-1");
    expectError(late, 409, "Conflict");
    expect(late.body.message).toMatch(/canceled/);
    const stored = (await list(u.dave, "/cleaning/cleaningReservations?limit=500")).items;
    expect(stored.filter((r: Json) => r.place === (abandonedBody as { place: string }).place)).toEqual([]);

    // the retried request's wait is over too: its payment stands, after more ticks on both replicas
    const paidAt = Date.parse((await paymentOf(retried)).createdAt);
    expect(clock.now()).toBeGreaterThan(paidAt + RECONCILE_AFTER_MS);
    await tickBothReplicas();
    expect(await paymentOf(retried)).toMatchObject({ status: "PaymentApproved", amount: 61_000 });
    await messagesOf(u.dave, retried, ["ReservationApplied", "PaymentApproved"]);
    // and still exactly one cancellation of the abandoned one, after more ticks on both replicas
    await messagesOf(u.dave, abandoned, ["PaymentApproved", "PaymentCanceled"]);
  }, 60_000);
});
