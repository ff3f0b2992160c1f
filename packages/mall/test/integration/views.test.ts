// The orderStatuses view (packages/mall/README.md): it never moves backwards while a flow
// runs, rebuilding it from the event history gives the same rows, and each
// customer sees only their own rows while staff see all.

import type { ApiClient } from "@seed/platform/testing";
import { eventually, type TestNode } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import {
  type Actors,
  deliveryWithStatus,
  expectError,
  historyOf,
  type Json,
  list,
  listAll,
  newProduct,
  payOf,
  placeOrder,
  rowWithStatus,
  SETTLE,
  STATUS_RANK,
  show,
  useMallNode,
} from "./helpers.js";

let node: TestNode;
let u: Actors;

useMallNode((started, users) => {
  node = started;
  u = users;
});

/** Reads one row over and over until stopped; returns every row read. */
function watch(client: ApiClient, orderId: string) {
  const seen: Json[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const res = await client.get(`/mall/orderStatuses/${orderId}`);
      if (res.status === 200) seen.push(res.body);
      else expect(res.status, show(res)).toBe(404); // not there yet
    }
  })();
  return {
    async stop(): Promise<Json[]> {
      stopped = true;
      await loop;
      return seen;
    },
  };
}

/** Successive reads never go back: status rank and history only grow, history only by appending. */
function expectMonotonic(reads: Json[]): void {
  for (let i = 1; i < reads.length; i++) {
    const [prev, cur] = [reads[i - 1], reads[i]];
    const trail = reads.slice(Math.max(0, i - 3), i + 1).map((r) => r.status);
    expect(STATUS_RANK[cur.status], `went back: ${trail.join(" → ")}`).toBeGreaterThanOrEqual(
      STATUS_RANK[prev.status] ?? 0,
    );
    expect(cur.history.length).toBeGreaterThanOrEqual(prev.history.length);
    expect(cur.history.slice(0, prev.history.length)).toEqual(prev.history);
  }
}

