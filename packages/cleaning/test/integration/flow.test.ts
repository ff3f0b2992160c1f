// The cleaning flow end to end over HTTP (packages/cleaning/README.md): reserve (paid at
// once) → clean → review, with a message per state change and the dashboard
// row following; and its exits: cancel (payment canceled once), cleans and
// reviews the rules refuse, and who may see what.
import { eventually, type TestNode } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import {
  type Actors,
  CLEAN_KEYS,
  expectError,
  finishClean,
  ISO_UTC,
  KOREAN_LABELS,
  list,
  messagesOf,
  RESERVATION_KEYS,
  REVIEW_KEYS,
  reserve,
  review,
  rowWithStatus,
  SETTLE,
  show,
  ULID,
  unknownId,
  useCleaningNode,
} from "./helpers.js";

let node: TestNode;
let u: Actors;

useCleaningNode((started, users) => {
  node = started;
  u = users;
});

const paymentOf = (requestId: string) =>
  node.node.broker.call<{ status: string; amount: number; id: string }, { requestId: string }>(
    "cleaning.payment.byRequest",
    { requestId },
  );

describe.concurrent("cleaning flow", () => {
  it("reserve → clean → review: every answer, message and dashboard step as the spec says", async () => {
    const res = await u.alice.post("/cleaning/cleaningReservations", {
      requestDate: "20250301",
      place: "Seoul, Mapo-gu 7",
      price: 55_000,
      customerName: "Alice Kim",
    });
    expect(res.status, show(res)).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const reservation = res.body;
    expect(Object.keys(reservation).sort()).toEqual(RESERVATION_KEYS);
    expect(reservation).toMatchObject({
      id: expect.stringMatching(ULID),
      requestDate: "20250301",
      place: "Seoul, Mapo-gu 7",
      price: 55_000,
      customerName: "Alice Kim",
      customerId: u.ids.alice,
      status: "ReservationApplied",
      createdAt: expect.stringMatching(ISO_UTC),
      updatedAt: expect.stringMatching(ISO_UTC),
    });
    const location = new URL(res.headers.get("location") ?? "", node.url).pathname;
    expect(location).toBe(`/cleaning/cleaningReservations/${reservation.id}`);
    const again = await u.alice.get(location);
    expect(again.status, show(again)).toBe(200);
    expect(again.body).toEqual(reservation);
    // paid synchronously, with the reservation's price
    expect(await paymentOf(reservation.id)).toMatchObject({ status: "PaymentApproved", amount: 55_000 });

    const row = await rowWithStatus(u.alice, reservation.id, "PaymentApproved");
    expect(row).toEqual({
      requestId: reservation.id,
      customerName: "Alice Kim",
      place: "Seoul, Mapo-gu 7",
      requestDate: "20250301",
      price: 55_000,
      status: "PaymentApproved",
      statusLabel: KOREAN_LABELS.PaymentApproved,
      // the payment is approved before the reservation is stored
      history: [
        { status: "PaymentApproved", at: expect.stringMatching(ISO_UTC) },
        { status: "ReservationApplied", at: reservation.createdAt },
      ],
      updatedAt: expect.stringMatching(ISO_UTC),
    });

    // carol cleans it
    const cleanRes = await u.carol.post("/cleaning/cleans", { requestId: reservation.id, cleanDate: "20250302" });
    expect(cleanRes.status, show(cleanRes)).toBe(201);
    const clean = cleanRes.body;
    expect(Object.keys(clean).sort()).toEqual(CLEAN_KEYS);
    expect(clean).toMatchObject({
      id: expect.stringMatching(ULID),
      requestId: reservation.id,
      cleanDate: "20250302",
      cleanerId: u.ids.carol,
      status: "CleaningFinished",
    });
    expect(new URL(cleanRes.headers.get("location") ?? "", node.url).pathname).toBe(`/cleaning/cleans/${clean.id}`);
    expect((await u.dave.get(`/cleaning/cleans/${clean.id}`)).body).toEqual(clean);
    const cleaned = await rowWithStatus(u.alice, reservation.id, "CleaningFinished");
    expect(cleaned).toMatchObject({ statusLabel: "청소완료", cleanDate: "20250302" });

    // and reviews the customer
    const reviewRes = await u.carol.post("/cleaning/reviews", {
      requestId: reservation.id,
      content: "Kind customer, tidy home",
      score: 5,
    });
    expect(reviewRes.status, show(reviewRes)).toBe(201);
    const rev = reviewRes.body;
    expect(Object.keys(rev).sort()).toEqual(REVIEW_KEYS);
    expect(rev).toMatchObject({
      id: expect.stringMatching(ULID),
      requestId: reservation.id,
      content: "Kind customer, tidy home",
      score: 5,
      cleanerId: u.ids.carol,
      status: "ReviewCompleted",
    });
    expect(new URL(reviewRes.headers.get("location") ?? "", node.url).pathname).toBe(`/cleaning/reviews/${rev.id}`);
    // reviews are open to any signed-in user
    expect((await u.erin.get(`/cleaning/reviews/${rev.id}`)).body).toEqual(rev);
    expect((await list(u.bob, `/cleaning/reviews?requestId=${reservation.id}`)).items).toEqual([rev]);

    const done = await rowWithStatus(u.alice, reservation.id, "ReviewCompleted");
    expect(done).toEqual({
      requestId: reservation.id,
      customerName: "Alice Kim",
      place: "Seoul, Mapo-gu 7",
      requestDate: "20250301",
      price: 55_000,
      status: "ReviewCompleted",
      statusLabel: "리뷰완료",
      history: [...row.history, { status: "CleaningFinished", at: clean.createdAt }, expect.anything()],
      cleanDate: "20250302",
      content: "Kind customer, tidy home",
      score: 5,
      updatedAt: expect.stringMatching(ISO_UTC),
    });
    expect(done.history[3]).toEqual({ status: "ReviewCompleted", at: done.updatedAt });
    const en = await u.alice.get(`/cleaning/dashBoardViews/${reservation.id}?lang=en`);
    expect(en.status, show(en)).toBe(200);
    expect(en.body).toEqual({ ...done, statusLabel: "Review completed" });

    // a message per state change, the review's content passed on
    const messages = await messagesOf(u.dave, reservation.id, [
      "ReservationApplied",
      "PaymentApproved",
      "CleaningFinished",
      "ReviewCompleted",
    ]);
    for (const m of messages) {
      expect(m).toMatchObject({ id: expect.stringMatching(ULID), requestId: reservation.id });
      expect(m.createdAt).toMatch(ISO_UTC);
      const keys =
        m.status === "ReviewCompleted"
          ? ["content", "createdAt", "id", "requestId", "status"]
          : ["createdAt", "id", "requestId", "status"];
      expect(Object.keys(m).sort()).toEqual(keys);
    }
    expect(messages.find((m) => m.status === "ReviewCompleted")?.content).toBe("Kind customer, tidy home");
    expect(
      (await list(u.carol, `/cleaning/messages?requestId=${reservation.id}&status=ReviewCompleted`)).items.length,
    ).toBe(1);

    // finished: the customer can no longer cancel
    expectError(
      await u.alice.post(`/cleaning/cleaningReservations/${reservation.id}/cancel`),
      409,
      "Conflict",
      "CleaningFinished",
    );
    expect((await u.alice.get(location)).body.status).toBe("ReservationApplied");
    expect((await paymentOf(reservation.id)).status).toBe("PaymentApproved");
  });

  it("cancel: 예약취소, the payment is canceled once, no clean and no review afterwards", async () => {
    const reservation = await reserve(u.erin, { price: 30_000 });
    const canceled = await u.erin.post(`/cleaning/cleaningReservations/${reservation.id}/cancel`);
    expect(canceled.status, show(canceled)).toBe(200);
    expect(Object.keys(canceled.body).sort()).toEqual(RESERVATION_KEYS);
    expect(canceled.body).toMatchObject({ id: reservation.id, status: "ReservationCanceled" });
    // canceling again is harmless
    const twice = await u.erin.post(`/cleaning/cleaningReservations/${reservation.id}/cancel`);
    expect(twice.status, show(twice)).toBe(200);
    expect(twice.body).toEqual(canceled.body);

    await eventually(async () => expect((await paymentOf(reservation.id)).status).toBe("PaymentCanceled"), SETTLE);
    const row = await rowWithStatus(u.erin, reservation.id, "ReservationCanceled");
    expect(row.statusLabel).toBe("예약취소");

    expectError(
      await u.carol.post("/cleaning/cleans", { requestId: reservation.id, cleanDate: "20250302" }),
      409,
      "Conflict",
    );
    expectError(
      await u.carol.post("/cleaning/reviews", { requestId: reservation.id, content: "x", score: 3 }),
      409,
      "Conflict",
    );
    await messagesOf(u.dave, reservation.id, [
      "ReservationApplied",
      "PaymentApproved",
      "ReservationCanceled",
      "PaymentCanceled",
    ]);
    expect((await list(u.dave, `/cleaning/cleans?requestId=${reservation.id}`)).items.length).toBe(0);
  });

  it("clean: 409 for an unknown reservation and for a second clean; nothing stored", async () => {
    const ghost = unknownId();
    const unknown = await u.carol.post("/cleaning/cleans", { requestId: ghost, cleanDate: "20250302" });
    expectError(unknown, 409, "Conflict", "ReservationUnknown");
    expect((await list(u.dave, `/cleaning/cleans?requestId=${ghost}`)).items.length).toBe(0);

    const reservation = await reserve(u.alice);
    // known at once: the clean service catches its copy up with the stream before it decides
    const clean = await finishClean(u.carol, reservation.id);
    const second = await u.carol.post("/cleaning/cleans", { requestId: reservation.id, cleanDate: "20250303" });
    expectError(second, 409, "Conflict", "AlreadyCleaned");
    const cleans = await list(u.dave, `/cleaning/cleans?requestId=${reservation.id}`);
    expect(cleans.items).toEqual([clean]);
  });

  it("review: 409 before the cleaning is finished and for a second review; nothing stored", async () => {
    const reservation = await reserve(u.alice);
    const early = await u.carol.post("/cleaning/reviews", { requestId: reservation.id, content: "Early", score: 4 });
    expectError(early, 409, "Conflict", "CleaningNotFinished");
    expect((await list(u.dave, `/cleaning/reviews?requestId=${reservation.id}`)).items.length).toBe(0);
    expectError(
      await u.carol.post("/cleaning/reviews", { requestId: unknownId(), content: "Nobody", score: 4 }),
      409,
      "Conflict",
    );

    await finishClean(u.carol, reservation.id);
    const first = await review(u.carol, reservation.id, "Fine", 4);
    const second = await u.carol.post("/cleaning/reviews", { requestId: reservation.id, content: "Again", score: 1 });
    expectError(second, 409, "Conflict", "AlreadyReviewed");
    expect((await list(u.dave, `/cleaning/reviews?requestId=${reservation.id}`)).items).toEqual([first]);
  });

  it("who sees what: owner, cleaner and admin see a reservation and its row; another customer gets 403", async () => {
    const reservation = await reserve(u.alice);
    const path = `/cleaning/cleaningReservations/${reservation.id}`;
    for (const who of [u.alice, u.carol, u.dave]) expect((await who.get(path)).body).toEqual(reservation);
    expectError(await u.erin.get(path), 403, "Forbidden", "NotOwner");
    expectError(await u.bob.get(path), 403, "Forbidden", "RoleRequired"); // a seller has no business here
    expectError(await u.anon.get(path), 401, "Unauthorized");
    expectError(await u.alice.get(`/cleaning/cleaningReservations/${unknownId()}`), 404, "NotFound");

    // lists: a customer sees their own, staff see all
    const mine = await list(u.alice, `/cleaning/cleaningReservations?limit=500`);
    expect(mine.items.every((r: { customerId: string }) => r.customerId === u.ids.alice)).toBe(true);
    expect(mine.items.some((r: { id: string }) => r.id === reservation.id)).toBe(true);
    const erins = await list(u.erin, `/cleaning/cleaningReservations?limit=500`);
    expect(erins.items.some((r: { id: string }) => r.id === reservation.id)).toBe(false);
    const all = await list(u.dave, `/cleaning/cleaningReservations?limit=500&status=ReservationApplied`);
    expect(all.items.some((r: { id: string }) => r.id === reservation.id)).toBe(true);
    expect(all.items.every((r: { status: string }) => r.status === "ReservationApplied")).toBe(true);

    const row = await rowWithStatus(u.alice, reservation.id, "PaymentApproved");
    expect((await u.carol.get(`/cleaning/dashBoardViews/${reservation.id}`)).body).toEqual(row);
    expectError(await u.erin.get(`/cleaning/dashBoardViews/${reservation.id}`), 403, "Forbidden");
    expectError(await u.alice.get(`/cleaning/dashBoardViews/${unknownId()}`), 404, "NotFound");
    const erinRows = await list(u.erin, "/cleaning/dashBoardViews?limit=500");
    expect(erinRows.items.some((r: { requestId: string }) => r.requestId === reservation.id)).toBe(false);
    const paid = await list(u.dave, "/cleaning/dashBoardViews?limit=500&status=PaymentApproved&lang=en");
    const mineEn = paid.items.find((r: { requestId: string }) => r.requestId === reservation.id);
    expect(mineEn?.statusLabel).toBe("Payment approved");

    // only the owner cancels, not even an admin
    for (const who of [u.erin, u.carol, u.dave]) {
      expectError(await who.post(`/cleaning/cleaningReservations/${reservation.id}/cancel`), 403, "Forbidden");
    }
    expect((await u.alice.get(path)).body.status).toBe("ReservationApplied");

    // roles on the other routes
    expectError(
      await u.alice.post("/cleaning/cleans", { requestId: reservation.id, cleanDate: "20250302" }),
      403,
      "Forbidden",
    );
    expectError(
      await u.dave.post("/cleaning/cleans", { requestId: reservation.id, cleanDate: "20250302" }),
      403,
      "Forbidden",
    );
    expectError(await u.alice.get("/cleaning/cleans"), 403, "Forbidden");
    expectError(await u.alice.get("/cleaning/messages"), 403, "Forbidden");
    expectError(
      await u.carol.post("/cleaning/cleaningReservations", {
        requestDate: "20250301",
        place: "x",
        price: 1,
        customerName: "y",
      }),
      403,
      "Forbidden",
    );
    expect((await list(u.dave, `/cleaning/cleans?requestId=${reservation.id}`)).items.length).toBe(0);
  });
});
