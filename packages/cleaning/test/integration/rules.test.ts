// Retries are safe and effects happen once: Idempotency-Key replays, a
// reservation completed by a retry after its payment went through, racing
// cleans and reviews, a redelivered cancel, and views rebuilt equal.
import { type EventEnvelope, idFrom, newId, streamName } from "@seed/platform";
import { eventCounts, eventually, handledUpTo, type TestNode } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import {
  type Actors,
  expectError,
  finishClean,
  list,
  messagesOf,
  reservationBody,
  reserve,
  review,
  rowWithStatus,
  SETTLE,
  show,
  useCleaningNode,
} from "./helpers.js";

let node: TestNode;
let u: Actors;

useCleaningNode((started, users) => {
  node = started;
  u = users;
});

const call = <T>(action: string, params: unknown, meta?: object) =>
  node.node.broker.call<T, unknown>(action, params, meta ? { meta } : {});

describe.concurrent("idempotency", () => {
  it("a reservation repeated with its Idempotency-Key answers the first response and pays once", async () => {
    const key = `reserve-${newId()}`;
    const body = reservationBody();
    const first = await u.alice.post("/cleaning/cleaningReservations", body, { headers: { "Idempotency-Key": key } });
    expect(first.status, show(first)).toBe(201);
    const replay = await u.alice.post("/cleaning/cleaningReservations", body, { headers: { "Idempotency-Key": key } });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get("location")).toBe(first.headers.get("location"));
    // the same key with another body is refused
    const other = await u.alice.post(
      "/cleaning/cleaningReservations",
      { ...body, price: 1 },
      { headers: { "Idempotency-Key": key } },
    );
    expectError(other, 422, "ValidationError");
    const mine = await list(u.dave, "/cleaning/cleaningReservations?limit=500");
    expect(mine.items.filter((r: { place: string }) => r.place === body.place)).toHaveLength(1);
    await messagesOf(u.dave, first.body.id, ["ReservationApplied", "PaymentApproved"]);
  });

  it("a retry after a crash between payment and reservation completes it, with the same id and one payment", async () => {
    const key = `crash-${newId()}`;
    const firstSeen = Date.now();
    const user = { id: u.ids.alice, username: "alice", roles: ["customer", "member"] };
    const meta = { user, idempotencyKey: key, idempotencyTime: firstSeen };
    const requestId = idFrom(`reservation:${u.ids.alice}:${key}`, firstSeen);
    // the first attempt got as far as the payment, then its node died
    await call("cleaning.payment.approve", { requestId, amount: 42_000 });
    // the retry (same key, hence same first-seen time) lands on the same request
    const body = reservationBody({ price: 42_000 });
    const retried = await call<{ id: string; status: string }>("cleaning.reservation.apply", body, meta);
    expect(retried).toMatchObject({ id: requestId, status: "ReservationApplied", customerId: u.ids.alice });
    const again = await call<{ id: string }>("cleaning.reservation.apply", body, meta);
    expect(again).toEqual(retried);
    await messagesOf(u.dave, requestId, ["ReservationApplied", "PaymentApproved"]);
    expect((await u.alice.get(`/cleaning/cleaningReservations/${requestId}`)).body).toEqual(retried);
  });

  it("a clean and a review repeated with their keys answer the first response", async () => {
    const reservation = await reserve(u.alice);
    const key = { headers: { "Idempotency-Key": `clean-${newId()}` } };
    const body = { requestId: reservation.id, cleanDate: "20250305" };
    const first = await u.carol.post("/cleaning/cleans", body, key);
    expect(first.status, show(first)).toBe(201);
    const replay = await u.carol.post("/cleaning/cleans", body, key);
    expect([replay.status, replay.body]).toEqual([201, first.body]);
    const rkey = { headers: { "Idempotency-Key": `review-${newId()}` } };
    const rbody = { requestId: reservation.id, content: "Nice", score: 4 };
    const r1 = await u.carol.post("/cleaning/reviews", rbody, rkey);
    expect(r1.status, show(r1)).toBe(201);
    const r2 = await u.carol.post("/cleaning/reviews", rbody, rkey);
    expect([r2.status, r2.body]).toEqual([201, r1.body]);
    expect((await list(u.dave, `/cleaning/cleans?requestId=${reservation.id}`)).items.length).toBe(1);
    expect((await list(u.dave, `/cleaning/reviews?requestId=${reservation.id}`)).items.length).toBe(1);
  });
});

