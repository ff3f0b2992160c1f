// Bad input and wrong identity on every route: 422 / 401 / 403 / 404, and
// nothing stored.
import { describe, expect, it } from "vitest";
import {
  type Actors,
  addRoom,
  expectError,
  expectValidation,
  get,
  reserve,
  signJwt,
  startMeeting,
  unknownId,
  useStack,
} from "./helpers.js";

let u: Actors;
useStack((started) => {
  u = started.u;
});

const ROUTES: Array<[string, string]> = [
  ["POST", "/meetingroom/rooms"],
  ["GET", "/meetingroom/rooms"],
  ["GET", `/meetingroom/rooms/${unknownId()}`],
  ["POST", "/meetingroom/reserves"],
  ["GET", "/meetingroom/reserves"],
  ["GET", `/meetingroom/reserves/${unknownId()}`],
  ["POST", `/meetingroom/reserves/${unknownId()}/cancel`],
  ["POST", "/meetingroom/conferences"],
  ["POST", `/meetingroom/conferences/${unknownId()}/end`],
  ["POST", "/meetingroom/maintenances"],
  ["POST", `/meetingroom/maintenances/${unknownId()}/end`],
  ["GET", "/meetingroom/roomTables"],
  ["GET", `/meetingroom/roomTables/${unknownId()}`],
];

describe("identity", () => {
  it("every route needs a valid token: 401 without, with a forged one, with an expired one", async () => {
    const forged = signJwt(
      { sub: "x", roles: ["admin"], exp: Math.floor(Date.now() / 1000) + 60 },
      "wrong-secret-0123456789",
    );
    const expired = signJwt({ sub: "x", roles: ["admin"], exp: Math.floor(Date.now() / 1000) - 60 });
    for (const [method, path] of ROUTES) {
      for (const token of [null, forged, expired, "not-a-jwt"]) {
        const res = await u.anon.request(method, path, method === "POST" ? {} : undefined, { token });
        expectError(res, 401, "Unauthorized");
      }
    }
  });

  it("roles: members reserve and start meetings, admins add rooms and run maintenance", async () => {
    const room = await addRoom(u.dave);
    expectError(await u.alice.post("/meetingroom/rooms", { name: "mine" }), 403, "Forbidden", "RoleRequired");
    expectError(await u.bob.post("/meetingroom/reserves", { roomId: room.id }), 403, "Forbidden");
    expectError(await u.dave.post("/meetingroom/reserves", { roomId: room.id }), 403, "Forbidden");
    expectError(await u.bob.post("/meetingroom/conferences", { reserveId: unknownId() }), 403, "Forbidden");
    expectError(await u.alice.post("/meetingroom/maintenances", { roomId: room.id }), 403, "Forbidden");
    expectError(await u.alice.post(`/meetingroom/maintenances/${unknownId()}/end`), 403, "Forbidden");
    expectError(await u.alice.get("/meetingroom/maintenances"), 403, "Forbidden");
    // nothing was stored
    expect((await get(u.dave, `/meetingroom/reserves?roomId=${room.id}`)).items.length).toBe(0);
    expect((await get(u.dave, `/meetingroom/maintenances?roomId=${room.id}`)).items.length).toBe(0);
    expect((await get(u.dave, `/meetingroom/rooms/${room.id}`)).status).toBe("Available");
    const names = (await get(u.dave, "/meetingroom/rooms?limit=500")).items.map((r: { name: string }) => r.name);
    expect(names).not.toContain("mine");
  });

  it("owners: another member can neither read, cancel, start nor end what is not theirs", async () => {
    const room = await addRoom(u.dave);
    const r = await reserve(u.alice, room.id);
    expectError(await u.erin.get(`/meetingroom/reserves/${r.id}`), 403, "Forbidden");
    expectError(await u.erin.post(`/meetingroom/reserves/${r.id}/cancel`), 403, "Forbidden");
    expectError(await u.dave.post(`/meetingroom/reserves/${r.id}/cancel`), 403, "Forbidden");
    expectError(await u.erin.post("/meetingroom/conferences", { reserveId: r.id }), 403, "Forbidden");
    expect((await get(u.alice, `/meetingroom/reserves/${r.id}`)).status).toBe("Reserved");
    expect((await get(u.dave, `/meetingroom/conferences?reserveId=${r.id}`)).items.length).toBe(0);
    const c = await startMeeting(u.alice, r.id);
    expectError(await u.erin.post(`/meetingroom/conferences/${c.id}/end`), 403, "Forbidden");
    expectError(await u.erin.get(`/meetingroom/conferences/${c.id}`), 403, "Forbidden");
    expect((await get(u.alice, `/meetingroom/conferences/${c.id}`)).status).toBe("Started");
  });
});

