// A reservation is paid first, then stored. Here the reservation node really
// dies in between: started with a crash point on its payment call, it is
// SIGKILLed right after the payment was approved. Then:
//   - the client's retry with the same Idempotency-Key within
//     CLEANING_RECONCILE_AFTER_MS completes the same reservation with the same
//     payment, which is never canceled;
//   - without a retry, the payment is canceled (PaymentCanceled) once after
//     the wait, with two payment replicas reconciling, and a retry after that
//     is refused (409): no reservation is stored without its payment.
import { eventually, type FaultPlan, retriedWhileUnavailable, type SpawnedNode } from "@seed/platform/testing";
import { faultCluster } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
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

// Far wider than spawning a node on a loaded machine takes: the test moves the
// shared clock past it instead of waiting it out.
const RECONCILE_AFTER_MS = 10 * 60_000;

// two payment replicas reconcile at the same time; the reservation lives only in a child
const cluster = faultCluster({
  env: { CLEANING_RECONCILE_AFTER_MS: RECONCILE_AFTER_MS },
  main: { services: "api,cleaning.payment,cleaning.message,cleaning.dashboard" },
  spawned: ["cleaning.payment"],
});
let u: Actors;
beforeAll(async () => {
  u = await actors(cluster.main.url);
});

/** A reservation node; every incarnation takes the place of the one before in the registry. */
const reservationNode = (faults?: FaultPlan): Promise<SpawnedNode> =>
  cluster.spawn("cleaning.reservation", { nodeId: "cleaning-reservation", ...(faults ? { faults } : {}) });

/** A reservation node that dies right after the payment of the next reservation. */
const doomedReservationNode = () => reservationNode({ killAfterCall: "cleaning.payment.approve" });
const healthyReservationNode = () => reservationNode();

/** The shared clock moved on to `at` (where it already is, if later), and both payment replicas reconcile there. */
async function reconcileAt(at: number): Promise<void> {
  await cluster.advance(Math.max(0, at - cluster.clock.now()));
  expect(await cluster.tick("cleaning.payment"), "payment replicas that reconciled").toBe(2);
}

const paymentOf = (requestId: string) =>
  cluster.main.node.broker.call<{ status: string; amount: number; createdAt: string }, { requestId: string }>(
    "cleaning.payment.byRequest",
    {
      requestId,
    },
  );

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

/** The client's retry with its key, sent again while it is answered 503. */
const keyedRetry = (body: object, key: string) =>
  retriedWhileUnavailable(() =>
    u.alice.post("/cleaning/cleaningReservations", body, { headers: { "Idempotency-Key": key } }),
  );

describe("the reservation node dies between the payment and the reservation", () => {
  it("a keyed retry within the wait completes it (no refund); without a retry the payment is canceled once", async () => {
    // 1. abandoned: paid, never stored, never retried in time
    const abandonedBody = reservationBody();
    const abandoned = await reserveAndCrash(await doomedReservationNode(), abandonedBody, "abandoned-1");
    expect(await paymentOf(abandoned)).toMatchObject({ status: "PaymentApproved", amount: 50_000 });
    const abandonedPaidAt = Date.parse((await paymentOf(abandoned)).createdAt);

    // 2. retried: paid, the node dies, the client retries with its key on a healthy node
    const retriedBody = reservationBody({ price: 61_000 });
    const retried = await reserveAndCrash(await doomedReservationNode(), retriedBody, "retried-1");
    await healthyReservationNode();
    const retry = await keyedRetry(retriedBody, "retried-1");
    expect(retry.status, show(retry)).toBe(201);
    expect(retry.body).toMatchObject({ id: retried, status: "ReservationApplied", price: 61_000 });

    // not before its wait is over: both replicas reconcile now and cancel nothing
    await reconcileAt(abandonedPaidAt + RECONCILE_AFTER_MS - 1000);
    expect(await paymentOf(abandoned)).toMatchObject({ status: "PaymentApproved" });
    // the abandoned payment is canceled once its wait is over — once, with two replicas ticking
    await reconcileAt(abandonedPaidAt + RECONCILE_AFTER_MS + 1);
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
    await reconcileAt(paidAt + RECONCILE_AFTER_MS + 1);
    expect(cluster.clock.now()).toBeGreaterThan(paidAt + RECONCILE_AFTER_MS);
    expect(await paymentOf(retried)).toMatchObject({ status: "PaymentApproved", amount: 61_000 });
    await messagesOf(u.dave, retried, ["ReservationApplied", "PaymentApproved"]);
    // and still exactly one cancellation of the abandoned one, after more ticks on both replicas
    await messagesOf(u.dave, abandoned, ["PaymentApproved", "PaymentCanceled"]);
  }, 60_000);
});