describe.concurrent("concurrency", () => {
  it("two simultaneous reviews of one request: one 201, one 409", async () => {
    const reservation = await reserve(u.alice);
    await finishClean(u.carol, reservation.id);
    const answers = await Promise.all([
      u.carol.post("/cleaning/reviews", { requestId: reservation.id, content: "First", score: 5 }),
      u.carol.post("/cleaning/reviews", { requestId: reservation.id, content: "Second", score: 2 }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const won = answers.find((a) => a.status === 201)?.body;
    expect((await list(u.dave, `/cleaning/reviews?requestId=${reservation.id}`)).items).toEqual([won]);
    await messagesOf(u.dave, reservation.id, [
      "ReservationApplied",
      "PaymentApproved",
      "CleaningFinished",
      "ReviewCompleted",
    ]);
  });

  it("five simultaneous cleans of one request: one 201, four 409", async () => {
    const reservation = await reserve(u.erin);
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        u.carol.post("/cleaning/cleans", { requestId: reservation.id, cleanDate: `2025030${i + 1}` }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect((await list(u.dave, `/cleaning/cleans?requestId=${reservation.id}`)).items.length).toBe(1);
  });
});

describe("compensation", () => {
  it("a cancel delivered twice cancels the payment once", async () => {
    const reservation = await reserve(u.alice);
    expect((await u.alice.post(`/cleaning/cleaningReservations/${reservation.id}/cancel`)).status).toBe(200);
    await messagesOf(u.dave, reservation.id, [
      "ReservationApplied",
      "PaymentApproved",
      "ReservationCanceled",
      "PaymentCanceled",
    ]);
    // the same cancel once more in the log, as an at-least-once producer may leave it
    const { events } = node.node.runtime;
    const subject = `cleaning.reservation.${reservation.id}`;
    const last = await events.lastSeqOf(streamName("cleaning"), subject);
    const copy: EventEnvelope = {
      id: newId(),
      type: "ReservationCanceled",
      aggregate: "reservation",
      aggregateId: reservation.id,
      correlationId: reservation.id,
      occurredAt: new Date().toISOString(),
      version: 1,
      data: { requestId: reservation.id },
    };
    const copySeq = (await events.appendCommit(subject, [copy], last)).seq;
    // the message service reports every event; the payment was canceled only once
    await messagesOf(u.dave, reservation.id, [
      "ReservationApplied",
      "PaymentApproved",
      "ReservationCanceled",
      "ReservationCanceled",
      "PaymentCanceled",
    ]);
    // the payment policy has handled the copy: a (wrong) second PaymentCanceled would be in the log now
    const { nc } = node.node.runtime;
    await handledUpTo({ nc, system: "cleaning", durable: "cleaning-payment-reservation" }, copySeq, 40_000);
    const cancels = await eventCounts(nc, "cleaning", "cleaning.payment.>", "PaymentCanceled", "requestId");
    expect(cancels.get(reservation.id)).toBe(1);
    const page = await list(u.dave, `/cleaning/messages?requestId=${reservation.id}&status=PaymentCanceled`);
    expect(page.items.length).toBe(1);
    expect(await call("cleaning.payment.byRequest", { requestId: reservation.id })).toMatchObject({
      status: "PaymentCanceled",
    });
    expect((await rowWithStatus(u.alice, reservation.id, "ReservationCanceled")).statusLabel).toBe("예약취소");
  }, 60_000);
});

describe("views", () => {
  it("rebuilding dashBoardViews and messages from the log gives the same rows", async () => {
    const done = await reserve(u.alice);
    await finishClean(u.carol, done.id);
    await review(u.carol, done.id);
    const canceled = await reserve(u.erin);
    expect((await u.erin.post(`/cleaning/cleaningReservations/${canceled.id}/cancel`)).status).toBe(200);
    await rowWithStatus(u.dave, done.id, "ReviewCompleted");
    await eventually(async () => {
      const row = await rowWithStatus(u.dave, canceled.id, "ReservationCanceled");
      expect((await list(u.dave, `/cleaning/messages?requestId=${canceled.id}`)).items.length).toBe(4);
      return row;
    }, SETTLE);

    // Other files' nodes write to the same stream while this one runs: their
    // rows may move on between the two reads. This test's rows may not, and
    // no row may go missing.
    type Rows = { items: Array<{ requestId: string }> };
    const ours = (page: Rows) => page.items.filter((r) => [done.id, canceled.id].includes(r.requestId));
    const ids = (page: Rows) => page.items.map((r) => r.requestId);
    const before = {
      rows: await list(u.dave, "/cleaning/dashBoardViews?limit=500"),
      en: await list(u.dave, "/cleaning/dashBoardViews?limit=500&lang=en"),
      done: await list(u.dave, `/cleaning/messages?requestId=${done.id}`),
      canceled: await list(u.dave, `/cleaning/messages?requestId=${canceled.id}`),
    };
    expect(ours(before.rows).length).toBe(2);
    await call("cleaning.dashboard.rebuild", {});
    await call("cleaning.message.rebuild", {});
    const rows = await list(u.dave, "/cleaning/dashBoardViews?limit=500");
    const en = await list(u.dave, "/cleaning/dashBoardViews?limit=500&lang=en");
    expect(ours(rows)).toEqual(ours(before.rows));
    expect(ours(en)).toEqual(ours(before.en));
    expect(ids(rows)).toEqual(expect.arrayContaining(ids(before.rows)));
    expect(await list(u.dave, `/cleaning/messages?requestId=${done.id}`)).toEqual(before.done);
    expect(await list(u.dave, `/cleaning/messages?requestId=${canceled.id}`)).toEqual(before.canceled);
  });
});
