// Bad input and wrong identity on every route: 422 naming each bad field,
// 401 without a valid token, 403 for the wrong role or another's resource,
// and nothing stored in any of these cases.
import type { ApiClient } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import {
  type Actors,
  expectError,
  expectValidation,
  finishClean,
  list,
  reservationBody,
  reserve,
  useCleaningNode,
} from "./helpers.js";

let u: Actors;

useCleaningNode((_, users) => {
  u = users;
});

const reservationsOf = async (place: string) =>
  (await list(u.dave, "/cleaning/cleaningReservations?limit=500")).items.filter(
    (r: { place: string }) => r.place === place,
  );

describe.concurrent("bad input", () => {
  it("reservation: each bad field is a 422 naming it, and nothing is stored or paid", async () => {
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ requestDate: "2025-03-01" }, ["/requestDate"]],
      [{ requestDate: "20251301" }, ["/requestDate"]],
      [{ requestDate: "20250230" }, ["/requestDate"]], // not a day of the calendar
      [{ requestDate: 20250301 }, ["/requestDate"]],
      [{ place: "" }, ["/place"]],
      [{ place: "x".repeat(501) }, ["/place"]],
      [{ price: -1 }, ["/price"]],
      [{ price: 1.5 }, ["/price"]],
      [{ price: "1000" }, ["/price"]],
      [{ customerName: "" }, ["/customerName"]],
      [{ customerName: "x".repeat(101) }, ["/customerName"]],
      [{ customerId: "someone-else" }, ["/customerId"]], // unknown field: ids come from the token
      [{ status: "ReservationCanceled" }, ["/status"]],
    ];
    for (const [change, paths] of cases) {
      const body = reservationBody(change);
      expectValidation(await u.alice.post("/cleaning/cleaningReservations", body), paths);
      expect(await reservationsOf(body.place as string)).toEqual([]);
    }
    // What the messages say: the format with an example; a day that does not exist names its rule.
    const wrongFormat = await u.alice.post(
      "/cleaning/cleaningReservations",
      reservationBody({ requestDate: "2026-12-13" }),
    );
    expect(wrongFormat.body.details).toEqual([{ path: "/requestDate", message: "must be YYYYMMDD, e.g. 20261213" }]);
    expect(wrongFormat.body).not.toHaveProperty("reason");
    const noSuchDay = await u.alice.post(
      "/cleaning/cleaningReservations",
      reservationBody({ requestDate: "20250230" }),
    );
    expectError(noSuchDay, 422, "ValidationError", "NotACalendarDay");
    const { place: _, ...missing } = reservationBody();
    expectValidation(await u.alice.post("/cleaning/cleaningReservations", missing), ["/place"]);
    expectError(
      await u.alice.request("POST", "/cleaning/cleaningReservations", "{not json", {
        headers: { "content-type": "application/json" },
      }),
      400,
      "BadRequest",
    );
    expectValidation(await u.alice.post("/cleaning/cleaningReservations", [reservationBody()]), ["/"]);
  });

  it("clean and review: each bad field is a 422 naming it, and nothing is stored", async () => {
    const reservation = await reserve(u.alice);
    const cleans: Array<[Record<string, unknown>, string[]]> = [
      [{ requestId: "nope" }, ["/requestId"]],
      [{ cleanDate: "2025032" }, ["/cleanDate"]],
      [{ cleanDate: "20250431" }, ["/cleanDate"]],
      [{ cleanerId: "x" }, ["/cleanerId"]],
    ];
    for (const [change, paths] of cleans) {
      const res = await u.carol.post("/cleaning/cleans", {
        requestId: reservation.id,
        cleanDate: "20250302",
        ...change,
      });
      expectValidation(res, paths);
    }
    expectValidation(await u.carol.post("/cleaning/cleans", { requestId: reservation.id }), ["/cleanDate"]);
    expect((await list(u.dave, `/cleaning/cleans?requestId=${reservation.id}`)).items.length).toBe(0);

    await finishClean(u.carol, reservation.id);
    const reviews: Array<[Record<string, unknown>, string[]]> = [
      [{ content: "" }, ["/content"]],
      [{ content: "x".repeat(2001) }, ["/content"]],
      [{ score: 0 }, ["/score"]],
      [{ score: 6 }, ["/score"]],
      [{ score: 4.5 }, ["/score"]],
      [{ requestId: "short" }, ["/requestId"]],
      [{ cleanerId: "x" }, ["/cleanerId"]],
    ];
    for (const [change, paths] of reviews) {
      const res = await u.carol.post("/cleaning/reviews", {
        requestId: reservation.id,
        content: "ok",
        score: 3,
        ...change,
      });
      expectValidation(res, paths);
    }
    expect((await list(u.dave, `/cleaning/reviews?requestId=${reservation.id}`)).items.length).toBe(0);
    // the longest content there may be is accepted
    const longest = await u.carol.post("/cleaning/reviews", {
      requestId: reservation.id,
      content: "x".repeat(2000),
      score: 1,
    });
    expect(longest.status).toBe(201);
  });

  it("paths and queries: a malformed id in a path is a 404 as an unknown one; a malformed filter is a 422", async () => {
    for (const [who, path] of [
      [u.alice, "/cleaning/cleaningReservations/not-an-id"],
      [u.carol, "/cleaning/cleans/not-an-id"],
      [u.carol, "/cleaning/reviews/not-an-id"],
      [u.alice, "/cleaning/dashBoardViews/not-an-id"],
    ] as const) {
      expectError(await who.get(path), 404, "NotFound");
    }
    expectError(await u.alice.post("/cleaning/cleaningReservations/not-an-id/cancel"), 404, "NotFound");
    expectValidation(await u.dave.get("/cleaning/messages?requestId=x"), ["/requestId"]);
    expectValidation(await u.dave.get("/cleaning/messages?limit=0"), ["/limit"]);
    expectValidation(await u.dave.get("/cleaning/cleaningReservations?status=Paid"), ["/status"]);
    expectValidation(await u.dave.get("/cleaning/cleans?color=red"), ["/color"]);
  });
});

