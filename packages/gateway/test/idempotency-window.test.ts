// The 24-hour window of an Idempotency-Key through the gateway, on the
// services' clock: the same key and body answer the first response until 24
// hours after the key was first seen, and from then on are a new request.
import { type ApiClient, api, ManualClock, startTestNode, type TestNode } from "@seed/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const HOUR = 3_600_000;
let node: TestNode;
let bob: ApiClient;
const clock = new ManualClock(Date.parse("2030-03-11T01:00:00Z"));

beforeAll(async () => {
  node = await startTestNode({
    services: "api,mall.product",
    clock,
    config: { RATE_LIMIT_PER_MINUTE: 0 },
    notWaitedFor: ["api routes"], // every route it is asked is served here; the warm-up would wait 3 s for the other systems' routes
  });
  bob = api(node.url);
  await bob.login("bob");
});
afterAll(async () => {
  await node?.stop();
});

describe("Idempotency-Key window", () => {
  it("24 hours of replays from the first request, then the key is new again", async () => {
    const key = `window-${Math.random().toString(36).slice(2)}`;
    const body = { name: `window-${key}`, price: 1000, qty: 3 };
    const post = (b: object) => bob.post("/mall/products", b, { headers: { "Idempotency-Key": key } });

    const first = await post(body);
    expect(first.status).toBe(201);
    clock.advance(24 * HOUR - 1000);
    const replay = await post(body);
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    expect((await post({ ...body, qty: 4 })).status).toBe(422);

    clock.advance(1000);
    const fresh = await post(body);
    expect(fresh.status).toBe(201);
    expect(fresh.body.id).not.toBe(first.body.id);
    // the new request opened a window of its own
    expect((await post(body)).body.id).toBe(fresh.body.id);
  });
});
