// Shared helpers of the mall's black-box tests: the demo users as HTTP
// clients, the steps of the flow as one call each, and the checks every
// error answer must pass. Everything goes over HTTP through the gateway.
import { createHmac } from "node:crypto";
import { streamName } from "@seed/platform";
import { type EventLine, tailEvents } from "@seed/platform/operations";
import { type ApiClient, type ApiResponse, eventually, startTestNode, type TestNode } from "@seed/platform/testing";
import { type Actors, actors, errorAssertions, list, show } from "@seed/platform/testing/actors";
import { afterAll, beforeAll, expect } from "vitest";

export { ISO_UTC, ULID, unknownId } from "@seed/platform/testing/actors";
export { type Actors, actors, list, show };

/** The flow's steps in the order the spec lists them; a view row's status may only move up this list. */
export const STATUS_RANK: Record<string, number> = {
  OrderPlaced: 1,
  PayPlaced: 2,
  PayChecked: 3,
  QtyDecreased: 4,
  DeliveryStarted: 5,
  OrderClosed: 6,
  DeliveryCompleted: 7,
  PayCanceled: 8,
  OrderCanceled: 9,
};

export const KOREAN_LABELS: Record<string, string> = {
  OrderPlaced: "주문접수",
  PayPlaced: "입금확인대기",
  PayChecked: "입금확인완료",
  QtyDecreased: "상품준비완료",
  DeliveryStarted: "배송중",
  OrderClosed: "수령확인",
  DeliveryCompleted: "배송완료",
  PayCanceled: "결제취소",
  OrderCanceled: "주문취소",
};

export const ORDER_KEYS = [
  "address",
  "createdAt",
  "customerId",
  "id",
  "price",
  "productId",
  "productName",
  "qty",
  "status",
  "updatedAt",
];

/**
 * How long an asynchronous step (a policy, a view) may take to show. It is
 * milliseconds normally; the bound is for runs where many test files share the
 * nats-server and its durable consumers (see startMallNode), and a stopping
 * node's unhandled events wait out the ack wait before another node takes them.
 */
export const SETTLE: { timeout: number } = { timeout: 15_000 };

/**
 * A node with the mall's services and the gateway, on the run's nats-server. Test
 * files running at the same time share the MALL stream and its durable policy
 * consumers (they are per system, not per namespace), so one file's node may
 * take a batch of another file's events; when it stops, the events it had not
 * handled yet go to another member only after the ack wait. A short ack wait
 * keeps that from stalling the other file for the default 30 s.
 */
export function startMallNode(): Promise<TestNode> {
  return startTestNode({
    services: "api,mall.*",
    config: { POLICY_ACK_WAIT_MS: 2000 },
    notWaitedFor: ["api routes"], // every route of the system is served here; the gateway's warm-up would wait 3 s for the other systems' routes
  });
}

/**
 * A mall node for one test file: started, with the demo users logged in,
 * before the file's tests (handed over through `ready`), stopped after them.
 */
export function useMallNode(ready: (node: TestNode, users: Actors) => void | Promise<void>): void {
  let node: TestNode | undefined;
  beforeAll(async () => {
    node = await startMallNode();
    await ready(node, await actors(node.url));
  });
  afterAll(async () => {
    await node?.stop();
  });
}

// biome-ignore lint/suspicious/noExplicitAny: resources are checked field by field
export type Json = any;

let names = 0;
/** A product name no other test uses. */
export const uniqueName = (prefix = "item") =>
  `${prefix}-${process.pid}-${++names}-${Math.random().toString(36).slice(2, 8)}`;

/** bob (or another seller/admin) registers a product; asserts the 201. */
export async function newProduct(seller: ApiClient, qty = 10, price = 1000, name = uniqueName()): Promise<Json> {
  const res = await seller.post("/mall/products", { name, price, qty });
  expect(res.status, show(res)).toBe(201);
  return res.body;
}

export async function getProduct(client: ApiClient, productId: string): Promise<Json> {
  const res = await client.get(`/mall/products/${productId}`);
  expect(res.status, show(res)).toBe(200);
  return res.body;
}

/** A customer orders `qty` of a product (name and price taken from it); asserts the 201. */
export async function placeOrder(
  customer: ApiClient,
  product: { id: string; name?: string; price?: number },
  qty = 1,
  extra: Record<string, unknown> = {},
): Promise<Json> {
  const res = await customer.post("/mall/orders", {
    productId: product.id,
    qty,
    address: "Seoul, Gangnam-gu 1",
    ...extra,
  });
  expect(res.status, show(res)).toBe(201);
  return res.body;
}

/** The MALL stream's last sequence now: what a refused request's events would come after. */
export async function streamEnd(node: TestNode): Promise<number> {
  const jsm = await node.node.runtime.events.jsm();
  return (await jsm.streams.info(streamName("mall"))).state.last_seq;
}

/** How long expectNoOrderStored may wait for the pay policy; a test using it needs more. */
export const NO_ORDER_TIMEOUT = 40_000;

/**
 * Proves that an order refused after stream sequence `before` stored nothing,
 * no order and no pay. A later order of the same customer (the fence) goes
 * through; once the pay policy's consumer has acknowledged the stream past the
 * fence, an order stored before it would have its pay too. Then no event
 * appended since `before` names the refused order's address, and the
 * customer's orders do not hold it, while the fence's order and pay are there
 * (so the reading itself sees what was stored).
 */
