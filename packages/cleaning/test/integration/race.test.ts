// A cancel and a clean of one request fired at the same moment (spec: cancel
// → 409 once the cleaning finished; clean → 409 if the reservation is
// canceled): exactly one of them wins, on any replica, and everything after
// agrees with the winner — the reservation, the clean, the payment, the
// dashboard row and the messages. And a cleaning recorded on the reservation
// whose clean node died before storing its CleaningFinished is completed.
import { newId } from "@seed/platform";
import { eventually, startTestNode, type TestNode } from "@seed/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  actors,
  expectError,
  type Json,
  list,
  messagesOf,
  reserve,
  rowWithStatus,
  SETTLE,
  show,
  startCleaningNode,
} from "./helpers.js";

const ROUNDS = 20;
/** Rounds played at the same time, each with its cancel held back this long. */
// From the cancel well ahead (-40 ms: the clean is held back) to the clean
// well ahead (+40 ms), through the moments where they overlap.
const LAGS_MS = [-40, -4, 0, 4, 40];

let node: TestNode;
let replica: TestNode;
let u: Actors;

beforeAll(async () => {
  // A second replica of the two services that race: calls are balanced over both.
  [node, replica] = await Promise.all([
    startCleaningNode(),
    startTestNode({ services: "cleaning.reservation,cleaning.clean", config: { POLICY_ACK_WAIT_MS: 2000 } }),
  ]);
  u = await actors(node.url);
});

afterAll(async () => {
  await Promise.all([replica?.stop(), node?.stop()]);
});

const paymentOf = (requestId: string) =>
  node.node.broker.call<{ status: string }, { requestId: string }>("cleaning.payment.byRequest", { requestId });

type Winner = "cancel" | "clean";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One round: a fresh reservation, then its cancel and its clean at once. A
 * clean takes one more hop (it asks the reservation), so the cancel is held
 * back by a few milliseconds in some rounds: both orders, and the moments
 * where they overlap, are played.
 */
async function round(cancelLagMs: number): Promise<{ id: string; winner: Winner }> {
  const reservation = await reserve(u.alice);
  const [cancel, clean] = await Promise.all([
    sleep(Math.max(0, cancelLagMs)).then(() => u.alice.post(`/cleaning/cleaningReservations/${reservation.id}/cancel`)),
    sleep(Math.max(0, -cancelLagMs)).then(() =>
      u.carol.post("/cleaning/cleans", { requestId: reservation.id, cleanDate: "20250302" }),
    ),
  ]);
  const statuses = [cancel.status, clean.status];
  expect(statuses, `${show(cancel)} / ${show(clean)}`).toSatisfy(
    (s: number[]) => (s[0] === 200 && s[1] === 409) || (s[0] === 409 && s[1] === 201),
  );
  const loser = cancel.status === 409 ? cancel : clean;
  expectError(loser, 409, "Conflict");
  return { id: reservation.id, winner: cancel.status === 200 ? "cancel" : "clean" };
}

/** Everything the system shows about the request agrees with the winner. */
async function expectConsistent({ id, winner }: { id: string; winner: Winner }) {
  const reservation = (await u.alice.get(`/cleaning/cleaningReservations/${id}`)).body as Json;
  const cleans = await list(u.dave, `/cleaning/cleans?requestId=${id}`);
  if (winner === "cancel") {
    expect(reservation.status).toBe("ReservationCanceled");
    expect(cleans.items.length).toBe(0);
    await rowWithStatus(u.alice, id, "ReservationCanceled");
    await messagesOf(u.dave, id, ["ReservationApplied", "PaymentApproved", "ReservationCanceled", "PaymentCanceled"]);
    expect((await paymentOf(id)).status).toBe("PaymentCanceled");
  } else {
    expect(reservation.status).toBe("ReservationApplied");
    expect(cleans.items.length).toBe(1);
    const row = await rowWithStatus(u.alice, id, "CleaningFinished");
    expect(row.cleanDate).toBe("20250302");
    // exactly these messages: no cancel, no refund
    await messagesOf(u.dave, id, ["ReservationApplied", "PaymentApproved", "CleaningFinished"]);
    expect((await paymentOf(id)).status).toBe("PaymentApproved");
  }
}

describe("a cancel and a clean of one request at the same moment", () => {
  it(`exactly one wins, in each of ${ROUNDS} rounds, and the final state agrees with it`, async () => {
    const outcomes: { id: string; winner: Winner }[] = [];
    for (let done = 0; done < ROUNDS; done += LAGS_MS.length) {
      outcomes.push(...(await Promise.all(LAGS_MS.map(round))));
    }
    expect(outcomes).toHaveLength(ROUNDS);
    // a race that always went one way would test nothing
    expect(outcomes.filter((o) => o.winner === "cancel").length, "cancels that won").toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.winner === "clean").length, "cleans that won").toBeGreaterThan(0);
    await Promise.all(outcomes.map(expectConsistent));
    // the winner stays the winner: the loser's move is still refused afterwards
    const { id, winner } = outcomes[0] as { id: string; winner: Winner };
    const again =
      winner === "cancel"
        ? await u.carol.post("/cleaning/cleans", { requestId: id, cleanDate: "20250303" })
        : await u.alice.post(`/cleaning/cleaningReservations/${id}/cancel`);
    expectError(again, 409, "Conflict");
  }, 60_000);
});

describe("a cleaning recorded on the reservation, its clean node gone before CleaningFinished", () => {
  it("the clean service's policy stores the CleaningFinished, once; the cancel stays refused", async () => {
    const reservation = await reserve(u.erin);
    // what cleaning.clean.finish does first; then, as if its node died, nothing more
    await node.node.broker.call("cleaning.reservation.recordCleaning", {
      requestId: reservation.id,
      cleanDate: "20250304",
      cleanerId: u.ids.carol,
      retry: false,
    });
    const cancel = await u.erin.post(`/cleaning/cleaningReservations/${reservation.id}/cancel`);
    expectError(cancel, 409, "Conflict");
    const clean = await eventually(async () => {
      const page = await list(u.dave, `/cleaning/cleans?requestId=${reservation.id}`);
      expect(page.items.length).toBe(1);
      return page.items[0] as Json;
    }, SETTLE);
    expect(clean).toMatchObject({ requestId: reservation.id, cleanDate: "20250304", cleanerId: u.ids.carol });
    await rowWithStatus(u.erin, reservation.id, "CleaningFinished");
    await messagesOf(u.dave, reservation.id, ["ReservationApplied", "PaymentApproved", "CleaningFinished"]);
    // the cleaner's keyed retry gets that clean; anyone else's clean is 409
    const retry = await u.carol.post(
      "/cleaning/cleans",
      { requestId: reservation.id, cleanDate: "20250304" },
      { headers: { "Idempotency-Key": `clean-${newId()}` } },
    );
    expect([retry.status, retry.body], show(retry)).toEqual([201, clean]);
    expectError(
      await u.carol.post("/cleaning/cleans", { requestId: reservation.id, cleanDate: "20250304" }),
      409,
      "Conflict",
    );
    expect((await paymentOf(reservation.id)).status).toBe("PaymentApproved");
  });
});
