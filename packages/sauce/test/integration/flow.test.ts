// The sauce flow over HTTP through the gateway (packages/sauce/README.md "The flow"): an
// order is paid at once, delivery follows by itself, the dashboard shows all
// three with Korean labels; a cancel refunds and cancels the delivery, each
// exactly once, also when the events are delivered again.
import type { TestNode } from "@seed/platform/testing";
import { eventually } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import {
  type Actors,
  deliveryOf,
  expectError,
  ISO_UTC,
  type Json,
  list,
  orderBody,
  paymentOf,
  placeOrder,
  rowWithStatus,
  show,
  ULID,
  useSauceNode,
} from "./helpers.js";

let node: TestNode;
let u: Actors;

useSauceNode((n, users) => {
  node = n;
  u = users;
});

const ORDER_KEYS = ["branchId", "createdAt", "customerId", "id", "price", "qty", "sauceId", "status", "updatedAt"];
const ROW_KEYS = [
  "branchId",
  "createdAt",
  "customerId",
  "deliveryStatus",
  "history",
  "orderId",
  "orderStatus",
  "paymentStatus",
  "price",
  "qty",
  "sauceId",
  "status",
  "statusLabel",
  "updatedAt",
];

describe("order → payment → delivery", () => {
  it("places a paid order (201 + Location), approves its payment, starts and completes its delivery", async () => {
    const body = orderBody({ qty: 4, price: 3500 });
    const res = await u.alice.post("/sauce/orders", body);
    expect(res.status, show(res)).toBe(201);
    const order = res.body;
    expect(Object.keys(order).sort()).toEqual(ORDER_KEYS);
    expect(order).toMatchObject({ ...body, customerId: u.ids.alice, status: "Paid" });
    expect(order.id).toMatch(ULID);
    expect(order.createdAt).toMatch(ISO_UTC);
    expect(res.headers.get("location")).toBe(`/sauce/orders/${order.id}`);
    expect((await u.alice.get(`/sauce/orders/${order.id}`)).body).toEqual(order);

    const payment = await paymentOf(u.alice, order.id);
    expect(Object.keys(payment).sort()).toEqual(["amount", "createdAt", "id", "orderId", "status", "updatedAt"]);
    expect(payment).toMatchObject({ orderId: order.id, amount: 14_000, status: "Approved" });
    expect((await u.alice.get(`/sauce/payments/${payment.id}`)).body).toEqual(payment);

    const delivery = await deliveryOf(u.alice, order.id);
    expect(Object.keys(delivery).sort()).toEqual(["createdAt", "id", "orderId", "status", "updatedAt"]);
    expect(delivery).toMatchObject({ orderId: order.id, status: "Started" });

    const row = await rowWithStatus(u.alice, order.id, "Started");
    expect(Object.keys(row).sort()).toEqual(ROW_KEYS);
    expect(row).toMatchObject({
      orderId: order.id,
      branchId: body.branchId,
      sauceId: body.sauceId,
      qty: 4,
      price: 3500,
      orderStatus: "Paid",
      paymentStatus: "Approved",
      deliveryStatus: "Started",
      statusLabel: "배송시작",
    });

    const done = await u.dave.post(`/sauce/deliveries/${delivery.id}/complete`);
    expect(done.status, show(done)).toBe(200);
    expect(done.body).toMatchObject({ id: delivery.id, status: "Completed" });
    const again = await u.dave.post(`/sauce/deliveries/${delivery.id}/complete`);
    expect(again.status, show(again)).toBe(200);

    const completed = await rowWithStatus(u.alice, order.id, "Completed");
    expect(completed).toMatchObject({ deliveryStatus: "Completed", statusLabel: "배송완료" });
    // every step once, with its time, in the order it happened
    expect(completed.history.map((h: { status: string }) => h.status)).toEqual([
      "Paid",
      "Approved",
      "Started",
      "Completed",
    ]);
    expect(completed.history[0].at).toBe(completed.createdAt);
    expect(completed.history[3].at).toBe(completed.updatedAt);
    const en = await u.alice.get(`/sauce/orderDashboards/${order.id}?lang=en`);
    expect(en.body.statusLabel).toBe("Delivered");

    // once delivered, the order cannot be canceled, and nothing changed
    await eventually(async () =>
      expectError(await u.alice.post(`/sauce/orders/${order.id}/cancel`), 409, "Conflict", "AlreadyDelivered"),
    );
    expect((await u.alice.get(`/sauce/orders/${order.id}`)).body.status).toBe("Paid");
    expect((await u.alice.get(`/sauce/payments/${payment.id}`)).body.status).toBe("Approved");
  });
});

/** Last stream sequence of an aggregate's subject (what changes when anything is appended to it). */
async function lastSeq(aggregate: string, id: string): Promise<number> {
  return node.node.runtime.events.lastSeqOf("SAUCE", `sauce.${aggregate}.${id}`);
}