export async function expectNoOrderStored(
  node: TestNode,
  customer: ApiClient,
  fenceProduct: { id: string },
  before: number,
  address: string,
): Promise<void> {
  const { events } = node.node.runtime;
  const fence = await placeOrder(customer, fenceProduct, 1, { address: uniqueName("fence") });
  const fenceSeq = await events.lastSeqOf(streamName("mall"), `mall.order.${fence.id}`);
  const jsm = await events.jsm();
  // The consumer is shared with every file of the run: an event another file's
  // stopped node held holds the floor until the ack wait (10 s by default) ran out.
  await eventually(
    async () => {
      const consumer = await jsm.consumers.info(streamName("mall"), "mall-pay-order");
      expect(consumer.ack_floor.stream_seq).toBeGreaterThanOrEqual(fenceSeq);
    },
    { timeout: NO_ORDER_TIMEOUT },
  );
  const fencePay = await payOf(customer, fence.id);

  const appended: EventLine[] = [];
  const tail = await tailEvents(events, "mall", { from: before + 1 }, (e) => appended.push(e));
  try {
    await eventually(() => {
      expect(appended.some((e) => e.type === "PayPlaced" && e.aggregateId === fencePay.id)).toBe(true);
    }, SETTLE);
  } finally {
    await tail.stop();
  }
  expect(appended.some((e) => e.type === "OrderPlaced" && e.aggregateId === fence.id)).toBe(true);
  const naming = appended.filter((e) => JSON.stringify(e.data).includes(address));
  expect(naming, "events of the refused order").toEqual([]);
  const orders = await listAll(customer, "/mall/orders");
  expect(orders.some((o) => o.id === fence.id)).toBe(true);
  expect(orders.filter((o) => o.address === address)).toEqual([]);
}

export async function getOrder(client: ApiClient, orderId: string): Promise<Json> {
  const res = await client.get(`/mall/orders/${orderId}`);
  expect(res.status, show(res)).toBe(200);
  return res.body;
}

/** Every item of a list route, page by page (lists are shared by every test of the run). */
export async function listAll(client: ApiClient, path: string): Promise<Json[]> {
  const items: Json[] = [];
  const sep = path.includes("?") ? "&" : "?";
  for (let after = ""; ; ) {
    const res = await client.get(`${path}${sep}limit=500${after}`);
    expect(res.status, show(res)).toBe(200);
    items.push(...res.body.items);
    if (!res.body.hasMore) return items;
    after = `&after=${res.body.nextCursor}`;
  }
}

/** The one item a list of `path` holds, once there is one (and, given `status`, once it has it). */
function theOneOf(client: ApiClient, path: string, status: string | undefined, timeout: number): Promise<Json> {
  return eventually(
    async () => {
      const page = await list(client, path);
      expect(page.items.length).toBe(1);
      if (status !== undefined) expect(page.items[0].status).toBe(status);
      return page.items[0];
    },
    { timeout },
  );
}

/** The order's one Pay, once it exists (created asynchronously on OrderPlaced). */
export const payOf = (client: ApiClient, orderId: string, timeout = SETTLE.timeout): Promise<Json> =>
  theOneOf(client, `/mall/pays?orderId=${orderId}`, undefined, timeout);

/** The order's Pay once it has `status`. */
export const payWithStatus = (client: ApiClient, orderId: string, status: string, timeout = SETTLE.timeout) =>
  theOneOf(client, `/mall/pays?orderId=${orderId}`, status, timeout);

/** The order's one Delivery once it has `status`. */
export const deliveryWithStatus = (
  client: ApiClient,
  orderId: string,
  status = "DeliveryStarted",
  timeout = SETTLE.timeout,
) => theOneOf(client, `/mall/deliveries?orderId=${orderId}`, status, timeout);

/** The order's orderStatuses row once it shows `status`. */
export function rowWithStatus(
  client: ApiClient,
  orderId: string,
  status: string,
  timeout = SETTLE.timeout,
): Promise<Json> {
  return eventually(
    async () => {
      const res = await client.get(`/mall/orderStatuses/${orderId}`);
      expect(res.status, show(res)).toBe(200);
      expect(res.body.status).toBe(status);
      return res.body;
    },
    { timeout },
  );
}

/** The statuses in a view row's history. */
export const historyOf = (row: Json): string[] => row.history.map((h: { status: string }) => h.status);

/**
 * An error answer as api.md describes it: the status, `{error, message,
 * requestId, details?}` and nothing internal (service names, subjects, node
 * ids, stack traces).
 */

/** Nothing of the inside reaches a client. */
export function expectNoInternals(res: ApiResponse): void {
  const text = typeof res.body === "string" ? res.body : JSON.stringify(res.body);
  expect(text).not.toContain("mall.");
  expect(text).not.toMatch(/\bnode-\d+-\d+-[a-z0-9]+/); // test node ids
  expect(text).not.toMatch(/\n\s+at |\bat [^ ]+ \(|\.ts:\d+|\.js:\d+/); // stack frames
  expect(text).not.toMatch(/"stack"|MOL-|\$JS\.|deadletter|MALL\b/);
}

export const { expectError, expectValidation } = errorAssertions(expectNoInternals);

/** An HS256 JWT (for forged, expired and otherwise bad tokens). */
export function signJwt(
  payload: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = { alg: "HS256", typ: "JWT" },
): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const body = `${b64(header)}.${b64(payload)}`;
  const sig = createHmac("sha256", secret).update(body).digest("base64url");
  return `${body}.${sig}`;
}