describe("orderStatuses", () => {
  it("never goes backwards while flows run (complete, canceled, out of stock)", async () => {
    const product = await newProduct(u.bob, 2, 3000);
    const [done, canceled, short] = await Promise.all([
      placeOrder(u.alice, product, 1),
      placeOrder(u.alice, product, 1),
      placeOrder(u.erin, product, 3), // more than there is, whichever check comes first
    ]);
    const watchers = [watch(u.alice, done.id), watch(u.alice, canceled.id), watch(u.erin, short.id)];

    const flows = Promise.all([
      (async () => {
        const pay = await payOf(u.alice, done.id);
        expect((await u.bob.post(`/mall/pays/${pay.id}/check`)).status).toBe(200);
        await deliveryWithStatus(u.alice, done.id);
        await eventually(
          async () => expect((await u.alice.post(`/mall/orders/${done.id}/receive`)).status).toBe(200),
          SETTLE,
        );
        await rowWithStatus(u.alice, done.id, "DeliveryCompleted");
      })(),
      (async () => {
        await payOf(u.alice, canceled.id);
        expect((await u.alice.post(`/mall/orders/${canceled.id}/cancel`)).status).toBe(200);
        await rowWithStatus(u.alice, canceled.id, "OrderCanceled");
      })(),
      (async () => {
        const pay = await payOf(u.erin, short.id);
        expectError(await u.bob.post(`/mall/pays/${pay.id}/check`), 409, "Conflict");
        await rowWithStatus(u.erin, short.id, "OrderCanceled");
      })(),
    ]);
    await flows.catch(async (err) => {
      await Promise.allSettled(watchers.map((w) => w.stop()));
      throw err;
    });
    const [doneReads, canceledReads, shortReads] = (await Promise.all(watchers.map((w) => w.stop()))) as [
      Json[],
      Json[],
      Json[],
    ];

    for (const reads of [doneReads, canceledReads, shortReads]) {
      expect(reads.length).toBeGreaterThan(2);
      expectMonotonic(reads);
    }
    // the watchers saw the flows move, not only their ends
    expect(new Set(doneReads.map((r) => r.status)).size).toBeGreaterThanOrEqual(3);
    expect(doneReads.at(-1).status).toBe("DeliveryCompleted");
    expect(canceledReads.at(-1).status).toBe("OrderCanceled");
    expect(shortReads.at(-1).status).toBe("OrderCanceled");
    // each step is in the history once
    for (const reads of [doneReads, canceledReads, shortReads]) {
      const h = historyOf(reads.at(-1));
      expect(new Set(h).size).toBe(h.length);
    }
  });

  it("rebuilding the view from the event history gives the same rows, and it keeps following", async () => {
    const product = await newProduct(u.bob, 2, 4100);
    const [closed, canceled, short, open] = await Promise.all([
      placeOrder(u.alice, product, 1),
      placeOrder(u.alice, product, 1),
      placeOrder(u.erin, product, 5),
      placeOrder(u.erin, product, 1),
    ]);
    const [closedPay, , shortPay] = await Promise.all([
      payOf(u.bob, closed.id),
      payOf(u.bob, canceled.id),
      payOf(u.bob, short.id),
      payOf(u.bob, open.id),
    ]);
    expect((await u.bob.post(`/mall/pays/${closedPay.id}/check`)).status).toBe(200);
    expectError(await u.bob.post(`/mall/pays/${shortPay.id}/check`), 409, "Conflict");
    expect((await u.alice.post(`/mall/orders/${canceled.id}/cancel`)).status).toBe(200);
    await deliveryWithStatus(u.alice, closed.id);
    await eventually(
      async () => expect((await u.alice.post(`/mall/orders/${closed.id}/receive`)).status).toBe(200),
      SETTLE,
    );
    await Promise.all([
      rowWithStatus(u.alice, closed.id, "DeliveryCompleted"),
      rowWithStatus(u.alice, canceled.id, "OrderCanceled"),
      rowWithStatus(u.erin, short.id, "OrderCanceled"),
      rowWithStatus(u.erin, open.id, "PayPlaced"),
    ]);

    const path = `/mall/orderStatuses?productId=${product.id}`;
    const before = await list(u.bob, path);
    expect(before.items.length).toBe(4);
    const beforeEn = await list(u.bob, `${path}&lang=en`);

    const positions = await node.node.broker.call("mall.orderStatus.rebuild");
    expect(positions).toBeTypeOf("object");

    const after = await list(u.bob, path);
    expect(after).toEqual(before);
    expect(await list(u.bob, `${path}&lang=en`)).toEqual(beforeEn);
    for (const row of before.items) {
      const one = await u.bob.get(`/mall/orderStatuses/${row.orderId}`);
      expect(one.body).toEqual(row);
    }

    // the rebuilt view still follows new events
    const openPay = await payOf(u.bob, open.id);
    expect((await u.bob.post(`/mall/pays/${openPay.id}/check`)).status).toBe(200);
    // The delivery may start before PayChecked is projected (both follow QtyDecreased): wait for all steps.
    await eventually(async () => {
      const moved = await rowWithStatus(u.erin, open.id, "DeliveryStarted");
      expect(historyOf(moved)).toEqual(
        expect.arrayContaining(["OrderPlaced", "PayPlaced", "QtyDecreased", "PayChecked", "DeliveryStarted"]),
      );
    }, SETTLE);
  });

  it("a customer sees only their own rows; seller and admin see all", async () => {
    const product = await newProduct(u.bob, 10, 1100);
    const [mine, hers] = await Promise.all([placeOrder(u.alice, product, 1), placeOrder(u.erin, product, 2)]);
    const path = `/mall/orderStatuses?productId=${product.id}`;
    await eventually(async () => expect((await list(u.bob, path)).items.length).toBe(2), SETTLE);

    const alices = await list(u.alice, path);
    expect(alices.items.length).toBe(1);
    expect(alices.items[0]).toMatchObject({ orderId: mine.id, customerId: u.ids.alice });
    const erins = await list(u.erin, path);
    expect(erins.items.length).toBe(1);
    expect(erins.items[0]).toMatchObject({ orderId: hers.id, customerId: u.ids.erin });
    for (const staff of [u.bob, u.dave]) {
      const all = await list(staff, path);
      expect(all.items.length).toBe(2);
      expect(all.items.map((r: Json) => r.orderId).sort()).toEqual([mine.id, hers.id].sort());
    }
    // a user without orders (carol) sees none
    expect((await list(u.carol, path)).items.length).toBe(0);
    // unfiltered, alice's list holds only her rows
    const everything = await listAll(u.alice, "/mall/orderStatuses");
    expect(everything.length).toBeGreaterThan(0);
    expect(everything.every((r) => r.customerId === u.ids.alice)).toBe(true);
    expect(everything.some((r) => r.orderId === hers.id)).toBe(false);

    // one row: the owner and staff yes, another customer no
    expect((await u.alice.get(`/mall/orderStatuses/${mine.id}`)).status).toBe(200);
    expect((await u.bob.get(`/mall/orderStatuses/${mine.id}`)).status).toBe(200);
    expect((await u.dave.get(`/mall/orderStatuses/${mine.id}`)).status).toBe(200);
    expectError(await u.erin.get(`/mall/orderStatuses/${mine.id}`), 403, "Forbidden");
    expectError(await u.alice.get(`/mall/orderStatuses/${hers.id}`), 403, "Forbidden");
    expectError(await u.carol.get(`/mall/orderStatuses/${hers.id}`), 403, "Forbidden");

    // the same rule for the write side's lists
    const orders = await list(u.alice, `/mall/orders?productId=${product.id}`);
    expect(orders.items.map((o: Json) => o.id)).toEqual([mine.id]);
    await payOf(u.erin, hers.id);
    expect((await list(u.alice, `/mall/pays?orderId=${hers.id}`)).items.length).toBe(0);
    expect((await list(u.bob, `/mall/pays?orderId=${hers.id}`)).items.length).toBe(1);
  });
});
