// The invariants of packages/mall/README.md under concurrent requests: stock never goes
// negative when many checks race for the last items, and a cancel racing a
// check on the same order has exactly one winner, with the state agreeing.
import { eventually, sleep, type TestNode } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import {
  type Actors,
  deliveryWithStatus,
  expectError,
  getOrder,
  getProduct,
  historyOf,
  type Json,
  list,
  newProduct,
  payOf,
  payWithStatus,
  placeOrder,
  rowWithStatus,
  SETTLE,
  show,
  useMallNode,
} from "./helpers.js";

let _node: TestNode;
let u: Actors;

useMallNode((started, users) => {
  _node = started;
  u = users;
});

describe("concurrency", () => {
  it("20 concurrent checks for 5 items left: exactly 5 win, stock ends at 0, the rest is compensated", async () => {
    const product = await newProduct(u.bob, 5, 2500);
    const orders: Json[] = await Promise.all(
      Array.from({ length: 20 }, (_, i) => placeOrder(i % 2 === 0 ? u.alice : u.erin, product, 1)),
    );
    const pays: Json[] = await Promise.all(orders.map((o) => payOf(u.bob, o.id)));

    const results = await Promise.all(pays.map((p) => u.bob.post(`/mall/pays/${p.id}/check`)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length, statuses.join(",")).toBe(5);
    expect(statuses.filter((s) => s === 409).length, results.map(show).join("\n")).toBe(15);
    for (const r of results) {
      if (r.status === 200) expect(r.body.status).toBe("PayChecked");
      else expectError(r, 409, "Conflict");
    }
    expect((await getProduct(u.bob, product.id)).qty).toBe(0);

    const winners = new Set(pays.filter((_, i) => results[i]?.status === 200).map((p) => p.orderId as string));
    const losers = orders.filter((o) => !winners.has(o.id));
    // exactly 5 deliveries: one per winner, none for a loser
    await Promise.all([...winners].map((id) => deliveryWithStatus(u.bob, id)));
    await Promise.all(
      losers.map(async (o) => {
        await eventually(async () => expect((await getOrder(u.bob, o.id)).status).toBe("OrderCanceled"), SETTLE);
        const pay = await payWithStatus(u.bob, o.id, "PayCanceled");
        expect(pay.reason).toBe("OutOfStock");
        const row = await rowWithStatus(u.bob, o.id, "OrderCanceled");
        expect(historyOf(row)).not.toContain("QtyDecreased");
        expect((await list(u.bob, `/mall/deliveries?orderId=${o.id}`)).items.length).toBe(0);
      }),
    );
    for (const id of winners) expect((await getOrder(u.bob, id)).status).toBe("OrderPlaced");
    // initial − current = Σ qty of orders with QtyDecreased
    const decreased = await Promise.all(
      orders.map(async (o) =>
        historyOf((await u.bob.get(`/mall/orderStatuses/${o.id}`)).body).includes("QtyDecreased"),
      ),
    );
    expect(decreased.filter(Boolean).length).toBe(5);
    expect((await getProduct(u.bob, product.id)).qty).toBe(0);
  });

  it("a cancel racing a check on the same order: exactly one wins, and the state agrees", async () => {
    const stock = 100;
    const product = await newProduct(u.bob, stock, 800);
    const rounds = 10;
    const orders: Json[] = await Promise.all(Array.from({ length: rounds }, () => placeOrder(u.alice, product, 1)));
    const pays: Json[] = await Promise.all(orders.map((o) => payOf(u.alice, o.id)));

    const outcomes = await Promise.all(
      orders.map(async (order, i) => {
        // from the check 40 ms ahead to the cancel 40 ms ahead, through (nearly) at once,
        // so that each side wins some rounds
        const lag = (i - (rounds - 1) / 2) * 9;
        const [cancel, check] = await Promise.all([
          sleep(Math.max(0, -lag)).then(() => u.alice.post(`/mall/orders/${order.id}/cancel`)),
          sleep(Math.max(0, lag)).then(() => u.bob.post(`/mall/pays/${pays[i].id}/check`)),
        ]);
        return { order, pay: pays[i], cancel, check };
      }),
    );

    let checkWins = 0;
    for (const { order, pay, cancel, check } of outcomes) {
      const pair = `cancel ${show(cancel)} / check ${show(check)}`;
      expect([cancel.status, check.status].sort(), pair).toEqual([200, 409]);
      if (check.status === 200) {
        checkWins++;
        expectError(cancel, 409, "Conflict");
        expect(check.body.status).toBe("PayChecked");
        expect((await getOrder(u.alice, order.id)).status).toBe("OrderPlaced");
        expect((await payOf(u.alice, order.id)).status).toBe("PayChecked");
        await deliveryWithStatus(u.alice, order.id);
        const row = await rowWithStatus(u.alice, order.id, "DeliveryStarted");
        expect(historyOf(row)).not.toContain("OrderCanceled");
      } else {
        expectError(check, 409, "Conflict");
        expect(cancel.body.status).toBe("OrderCanceled");
        expect((await getOrder(u.alice, order.id)).status).toBe("OrderCanceled");
        const payNow = await payWithStatus(u.alice, order.id, "PayCanceled");
        expect(payNow.id).toBe(pay.id);
        expect(payNow.reason).toBe("OrderCanceled");
        const row = await rowWithStatus(u.alice, order.id, "OrderCanceled");
        expect(historyOf(row)).not.toContain("QtyDecreased");
        expect(historyOf(row)).not.toContain("PayChecked");
      }
    }
    // a race that always went one way would test nothing
    expect(checkWins, "checks that won").toBeGreaterThan(0);
    expect(rounds - checkWins, "cancels that won").toBeGreaterThan(0);
    // the stock agrees with the winners: only checks that won took an item
    expect((await getProduct(u.bob, product.id)).qty).toBe(stock - checkWins);
    // and no canceled order got a delivery (deliveries of the winners exist by now)
    for (const { order, check } of outcomes) {
      const total = (await list(u.bob, `/mall/deliveries?orderId=${order.id}`)).items.length;
      expect(total, `deliveries of ${order.id}`).toBe(check.status === 200 ? 1 : 0);
    }
  });
});