describe.concurrent("identity", () => {
  // The one body every refused POST sends: its place is what "nothing stored" looks for.
  const refusedBody = reservationBody();
  const routes: Array<[string, string, unknown?]> = [
    ["POST", "/cleaning/cleaningReservations", refusedBody],
    ["GET", "/cleaning/cleaningReservations"],
    ["GET", "/cleaning/cleaningReservations/01JD0000000000000000000000"],
    ["POST", "/cleaning/cleaningReservations/01JD0000000000000000000000/cancel"],
    ["POST", "/cleaning/cleans", { requestId: "01JD0000000000000000000000", cleanDate: "20250302" }],
    ["GET", "/cleaning/cleans"],
    ["GET", "/cleaning/cleans/01JD0000000000000000000000"],
    ["POST", "/cleaning/reviews", { requestId: "01JD0000000000000000000000", content: "x", score: 3 }],
    ["GET", "/cleaning/reviews"],
    ["GET", "/cleaning/reviews/01JD0000000000000000000000"],
    ["GET", "/cleaning/messages"],
    ["GET", "/cleaning/dashBoardViews"],
    ["GET", "/cleaning/dashBoardViews/01JD0000000000000000000000"],
  ];

  it("every route answers 401 without a token or with a bad one", async () => {
    for (const [method, path, body] of routes) {
      expectError(await u.anon.request(method, path, body), 401, "Unauthorized");
      expectError(await u.anon.request(method, path, body, { token: "not.a.token" }), 401, "Unauthorized");
    }
    expect(await reservationsOf(refusedBody.place)).toEqual([]);
  });

  it("every route refuses the roles the spec does not name (403), storing nothing", async () => {
    const forbidden: Array<[ApiClient, string, string, unknown?]> = [
      [u.carol, "POST", "/cleaning/cleaningReservations", refusedBody],
      [u.dave, "POST", "/cleaning/cleaningReservations", refusedBody],
      [u.bob, "POST", "/cleaning/cleaningReservations", refusedBody],
      [u.bob, "GET", "/cleaning/cleaningReservations"],
      [u.bob, "GET", "/cleaning/cleaningReservations/01JD0000000000000000000000"],
      [u.alice, "POST", "/cleaning/cleans", { requestId: "01JD0000000000000000000000", cleanDate: "20250302" }],
      [u.dave, "POST", "/cleaning/cleans", { requestId: "01JD0000000000000000000000", cleanDate: "20250302" }],
      [u.alice, "GET", "/cleaning/cleans"],
      [u.erin, "GET", "/cleaning/cleans/01JD0000000000000000000000"],
      [u.alice, "POST", "/cleaning/reviews", { requestId: "01JD0000000000000000000000", content: "x", score: 3 }],
      [u.dave, "POST", "/cleaning/reviews", { requestId: "01JD0000000000000000000000", content: "x", score: 3 }],
      [u.alice, "GET", "/cleaning/messages"],
      [u.bob, "GET", "/cleaning/messages"],
      [u.bob, "GET", "/cleaning/dashBoardViews"],
    ];
    for (const [who, method, path, body] of forbidden) {
      expectError(await who.request(method, path, body), 403, "Forbidden");
    }
    expect(await reservationsOf(refusedBody.place)).toEqual([]);
  });

  it("only the owner cancels, even after the cleaning: 403 for everyone else, nothing changes", async () => {
    const reservation = await reserve(u.erin);
    await finishClean(u.carol, reservation.id);
    for (const who of [u.alice, u.carol, u.dave]) {
      expectError(await who.post(`/cleaning/cleaningReservations/${reservation.id}/cancel`), 403, "Forbidden");
    }
    expect((await u.erin.get(`/cleaning/cleaningReservations/${reservation.id}`)).body.status).toBe(
      "ReservationApplied",
    );
  });
});
