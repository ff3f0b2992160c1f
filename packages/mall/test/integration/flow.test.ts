// The mall's saga end to end over HTTP (packages/mall/README.md "The saga"): order → pay →
// check (stock) → delivery → receipt, and its exits: cancel before and after
// the check, receipt too early, and out of stock with its compensation.
import { eventually, type TestNode } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import {
  type Actors,
  deliveryWithStatus,
  expectError,
  getOrder,
  getProduct,
  historyOf,
  ISO_UTC,
  KOREAN_LABELS,
  list,
  newProduct,
  ORDER_KEYS,
  payOf,
  payWithStatus,
  placeOrder,
  rowWithStatus,
  SETTLE,
  show,
  ULID,
  useMallNode,
} from "./helpers.js";

let node: TestNode;
let u: Actors;

useMallNode((started, users) => {
  node = started;
  u = users;
});

describe.concurrent("mall flow", () => {
  it("runs the whole happy path to OrderClosed and DeliveryCompleted", async () => {
    // bob registers a product
    const name = `Keyboard ${Date.now()}`;
    const created = await u.bob.post("/mall/products", { name, price: 12_000, qty: 10 });
    expect(created.status, show(created)).toBe(201);
    const product = created.body;
    expect(product).toMatchObject({ id: expect.stringMatching(ULID), name, price: 12_000, qty: 10 });
    expect(new URL(created.headers.get("location") ?? "", node.url).pathname).toBe(`/mall/products/${product.id}`);

    // alice orders 2: 201, Location, exactly the spec's fields
    const res = await u.alice.post("/mall/orders", { productId: product.id, qty: 2, address: "Seoul, Mapo-gu 7" });
    expect(res.status, show(res)).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const order = res.body;
    expect(Object.keys(order).sort()).toEqual(ORDER_KEYS);
    expect(order).toMatchObject({
      id: expect.stringMatching(ULID),
      customerId: u.ids.alice,
      productId: product.id,
      productName: name,
      qty: 2,
      price: 12_000,
      address: "Seoul, Mapo-gu 7",
      status: "OrderPlaced",
      createdAt: expect.stringMatching(ISO_UTC),
      updatedAt: expect.stringMatching(ISO_UTC),
    });
    const location = res.headers.get("location") ?? "";
    expect(new URL(location, node.url).pathname).toBe(`/mall/orders/${order.id}`);
    // read-your-writes, at the Location
    const again = await u.alice.get(new URL(location, node.url).pathname);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(order);

    // the pay appears, amount = price × qty
    const pay = await payOf(u.alice, order.id);
    expect(Object.keys(pay).sort()).toEqual(["amount", "createdAt", "id", "orderId", "status", "updatedAt"]);
    expect(pay).toMatchObject({
      id: expect.stringMatching(ULID),
      orderId: order.id,
      amount: 24_000,
      status: "PayPlaced",
    });
    const payById = await u.alice.get(`/mall/pays/${pay.id}`);
    expect(payById.status).toBe(200);
    expect(payById.body).toEqual(pay);

    // bob checks the deposit
    const checked = await u.bob.post(`/mall/pays/${pay.id}/check`);
    expect(checked.status, show(checked)).toBe(200);
    expect(checked.body).toMatchObject({ id: pay.id, orderId: order.id, amount: 24_000, status: "PayChecked" });
    expect((await getProduct(u.bob, product.id)).qty).toBe(8);

    // delivery starts by itself
    const delivery = await deliveryWithStatus(u.alice, order.id, "DeliveryStarted");
    expect(Object.keys(delivery).sort()).toEqual(["address", "createdAt", "id", "orderId", "status", "updatedAt"]);
    expect(delivery).toMatchObject({ id: expect.stringMatching(ULID), orderId: order.id, address: "Seoul, Mapo-gu 7" });
    const deliveryById = await u.alice.get(`/mall/deliveries/${delivery.id}`);
    expect(deliveryById.status).toBe(200);
    expect(deliveryById.body).toEqual(delivery);

    // alice confirms receipt once the delivery is visible as started
    const received = await u.alice.post(`/mall/orders/${order.id}/receive`);
    expect(received.status, show(received)).toBe(200);
    expect(received.body).toMatchObject({ id: order.id, status: "OrderClosed" });
    expect(Object.keys(received.body).sort()).toEqual(ORDER_KEYS);
    expect((await getOrder(u.alice, order.id)).status).toBe("OrderClosed");

    // delivery completes
    await deliveryWithStatus(u.alice, order.id, "DeliveryCompleted");

    // the view: 배송완료 with every step in its history, English on ?lang=en
    const row = await rowWithStatus(u.alice, order.id, "DeliveryCompleted");
    expect(row).toMatchObject({
      orderId: order.id,
      customerId: u.ids.alice,
      productId: product.id,
      productName: name,
      qty: 2,
      price: 12_000,
      address: "Seoul, Mapo-gu 7",
      statusLabel: "배송완료",
      updatedAt: expect.stringMatching(ISO_UTC),
    });
    expect(historyOf(row).sort()).toEqual(
      [
        "OrderPlaced",
        "PayPlaced",
        "PayChecked",
        "QtyDecreased",
        "DeliveryStarted",
        "OrderClosed",
        "DeliveryCompleted",
      ].sort(),
    );
    for (const h of row.history) expect(h.at).toMatch(ISO_UTC);
    const en = await u.alice.get(`/mall/orderStatuses/${order.id}?lang=en`);
    expect(en.status, show(en)).toBe(200);
    expect(en.body.status).toBe("DeliveryCompleted");
    expect(en.body.statusLabel).toMatch(/^[\x20-\x7e]+$/);
    expect(en.body.statusLabel).not.toBe("배송완료");
    expect(en.body.history).toEqual(row.history);
    const listed = await list(u.alice, `/mall/orderStatuses?productId=${product.id}&lang=en`);
    expect(listed.items.length).toBe(1);
    expect(listed.items[0].statusLabel).toBe(en.body.statusLabel);

    // stock was taken exactly once
    expect((await getProduct(u.bob, product.id)).qty).toBe(8);
    // one pay, one delivery
    expect((await list(u.bob, `/mall/pays?orderId=${order.id}`)).items.length).toBe(1);
    expect((await list(u.bob, `/mall/deliveries?orderId=${order.id}`)).items.length).toBe(1);
  });

  it("refuses receipt before the delivery started (409) and changes nothing", async () => {
    const product = await newProduct(u.bob, 5, 700);
    const order = await placeOrder(u.alice, product, 1);
    const early = await u.alice.post(`/mall/orders/${order.id}/receive`);
    expectError(early, 409, "Conflict", "DeliveryNotStarted");
    const pay = await payOf(u.alice, order.id);
    const stillEarly = await u.alice.post(`/mall/orders/${order.id}/receive`);
    expectError(stillEarly, 409, "Conflict", "DeliveryNotStarted");
    expect((await getOrder(u.alice, order.id)).status).toBe("OrderPlaced");
    expect(pay.status).toBe("PayPlaced");
    const row = await rowWithStatus(u.alice, order.id, "PayPlaced");
    expect(historyOf(row)).not.toContain("OrderClosed");
  });

  it("cancels before the check: OrderCanceled, PayCanceled, 주문취소, and no check afterwards", async () => {
    const product = await newProduct(u.bob, 5, 1500);
    const order = await placeOrder(u.alice, product, 3);
    const pay = await payOf(u.alice, order.id);

    const canceled = await u.alice.post(`/mall/orders/${order.id}/cancel`);
    expect(canceled.status, show(canceled)).toBe(200);
    expect(canceled.body).toMatchObject({ id: order.id, status: "OrderCanceled" });
    expect(Object.keys(canceled.body).sort()).toEqual(ORDER_KEYS);
    expect((await getOrder(u.alice, order.id)).status).toBe("OrderCanceled");

    const payNow = await payWithStatus(u.alice, order.id, "PayCanceled");
    expect(payNow.id).toBe(pay.id);
    const row = await rowWithStatus(u.alice, order.id, "OrderCanceled");
    expect(row.statusLabel).toBe("주문취소");
    expect(historyOf(row)).toEqual(expect.arrayContaining(["OrderPlaced", "PayCanceled", "OrderCanceled"]));

    // the seller can no longer check it
    const check = await u.bob.post(`/mall/pays/${pay.id}/check`);
    expectError(check, 409, "Conflict");
    expect((await getProduct(u.bob, product.id)).qty).toBe(5);
    expect((await list(u.bob, `/mall/deliveries?orderId=${order.id}`)).items.length).toBe(0);
    expect(historyOf(await rowWithStatus(u.alice, order.id, "OrderCanceled"))).not.toContain("QtyDecreased");
  });

  it("cancels even before the pay exists: the pay ends canceled, once", async () => {
    const product = await newProduct(u.bob, 5, 300);
    const order = await placeOrder(u.alice, product, 1);
    const canceled = await u.alice.post(`/mall/orders/${order.id}/cancel`);
    expect(canceled.status, show(canceled)).toBe(200);
    expect(canceled.body.status).toBe("OrderCanceled");
    const pay = await payWithStatus(u.alice, order.id, "PayCanceled");
    expectError(await u.bob.post(`/mall/pays/${pay.id}/check`), 409, "Conflict");
    await rowWithStatus(u.alice, order.id, "OrderCanceled");
    expect((await getProduct(u.bob, product.id)).qty).toBe(5);
  });

  it("refuses to cancel after the check (409) and nothing changes", async () => {
    const product = await newProduct(u.bob, 5, 900);
    const order = await placeOrder(u.alice, product, 2);
    const pay = await payOf(u.alice, order.id);
    const checked = await u.bob.post(`/mall/pays/${pay.id}/check`);
    expect(checked.status, show(checked)).toBe(200);

    const cancel = await u.alice.post(`/mall/orders/${order.id}/cancel`);
    expectError(cancel, 409, "Conflict", "DepositChecked");
    expect((await getOrder(u.alice, order.id)).status).toBe("OrderPlaced");
    expect((await payOf(u.alice, order.id)).status).toBe("PayChecked");
    expect((await getProduct(u.bob, product.id)).qty).toBe(3);
    // the delivery goes ahead, and the order can still be received
    await deliveryWithStatus(u.alice, order.id, "DeliveryStarted");
    const row = await rowWithStatus(u.alice, order.id, "DeliveryStarted");
    expect(historyOf(row)).not.toContain("OrderCanceled");
    expect(historyOf(row)).not.toContain("PayCanceled");
    // a second check is harmless: same answer, stock taken once
    const again = await u.bob.post(`/mall/pays/${pay.id}/check`);
    expect(again.status, show(again)).toBe(200);
    expect(again.body.status).toBe("PayChecked");
    expect((await getProduct(u.bob, product.id)).qty).toBe(3);
  });

  it("out of stock: check answers 409 Conflict, then the saga cancels pay and order", async () => {
    const product = await newProduct(u.bob, 1, 5000);
    const order = await placeOrder(u.alice, product, 2);
    const pay = await payOf(u.alice, order.id);

    const check = await u.bob.post(`/mall/pays/${pay.id}/check`);
    expectError(check, 409, "Conflict", "OutOfStock");

    const payNow = await payWithStatus(u.alice, order.id, "PayCanceled");
    expect(payNow.reason).toBe("OutOfStock");
    await eventually(async () => expect((await getOrder(u.alice, order.id)).status).toBe("OrderCanceled"), SETTLE);
    const row = await rowWithStatus(u.alice, order.id, "OrderCanceled");
    expect(historyOf(row)).toEqual(expect.arrayContaining(["PayCanceled", "OrderCanceled"]));
    expect(historyOf(row)).not.toContain("QtyDecreased");
    expect(historyOf(row)).not.toContain("PayChecked");

    expect((await getProduct(u.bob, product.id)).qty).toBe(1);
    expect((await list(u.bob, `/mall/deliveries?orderId=${order.id}`)).items.length).toBe(0);
    // a compensated order cannot be received
    expectError(await u.alice.post(`/mall/orders/${order.id}/receive`), 409, "Conflict");
    // and the stock that is there can still be sold
    const small = await placeOrder(u.erin, product, 1);
    const smallPay = await payOf(u.erin, small.id);
    const ok = await u.bob.post(`/mall/pays/${smallPay.id}/check`);
    expect(ok.status, show(ok)).toBe(200);
    expect((await getProduct(u.bob, product.id)).qty).toBe(0);
  });
});

// Kept here so the labels of every status are checked against the spec once.
describe("status labels", () => {
  it("uses the spec's Korean label for each status it shows", async () => {
    const product = await newProduct(u.bob, 3, 100);
    const order = await placeOrder(u.erin, product, 1);
    const row = await rowWithStatus(u.erin, order.id, "PayPlaced");
    expect(row.statusLabel).toBe(KOREAN_LABELS.PayPlaced);
    const byList = await list(u.erin, `/mall/orderStatuses?productId=${product.id}`);
    expect(byList.items[0].statusLabel).toBe(KOREAN_LABELS.PayPlaced);
  });
});
