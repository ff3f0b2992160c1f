// Shared helpers of the meetingroom's black-box tests: a stack of its own
// (private nats-server, so no other test file's tickers or clocks touch its
// stream), the demo users as HTTP clients, members made from signed tokens,
// the steps of the flow as one call each, and the checks of error answers.
import { createHmac } from "node:crypto";
import type { EventEnvelope } from "@seed/platform";
import type { NatsServer } from "@seed/platform/operations";
import {
  type ApiClient,
  type ApiResponse,
  api,
  type ConfigOverrides,
  decodeCommit,
  eventually,
  ManualClock,
  startTestNode,
  type TestNode,
} from "@seed/platform/testing";
import { type Actors, actors, errorAssertions, show } from "@seed/platform/testing/actors";
import { privateNats } from "@seed/platform/testing/faults";
import { afterAll, beforeAll, expect } from "vitest";

export { ISO_UTC, ULID, unknownId } from "@seed/platform/testing/actors";
export { type Actors, actors, show };

export const JWT_SECRET = "test-secret-0123456789abcdef"; // testEnv's
export const SETTLE = { timeout: 10_000 };

/** A Seoul wall-clock time on a fixed weekday (UTC+9). */
export const kst = (hhmmss: string, day = "2030-03-11") => Date.parse(`${day}T${hhmmss}+09:00`);

// biome-ignore lint/suspicious/noExplicitAny: resources are checked field by field
export type Json = any;

export interface Stack {
  nats: NatsServer;
  node: TestNode;
  clock: ManualClock;
  u: Actors;
}

/**
 * The meetingroom services and the gateway on a nats-server of the file's own,
 * with a ManualClock standing at 10:30 in Seoul (inside the 10:00–11:50 slot).
 */
export function useStack(
  ready: (s: Stack) => void,
  services = "api,meetingroom.*",
  config: ConfigOverrides = {},
): void {
  let stack: Stack | undefined;
  beforeAll(async () => {
    const nats = await privateNats();
    const clock = new ManualClock(kst("10:30:00"));
    const node = await startTestNode({
      services,
      clock,
      config: { ...config, NATS_URL: nats.url },
      notWaitedFor: ["api routes"], // every route of the system is served here; the gateway's warm-up would wait 3 s for the other systems' routes
    });
    stack = { nats, node, clock, u: await actors(node.url) };
    ready(stack);
  }, 30_000);
  afterAll(async () => {
    await stack?.node.stop();
    await stack?.nats.stop();
  });
}

/** Every event stored in the meetingroom stream, in order. */
export async function storedEvents(node: TestNode): Promise<EventEnvelope[]> {
  const jsm = await node.node.runtime.nc.jetstreamManager();
  const last = (await jsm.streams.info("MEETINGROOM")).state.last_seq;
  const events: EventEnvelope[] = [];
  for (let seq = 1; seq <= last; seq++)
    events.push(...decodeCommit((await jsm.streams.getMessage("MEETINGROOM", { seq })).data));
  return events;
}

/** An HS256 JWT signed with the test secret. */
export function signJwt(payload: Record<string, unknown>, secret = JWT_SECRET): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

/** A member who exists only in their token (the gateway trusts a valid signature). */
export function member(url: string, sub: string): ApiClient {
  const client = api(url);
  client.token = signJwt({ sub, username: sub, roles: ["member"], exp: Math.floor(Date.now() / 1000) + 3600 });
  return client;
}

let names = 0;
export const uniqueName = (prefix = "room") => `${prefix}-${process.pid}-${++names}`;

export async function addRoom(admin: ApiClient, name = uniqueName(), capacity?: number): Promise<Json> {
  const res = await admin.post("/meetingroom/rooms", capacity === undefined ? { name } : { name, capacity });
  expect(res.status, show(res)).toBe(201);
  return res.body;
}

export async function reserve(m: ApiClient, roomId: string): Promise<Json> {
  const res = await m.post("/meetingroom/reserves", { roomId });
  expect(res.status, show(res)).toBe(201);
  return res.body;
}

export async function startMeeting(m: ApiClient, reserveId: string): Promise<Json> {
  const res = await m.post("/meetingroom/conferences", { reserveId });
  expect(res.status, show(res)).toBe(201);
  return res.body;
}

export async function get(client: ApiClient, path: string): Promise<Json> {
  const res = await client.get(path);
  expect(res.status, show(res)).toBe(200);
  return res.body;
}

/** The room's status (room service) and its roomTables row, once both show `status`. */
export async function roomShows(client: ApiClient, roomId: string, status: string): Promise<Json> {
  return eventually(async () => {
    expect((await get(client, `/meetingroom/rooms/${roomId}`)).status).toBe(status);
    const row = await get(client, `/meetingroom/roomTables/${roomId}`);
    expect(row.status).toBe(status);
    return row;
  }, SETTLE);
}

/** An error answer as api.md describes it, and nothing of the inside. */
export const { expectError, expectValidation } = errorAssertions((res) => {
  const text = JSON.stringify(res.body);
  expect(text).not.toMatch(/meetingroom\.(room|reserve|conference|maintenance|schedule)|MEETINGROOM|\.ts:\d+|"stack"/);
  if (res.status === 503) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
});

/** 409 whose message says which rule, and `reason` names it. */
export function expectConflict(res: ApiResponse, words: RegExp, reason?: string): void {
  expectError(res, 409, "Conflict", reason);
  expect(res.body.message).toMatch(words);
}
