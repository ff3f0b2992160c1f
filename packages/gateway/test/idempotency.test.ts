// The idempotency store against the real nats-server: claims, replays,
// conflicts, release after a 5xx and takeover of an abandoned claim.
import { natsUrl } from "@seed/platform/testing";
import { connect, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprint, IdempotencyStore } from "../src/idempotency.js";

let nc: NatsConnection;
let now = 1_000_000;
let store: IdempotencyStore;
const caller = `user:${Math.random().toString(36).slice(2)}`;
const response = { status: 201, headers: { Location: "/x/1" }, body: '{"id":"1"}' };

beforeAll(async () => {
  nc = await connect({ servers: natsUrl() });
  store = new IdempotencyStore(nc, { ttlHours: 1, replicas: 1, leaseMs: 1000 }, () => now);
});
afterAll(async () => {
  await nc?.close();
});

describe("idempotency store", () => {
  it("claims once, then replays the stored response", async () => {
    const print = fingerprint("POST", "/x", {}, { a: 1, b: [1, 2] });
    const first = await store.claim(caller, "k1", print);
    expect(first.outcome).toBe("claimed");
    if (first.outcome !== "claimed") return;
    expect(first.claim.firstSeen).toBe(now);
    await expect(store.claim(caller, "k1", print)).rejects.toMatchObject({ code: 409 });
    await store.complete(first.claim, response);
    // Same body in another key order is the same request.
    const again = await store.claim(caller, "k1", fingerprint("POST", "/x", {}, { b: [1, 2], a: 1 }));
    expect(again).toEqual({ outcome: "replay", response });
    await expect(store.claim(caller, "k1", fingerprint("POST", "/x", {}, { a: 2 }))).rejects.toMatchObject({
      code: 422,
    });
  });

  it("a released claim can be claimed again and keeps its first-seen time", async () => {
    const print = fingerprint("POST", "/y", {}, {});
    const first = await store.claim(caller, "k2", print);
    if (first.outcome !== "claimed") throw new Error("not claimed");
    const seenAt = first.claim.firstSeen;
    await store.release(first.claim);
    now += 10;
    const retry = await store.claim(caller, "k2", print);
    expect(retry).toMatchObject({ outcome: "claimed", claim: { firstSeen: seenAt } });
  });

  it("an abandoned claim is taken over after its lease", async () => {
    const print = fingerprint("POST", "/z", {}, {});
    const first = await store.claim(caller, "k3", print);
    expect(first.outcome).toBe("claimed");
    await expect(store.claim(caller, "k3", print)).rejects.toMatchObject({ code: 409 });
    now += 1500;
    expect((await store.claim(caller, "k3", print)).outcome).toBe("claimed");
  });

  it("keys of different callers never meet", async () => {
    const print = fingerprint("POST", "/w", {}, {});
    expect((await store.claim(`${caller}-a`, "same", print)).outcome).toBe("claimed");
    expect((await store.claim(`${caller}-b`, "same", print)).outcome).toBe("claimed");
  });
});

describe("the window of a key", () => {
  it("is its TTL from when it was first seen: a replay until then, a new request from then on", async () => {
    const print = fingerprint("POST", "/v", {}, { a: 1 });
    const first = await store.claim(caller, "k4", print);
    if (first.outcome !== "claimed") throw new Error("not claimed");
    await store.complete(first.claim, response);
    now += 3_600_000 - 1; // ttlHours: 1
    expect(await store.claim(caller, "k4", print)).toEqual({ outcome: "replay", response });
    const other = fingerprint("POST", "/v", {}, { a: 2 });
    await expect(store.claim(caller, "k4", other)).rejects.toMatchObject({ code: 422 });
    now += 1;
    expect(await store.claim(caller, "k4", other)).toMatchObject({ outcome: "claimed", claim: { firstSeen: now } });
  });
});
