// Shared helpers of the sauce's black-box tests: the demo users as HTTP
// clients, the steps of the flow as one call each, and the checks every error
// answer must pass. Everything goes over HTTP through the gateway.
import { type ApiClient, eventually, startTestNode, type TestNode } from "@seed/platform/testing";
import { type Actors, actors, errorAssertions, list, show } from "@seed/platform/testing/actors";
import { afterAll, beforeAll, expect } from "vitest";

export { ISO_UTC, ULID, unknownId } from "@seed/platform/testing/actors";
export { type Actors, actors, list, show };

/** How long an asynchronous step (a policy, a view) may take to show; normally milliseconds. */
export const SETTLE = 15_000;

// biome-ignore lint/suspicious/noExplicitAny: resources are checked field by field
export type Json = any;

/**
 * A node with the sauce services and the gateway for one test file. Files running
 * at the same time share the SAUCE stream's durable consumers; a short ack wait
 * keeps one file's stopping node from stalling another's events.
 */
export function useSauceNode(ready: (node: TestNode, users: Actors) => void | Promise<void>): void {
  let node: TestNode | undefined;
  beforeAll(async () => {
    node = await startTestNode({
      services: "api,sauce.*",
      config: { POLICY_ACK_WAIT_MS: 2000 },
      notWaitedFor: ["api routes"], // every route of the system is served here; the gateway's warm-up would wait 3 s for the other systems' routes
    });
    await ready(node, await actors(node.url));
  });
  afterAll(async () => {
    await node?.stop();
  });
}

let n = 0;
/** A branch name no other test uses (lists are shared by every test of the run). */
export const uniqueBranch = () => `branch-${process.pid}-${++n}-${Math.random().toString(36).slice(2, 8)}`;

export function orderBody(extra: Record<string, unknown> = {}): Json {
  return { branchId: uniqueBranch(), sauceId: "soy-garlic", qty: 3, price: 2500, ...extra };
}

/** A customer places an order; asserts the 201. */
export async function placeOrder(customer: ApiClient, body: Json = orderBody(), key?: string): Promise<Json> {
  const res = await customer.post("/sauce/orders", body, key ? { headers: { "Idempotency-Key": key } } : {});
  expect(res.status, show(res)).toBe(201);
  return res.body;
}

/** The one item a list of `path` holds once it has `status`. */
export function theOne(client: ApiClient, path: string, status?: string, timeout = SETTLE): Promise<Json> {
  return eventually(
    async () => {
      const page = await list(client, path);
      expect(page.items.length, path).toBe(1);
      if (status !== undefined) expect(page.items[0].status).toBe(status);
      return page.items[0];
    },
    { timeout },
  );
}

export const paymentOf = (c: ApiClient, orderId: string, status = "Approved", timeout = SETTLE) =>
  theOne(c, `/sauce/payments?orderId=${orderId}`, status, timeout);
export const deliveryOf = (c: ApiClient, orderId: string, status = "Started", timeout = SETTLE) =>
  theOne(c, `/sauce/deliveries?orderId=${orderId}`, status, timeout);

/** The order's dashboard row once it shows `status`. */
export function rowWithStatus(client: ApiClient, orderId: string, status: string, query = ""): Promise<Json> {
  return eventually(
    async () => {
      const res = await client.get(`/sauce/orderDashboards/${orderId}${query}`);
      expect(res.status, show(res)).toBe(200);
      expect(res.body.status).toBe(status);
      return res.body;
    },
    { timeout: SETTLE },
  );
}

/** An error answer as api.md describes it, with nothing internal in it. */
export const { expectError, expectValidation } = errorAssertions((res) => {
  const text = JSON.stringify(res.body);
  expect(text).not.toMatch(/sauce\.(order|payment|delivery|orderDashboard)|SAUCE|\$JS\.|"stack"|\.ts:\d+/);
});