/** Publishes a stored commit again under a new message id: every consumer gets the same events a second time. */
async function redeliver(aggregate: string, id: string): Promise<number> {
  const { nc } = node.node.runtime;
  const jsm = await nc.jetstreamManager();
  const stored = await jsm.streams.getMessage("SAUCE", { seq: await lastSeq(aggregate, id) });
  const ack = await nc.jetstream().publish(stored.subject, stored.data, { msgID: `redelivery-${stored.seq}` });
  return ack.seq;
}

/** Waits until a service's policy has handled the stream up to `seq`. */
async function handled(durable: string, seq: number): Promise<void> {
  const jsm = await node.node.runtime.nc.jetstreamManager();
  await eventually(
    async () => {
      const info = await jsm.consumers.info("SAUCE", durable);
      expect(info.ack_floor.stream_seq).toBeGreaterThanOrEqual(seq);
    },
    { timeout: 15_000 },
  );
}

describe("cancel → refund → delivery canceled", () => {
  it("each happens exactly once, also when the cancel and the refund are delivered again", async () => {
    const order = await placeOrder(u.alice);
    const payment = await paymentOf(u.alice, order.id);
    const delivery = await deliveryOf(u.alice, order.id);

    const res = await u.alice.post(`/sauce/orders/${order.id}/cancel`);
    expect(res.status, show(res)).toBe(200);
    expect(res.body).toMatchObject({ id: order.id, status: "Canceled" });
    const twice = await u.alice.post(`/sauce/orders/${order.id}/cancel`);
    expect(twice.status, show(twice)).toBe(200);
    expect(twice.body.status).toBe("Canceled");

    expect(await paymentOf(u.alice, order.id, "Canceled")).toMatchObject({ id: payment.id, reason: "OrderCanceled" });
    await deliveryOf(u.alice, order.id, "Canceled");
    const row = await rowWithStatus(u.alice, order.id, "DeliveryCanceled");
    expect(row).toMatchObject({
      orderStatus: "Canceled",
      paymentStatus: "Canceled",
      deliveryStatus: "Canceled",
      statusLabel: "배송취소",
    });
    expect((await u.alice.get(`/sauce/orderDashboards/${order.id}?lang=en`)).body.statusLabel).toBe(
      "Delivery canceled",
    );
    expectError(await u.dave.post(`/sauce/deliveries/${delivery.id}/complete`), 409, "Conflict", "DeliveryCanceled");

    // the cancel and the refund arrive once more: nothing new is appended anywhere
    const seqs = {
      payment: await lastSeq("payment", payment.id),
      delivery: await lastSeq("delivery", delivery.id),
    };
    const resentCancel = await redeliver("order", order.id);
    const resentRefund = await redeliver("payment", payment.id);
    await handled("sauce-payment-order", resentCancel);
    await handled("sauce-delivery-payment", resentRefund);
    expect(await lastSeq("delivery", delivery.id)).toBe(seqs.delivery);
    expect(await lastSeq("payment", payment.id)).toBe(resentRefund); // only the copy we published
    expect((await list(u.alice, `/sauce/payments?orderId=${order.id}`)).items.length).toBe(1);
    expect((await list(u.alice, `/sauce/deliveries?orderId=${order.id}`)).items.length).toBe(1);
    expect((await u.alice.get(`/sauce/orderDashboards/${order.id}`)).body).toEqual(row);
  });

  it("only the owner cancels: another customer and an admin get 403, nothing changes", async () => {
    const order = await placeOrder(u.alice);
    expectError(await u.erin.post(`/sauce/orders/${order.id}/cancel`), 403, "Forbidden");
    expectError(await u.dave.post(`/sauce/orders/${order.id}/cancel`), 403, "Forbidden");
    expect((await u.alice.get(`/sauce/orders/${order.id}`)).body.status).toBe("Paid");
    await paymentOf(u.alice, order.id, "Approved");
  });
});

describe("Idempotency-Key", () => {
  it("a repeated order with the same key returns the first answer and charges once", async () => {
    const body = orderBody();
    const key = `key-${body.branchId}`;
    const first = await u.alice.post("/sauce/orders", body, { headers: { "Idempotency-Key": key } });
    expect(first.status, show(first)).toBe(201);
    const again = await u.alice.post("/sauce/orders", body, { headers: { "Idempotency-Key": key } });
    expect(again.status, show(again)).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expectError(
      await u.alice.post("/sauce/orders", { ...body, qty: 9 }, { headers: { "Idempotency-Key": key } }),
      422,
      "ValidationError",
    );
    // the same key of another customer is another order
    const erins = await u.erin.post("/sauce/orders", body, { headers: { "Idempotency-Key": key } });
    expect(erins.status, show(erins)).toBe(201);
    expect(erins.body.id).not.toBe(first.body.id);

    expect((await list(u.dave, `/sauce/orders?branchId=${body.branchId}`)).items.length).toBe(2);
    await paymentOf(u.alice, first.body.id);
    expect((await list(u.dave, `/sauce/payments?orderId=${first.body.id}`)).items.length).toBe(1);
  });
});

