// Messages are asynchronous (packages/cleaning/README.md "The flow and its rules"): with the message node
// killed, reservations, cleans, reviews and cancels all still work; when it
// comes back it writes every message it missed, once each. Payment is the one
// synchronous dependency of a reservation: with it killed, a reservation is a
// fast 503 with Retry-After and nothing is stored; cancels still go in, and
// the payment node cancels their payments, once, when it is back.
import type { SpawnedNode } from "@seed/platform/testing";
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
  reservationBody,
  reserve,
  review,
  rowWithStatus,
  show,
} from "../integration/helpers.js";

// message and payment live only in the children
const cluster = faultCluster({
  main: { services: "api,cleaning.reservation,cleaning.clean,cleaning.review,cleaning.dashboard" },
  spawned: ["cleaning.message", "cleaning.payment"],
});
const running = (services: string) => cluster.live(services);
let u: Actors;
beforeAll(async () => {
  u = await actors(cluster.main.url);
});

describe("message service down", () => {
  it("everything else keeps working; back, it writes every missed message exactly once", async () => {
    const warmUp = await reserve(u.alice);
    await messagesOf(u.dave, warmUp.id, ["ReservationApplied", "PaymentApproved"]);

    const messageNode = running("cleaning.message") as SpawnedNode;
    expect((await messageNode.kill("SIGKILL")).signal).toBe("SIGKILL");

    // the whole flow goes on, without waiting for messages
    const timeout = cluster.main.config.REQUEST_TIMEOUT_MS;
    const placed = await Promise.all([0, 1, 2].map(() => timed(() => reserve(u.alice))));
    for (const p of placed) expect(p.ms).toBeLessThan(timeout);
    const [reviewed, cleaned, canceled] = placed.map((p) => p.value) as [Json, Json, Json];
    await finishClean(u.carol, reviewed.id);
    await review(u.carol, reviewed.id, "Missed by the message service", 4);
    await finishClean(u.carol, cleaned.id);
    const cancel = await u.alice.post(`/cleaning/cleaningReservations/${canceled.id}/cancel`);
    expect(cancel.status, show(cancel)).toBe(200);
    await rowWithStatus(u.alice, reviewed.id, "ReviewCompleted");
    await rowWithStatus(u.alice, canceled.id, "ReservationCanceled");
    // only the messages themselves are unavailable
    const down = await u.dave.get(`/cleaning/messages?requestId=${reviewed.id}`);
    expectError(down, 503, "ServiceUnavailable");
    expect(Number(down.headers.get("retry-after"))).toBeGreaterThan(0);

    // back under its name with its store: it resumes where it stopped
    await cluster.spawn("cleaning.message", {
      env: {
        NODE_ID: messageNode.env.NODE_ID ?? "",
        DATA_DIR: messageNode.env.DATA_DIR ?? "",
      },
    });
    await messagesOf(u.dave, warmUp.id, ["ReservationApplied", "PaymentApproved"]);
    const messages = await messagesOf(u.dave, reviewed.id, [
      "ReservationApplied",
      "PaymentApproved",
      "CleaningFinished",
      "ReviewCompleted",
    ]);
    expect(messages.find((m) => m.status === "ReviewCompleted")?.content).toBe("Missed by the message service");
    await messagesOf(u.dave, cleaned.id, ["ReservationApplied", "PaymentApproved", "CleaningFinished"]);
    await messagesOf(u.dave, canceled.id, [
      "ReservationApplied",
      "PaymentApproved",
      "ReservationCanceled",
      "PaymentCanceled",
    ]);
  });
});

describe("payment service down", () => {
  it("a reservation is a fast 503 and nothing is stored; cancels go on and their payments are canceled once when payment is back", async () => {
    const timeout = cluster.main.config.REQUEST_TIMEOUT_MS;
    const toCancel = await reserve(u.erin);
    const paymentNode = running("cleaning.payment") as SpawnedNode;
    expect((await paymentNode.kill("SIGKILL")).signal).toBe("SIGKILL");

    const body = reservationBody();
    const down = await timed(() => u.alice.post("/cleaning/cleaningReservations", body));
    expectError(down.value, 503, "ServiceUnavailable");
    expect(Number(down.value.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(down.ms).toBeLessThan(2 * timeout);
    const stored = (await list(u.dave, "/cleaning/cleaningReservations?limit=500")).items;
    expect(stored.filter((r: Json) => r.place === body.place)).toEqual([]);

    // a cancel needs no payment answer: it goes in now
    const cancel = await u.erin.post(`/cleaning/cleaningReservations/${toCancel.id}/cancel`);
    expect(cancel.status, show(cancel)).toBe(200);
    await messagesOf(u.dave, toCancel.id, ["ReservationApplied", "PaymentApproved", "ReservationCanceled"]);

    // payment back: the missed cancel is applied once, and reservations are paid again
    await cluster.spawn("cleaning.payment", { env: { NODE_ID: paymentNode.env.NODE_ID ?? "" } });
    await messagesOf(u.dave, toCancel.id, [
      "ReservationApplied",
      "PaymentApproved",
      "ReservationCanceled",
      "PaymentCanceled",
    ]);
    const again = await u.alice.post("/cleaning/cleaningReservations", reservationBody());
    expect(again.status, show(again)).toBe(201);
    await messagesOf(u.dave, again.body.id, ["ReservationApplied", "PaymentApproved"]);
    // the refused reservation left no trace: no message, no row
    const all = (await list(u.dave, "/cleaning/dashBoardViews?limit=500")).items;
    expect(all.filter((r: Json) => r.place === body.place)).toEqual([]);
  });
});
