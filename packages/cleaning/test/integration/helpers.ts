// Shared helpers of the cleaning system's black-box tests: the demo users as
// HTTP clients, the steps of the flow as one call each, and the checks every
// error answer must pass. Everything goes over HTTP through the gateway.
import { type ApiClient, eventually, startTestNode, type TestNode } from "@seed/platform/testing";
import { type Actors, actors, errorAssertions, list, show } from "@seed/platform/testing/actors";
import { afterAll, beforeAll, expect } from "vitest";

export { ISO_UTC, ULID, unknownId } from "@seed/platform/testing/actors";
export { type Actors, actors, list, show };

export const RESERVATION_KEYS = [
  "createdAt",
  "customerId",
  "customerName",
  "id",
  "place",
  "price",
  "requestDate",
  "status",
  "updatedAt",
];
export const CLEAN_KEYS = ["cleanDate", "cleanerId", "createdAt", "id", "requestId", "status", "updatedAt"];
export const REVIEW_KEYS = ["cleanerId", "content", "createdAt", "id", "requestId", "score", "status", "updatedAt"];

export const KOREAN_LABELS: Record<string, string> = {
  ReservationApplied: "예약신청",
  PaymentApproved: "결제완료",
  ReservationCanceled: "예약취소",
  CleaningFinished: "청소완료",
  ReviewCompleted: "리뷰완료",
};

/** The flow's steps; a dashboard row's status may only move up this list. */
export const STATUS_RANK: Record<string, number> = {
  ReservationApplied: 1,
  PaymentApproved: 2,
  CleaningFinished: 3,
  ReviewCompleted: 4,
  ReservationCanceled: 5,
};

/** How long an asynchronous step (a policy, a view) may take to show. */
export const SETTLE: { timeout: number } = { timeout: 15_000 };

/** A node with the cleaning services and the gateway, on the run's nats-server. */
export function startCleaningNode(): Promise<TestNode> {
  return startTestNode({
    services: "api,cleaning.*",
    config: { POLICY_ACK_WAIT_MS: 2000 },
    notWaitedFor: ["api routes"], // every route of the system is served here; the gateway's warm-up would wait 3 s for the other systems' routes
  });
}

/** A cleaning node for one test file, with the demo users logged in, stopped after the file. */
export function useCleaningNode(ready: (node: TestNode, users: Actors) => void | Promise<void>): void {
  let node: TestNode | undefined;
  beforeAll(async () => {
    node = await startCleaningNode();
    await ready(node, await actors(node.url));
  });
  afterAll(async () => {
    await node?.stop();
  });
}

// biome-ignore lint/suspicious/noExplicitAny: resources are checked field by field
export type Json = any;

let places = 0;
/** A place no other test uses (lists are shared by every test of the run). */
export const uniquePlace = () => `Seoul ${process.pid}-${++places}-${Math.random().toString(36).slice(2, 8)}`;

export const reservationBody = (extra: Record<string, unknown> = {}) => ({
  requestDate: "20250301",
  place: uniquePlace(),
  price: 50_000,
  customerName: "Alice Kim",
  ...extra,
});

/** A customer reserves a cleaning; asserts the 201. */
export async function reserve(customer: ApiClient, extra: Record<string, unknown> = {}): Promise<Json> {
  const res = await customer.post("/cleaning/cleaningReservations", reservationBody(extra));
  expect(res.status, show(res)).toBe(201);
  return res.body;
}

/** A cleaner records the finished cleaning; asserts the 201. */
export async function finishClean(cleaner: ApiClient, requestId: string, cleanDate = "20250302"): Promise<Json> {
  const res = await cleaner.post("/cleaning/cleans", { requestId, cleanDate });
  expect(res.status, show(res)).toBe(201);
  return res.body;
}

export async function review(
  cleaner: ApiClient,
  requestId: string,
  content = "Kind customer",
  score = 5,
): Promise<Json> {
  const res = await cleaner.post("/cleaning/reviews", { requestId, content, score });
  expect(res.status, show(res)).toBe(201);
  return res.body;
}

/** The request's dashboard row once it shows `status`. */
export function rowWithStatus(client: ApiClient, requestId: string, status: string, timeout = SETTLE.timeout) {
  return eventually(
    async () => {
      const res = await client.get(`/cleaning/dashBoardViews/${requestId}`);
      expect(res.status, show(res)).toBe(200);
      expect(res.body.status).toBe(status);
      return res.body as Json;
    },
    { timeout },
  );
}

/** The request's messages once there are exactly `statuses` (in any order). */
export function messagesOf(client: ApiClient, requestId: string, statuses: string[], timeout = SETTLE.timeout) {
  return eventually(
    async () => {
      const page = await list(client, `/cleaning/messages?requestId=${requestId}`);
      expect(page.items.map((m: Json) => m.status).sort()).toEqual([...statuses].sort());
      expect(page.items.length).toBe(statuses.length);
      return page.items as Json[];
    },
    { timeout },
  );
}

export const { expectError, expectValidation } = errorAssertions((res) => {
  const text = JSON.stringify(res.body);
  expect(text).not.toContain("cleaning.");
  expect(text).not.toMatch(/"stack"|MOL-|\$JS\.|deadletter|CLEANING\b/);
});