describe("reading: ownership, filters, paging, the view", () => {
  it("owner and admin see a resource, another customer and a seller do not", async () => {
    const order = await placeOrder(u.alice);
    const payment = await paymentOf(u.alice, order.id);
    const delivery = await deliveryOf(u.alice, order.id);
    await rowWithStatus(u.alice, order.id, "Started");
    const paths = [
      `/sauce/orders/${order.id}`,
      `/sauce/payments/${payment.id}`,
      `/sauce/deliveries/${delivery.id}`,
      `/sauce/orderDashboards/${order.id}`,
    ];
    for (const p of paths) {
      expect((await u.alice.get(p)).status, p).toBe(200);
      expect((await u.dave.get(p)).status, p).toBe(200);
      expectError(await u.erin.get(p), 403, "Forbidden");
      expectError(await u.bob.get(p), 403, "Forbidden");
    }
    for (const p of ["/sauce/orders", "/sauce/payments", "/sauce/deliveries", "/sauce/orderDashboards"]) {
      const q =
        p === "/sauce/orders" || p === "/sauce/orderDashboards"
          ? `?branchId=${order.branchId}`
          : `?orderId=${order.id}`;
      expect((await list(u.alice, p + q)).items.length, p).toBe(1);
      expect((await list(u.dave, p + q)).items.length, p).toBe(1);
      expect((await list(u.erin, p + q)).items.length, p).toBe(0);
      expectError(await u.bob.get(p + q), 403, "Forbidden");
    }
  });

  it("lists filter by documented fields and page newest first with limit and a cursor", async () => {
    const branchId = orderBody().branchId;
    const orders: Json[] = [];
    for (const sauceId of ["soy", "soy", "chili"])
      orders.push(await placeOrder(u.alice, orderBody({ branchId, sauceId })));
    const all = await list(u.alice, `/sauce/orders?branchId=${branchId}`);
    expect(all.items.length).toBe(3);
    expect(all.items.map((o: Json) => o.id)).toEqual(orders.map((o) => o.id).reverse()); // newest first
    expect(all.hasMore).toBe(false);
    const page1 = await list(u.alice, `/sauce/orders?branchId=${branchId}&limit=2`);
    expect([page1.items.length, page1.hasMore]).toEqual([2, true]);
    const page2 = await list(u.alice, `/sauce/orders?branchId=${branchId}&limit=2&after=${page1.nextCursor}`);
    expect(page2.items.map((o: Json) => o.id)).toEqual([orders[0].id]);
    expect(page2.hasMore).toBe(false);
    expect(page2.nextCursor).toBeUndefined();
    expect((await list(u.alice, `/sauce/orders?branchId=${branchId}&sauceId=soy`)).items.length).toBe(2);

    await u.alice.post(`/sauce/orders/${orders[2].id}/cancel`);
    expect((await list(u.alice, `/sauce/orders?branchId=${branchId}&status=Canceled`)).items.length).toBe(1);
    expect((await list(u.alice, `/sauce/orders?branchId=${branchId}&status=Paid`)).items.length).toBe(2);
    await paymentOf(u.alice, orders[2].id, "Canceled");
    expect((await list(u.alice, `/sauce/payments?orderId=${orders[2].id}&status=Approved`)).items.length).toBe(0);
    await rowWithStatus(u.alice, orders[2].id, "DeliveryCanceled");
    await Promise.all(orders.slice(0, 2).map((o) => rowWithStatus(u.alice, o.id, "Started")));
    const started = await list(u.alice, `/sauce/orderDashboards?branchId=${branchId}&deliveryStatus=Started`);
    expect(started.items.map((r: Json) => r.orderId).sort()).toEqual([orders[0].id, orders[1].id].sort());
    const en = await list(u.alice, `/sauce/orderDashboards?branchId=${branchId}&status=Started&lang=en`);
    expect(en.items.map((r: Json) => r.statusLabel)).toEqual(["Delivery started", "Delivery started"]);
  });

  it("rebuilding the view from the event history gives the same rows", async () => {
    const order = await placeOrder(u.erin);
    await rowWithStatus(u.erin, order.id, "Started");
    const before = await list(u.dave, "/sauce/orderDashboards?limit=500");
    await node.node.broker.call("sauce.orderDashboard.rebuild");
    const after = await eventually(async () => list(u.dave, "/sauce/orderDashboards?limit=500"));
    const byId = (rows: Json[]): Record<string, Json> => Object.fromEntries(rows.map((r) => [r.orderId, r]));
    // this test's own row is settled: rebuilt, it is exactly what it was
    expect(byId(after.items)[order.id]).toEqual(byId(before.items)[order.id]);
    // other files may have moved their rows on in between: every row we had is there, unchanged or further
    for (const [id, row] of Object.entries(byId(before.items))) {
      const now = byId(after.items)[id];
      expect(now, id).toBeDefined();
      expect(now.updatedAt >= row.updatedAt, id).toBe(true);
      if (now.updatedAt === row.updatedAt) expect(now).toEqual(row);
    }
  });
});