describe("bad input: 422 naming each field, nothing stored", () => {
  it("rooms", async () => {
    const before = (await get(u.dave, "/meetingroom/rooms")).items.length;
    expectValidation(await u.dave.post("/meetingroom/rooms", {}), ["/name"]);
    expectValidation(await u.dave.post("/meetingroom/rooms", { name: "" }), ["/name"]);
    expectValidation(await u.dave.post("/meetingroom/rooms", { name: "x".repeat(201) }), ["/name"]);
    expectValidation(await u.dave.post("/meetingroom/rooms", { name: "A", capacity: 0 }), ["/capacity"]);
    expectValidation(await u.dave.post("/meetingroom/rooms", { name: "A", capacity: 2.5 }), ["/capacity"]);
    expectValidation(await u.dave.post("/meetingroom/rooms", { name: "A", capacity: "8" }), ["/capacity"]);
    expectValidation(await u.dave.post("/meetingroom/rooms", { name: "A", id: unknownId() }), ["/id"]);
    expectValidation(await u.dave.post("/meetingroom/rooms", { name: 5, status: "Reserved" }), ["/name", "/status"]);
    expectError(await u.dave.post("/meetingroom/rooms", "{not json"), 400, "BadRequest");
    expectValidation(await u.dave.get("/meetingroom/rooms?status=Busy"), ["/status"]);
    expectValidation(await u.dave.get("/meetingroom/rooms?limit=0"), ["/limit"]);
    expectError(await u.dave.get("/meetingroom/rooms/not-an-id"), 404, "NotFound"); // cannot be an id: nothing there
    expect((await get(u.dave, "/meetingroom/rooms")).items.length).toBe(before);
  });

  it("reserves, conferences, maintenances, roomTables", async () => {
    const room = await addRoom(u.dave);
    expectValidation(await u.alice.post("/meetingroom/reserves", {}), ["/roomId"]);
    const notAnId = await u.alice.post("/meetingroom/reserves", { roomId: "room-1" });
    expectValidation(notAnId, ["/roomId"]);
    expect(notAnId.body.details[0].message).toBe("must be a 26-character id");
    expectValidation(await u.alice.post("/meetingroom/reserves", { roomId: room.id, userId: "erin" }), ["/userId"]);
    expectError(await u.alice.post("/meetingroom/reserves/nope/cancel"), 404, "NotFound"); // cannot be an id: nothing there
    expectValidation(await u.alice.get("/meetingroom/reserves?status=Gone"), ["/status"]);
    expectError(await u.alice.get("/meetingroom/reserves/nope"), 404, "NotFound"); // cannot be an id: nothing there
    expectValidation(await u.alice.post("/meetingroom/conferences", {}), ["/reserveId"]);
    expectValidation(await u.alice.post("/meetingroom/conferences", { reserveId: room.id, roomId: room.id }), [
      "/roomId",
    ]);
    expectError(await u.alice.post("/meetingroom/conferences/nope/end"), 404, "NotFound"); // cannot be an id: nothing there
    expectValidation(await u.dave.post("/meetingroom/maintenances", { roomId: 7 }), ["/roomId"]);
    expectValidation(await u.dave.post("/meetingroom/maintenances", { roomId: room.id, until: "x" }), ["/until"]);
    expectError(await u.dave.post("/meetingroom/maintenances/nope/end"), 404, "NotFound"); // cannot be an id: nothing there
    expectValidation(await u.alice.get("/meetingroom/roomTables?status=Open"), ["/status"]);
    expectValidation(await u.alice.get("/meetingroom/roomTables?lang=fr"), ["/lang"]);
    expectError(await u.alice.get("/meetingroom/roomTables/nope"), 404, "NotFound"); // cannot be an id: nothing there
    // unknown ids
    expectError(await u.alice.post(`/meetingroom/reserves/${unknownId()}/cancel`), 404, "NotFound");
    expectError(await u.alice.get(`/meetingroom/reserves/${unknownId()}`), 404, "NotFound");
    expectError(await u.alice.post("/meetingroom/conferences", { reserveId: unknownId() }), 404, "NotFound");
    expectError(await u.alice.post(`/meetingroom/conferences/${unknownId()}/end`), 404, "NotFound");
    expectError(await u.dave.post(`/meetingroom/maintenances/${unknownId()}/end`), 404, "NotFound");
    // nothing was stored
    expect((await get(u.dave, `/meetingroom/reserves?roomId=${room.id}`)).items.length).toBe(0);
    expect((await get(u.dave, `/meetingroom/maintenances?roomId=${room.id}`)).items.length).toBe(0);
    expect((await get(u.dave, `/meetingroom/conferences?roomId=${room.id}`)).items.length).toBe(0);
    expect((await get(u.dave, `/meetingroom/rooms/${room.id}`)).status).toBe("Available");
  });

  it("an Idempotency-Key makes a repeated reservation answer the first time again", async () => {
    const room = await addRoom(u.dave);
    const headers = { "Idempotency-Key": `reserve-${room.id}` };
    const first = await u.alice.post("/meetingroom/reserves", { roomId: room.id }, { headers });
    const again = await u.alice.post("/meetingroom/reserves", { roomId: room.id }, { headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await get(u.dave, `/meetingroom/reserves?roomId=${room.id}`)).items.length).toBe(1);
  });
});
