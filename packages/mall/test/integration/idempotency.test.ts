// Idempotency-Key on the mall's POSTs (api.md "Retries are safe"): the same
// key, caller and body give the first response again with no second effect;
// the same key with another body is 422; without a key every POST counts.
import { eventually, type TestNode } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import {
  type Actors,
  expectError,
  getProduct,
  list,
  listAll,
  newProduct,
  payOf,
  SETTLE,
  show,
  ULID,
  useMallNode,
} from "./helpers.js";

let _node: TestNode;
let u: Actors;

useMallNode((started, users) => {
  _node = started;
  u = users;
});

const key = () => `key-${Date.now()}-${Math.random().toString(36).slice(2)}`;

describe.concurrent("Idempotency-Key", () => {
  it("same key and body twice: the same 201 and one order, one pay", async () => {
    const product = await newProduct(u.bob, 10, 1200);
    const body = { productId: product.id, qty: 2, address: "Busan 1" };
    const k = key();
    const first = await u.alice.post("/mall/orders", body, { headers: { "Idempotency-Key": k } });
    expect(first.status, show(first)).toBe(201);
    const second = await u.alice.post("/mall/orders", body, { headers: { "Idempotency-Key": k } });
    expect(second.status, show(second)).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("location")).toBe(first.headers.get("location"));

    // the same body with its keys in another order is the same request
    const reordered = await u.alice.post(
      "/mall/orders",
      { address: "Busan 1", qty: 2, productId: product.id },
      { headers: { "Idempotency-Key": k } },
    );
    expect(reordered.status, show(reordered)).toBe(201);
    expect(reordered.body.id).toBe(first.body.id);

    const orders = await list(u.alice, `/mall/orders?productId=${product.id}`);
    expect(orders.items.length).toBe(1);
    expect(orders.items[0].id).toBe(first.body.id);
    const pay = await payOf(u.alice, first.body.id);
    expect(pay.amount).toBe(2400);
    // nothing else for this product shows up in the view either
    await eventually(
      async () => expect((await list(u.bob, `/mall/orderStatuses?productId=${product.id}`)).items.length).toBe(1),
      SETTLE,
    );
  });

  it("same key with a different body: 422, and nothing more is created", async () => {
    const product = await newProduct(u.bob, 10, 500);
    const k = key();
    const first = await u.alice.post(
      "/mall/orders",
      { productId: product.id, qty: 1, address: "Daegu 2" },
      { headers: { "Idempotency-Key": k } },
    );
    expect(first.status, show(first)).toBe(201);
    const other = await u.alice.post(
      "/mall/orders",
      { productId: product.id, qty: 3, address: "Daegu 2" },
      { headers: { "Idempotency-Key": k } },
    );
    expectError(other, 422, "ValidationError");
    // the key still answers the first request
    const replay = await u.alice.post(
      "/mall/orders",
      { productId: product.id, qty: 1, address: "Daegu 2" },
      { headers: { "Idempotency-Key": k } },
    );
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    const orders = await list(u.alice, `/mall/orders?productId=${product.id}`);
    expect(orders.items.length).toBe(1);
    expect(orders.items[0].qty).toBe(1);
  });

  it("no key: two POSTs are two orders", async () => {
    const product = await newProduct(u.bob, 10, 700);
    const body = { productId: product.id, qty: 1, address: "Incheon 3" };
    const a = await u.alice.post("/mall/orders", body);
    const b = await u.alice.post("/mall/orders", body);
    expect(a.status, show(a)).toBe(201);
    expect(b.status, show(b)).toBe(201);
    expect(a.body.id).not.toBe(b.body.id);
    expect((await list(u.alice, `/mall/orders?productId=${product.id}`)).items.length).toBe(2);
    const [pa, pb] = await Promise.all([payOf(u.alice, a.body.id), payOf(u.alice, b.body.id)]);
    expect(pa.id).not.toBe(pb.id);
  });

  it("the same key from another caller is another request", async () => {
    const product = await newProduct(u.bob, 10, 900);
    const body = { productId: product.id, qty: 1, address: "Ulsan 4" };
    const k = key();
    const a = await u.alice.post("/mall/orders", body, { headers: { "Idempotency-Key": k } });
    const e = await u.erin.post("/mall/orders", body, { headers: { "Idempotency-Key": k } });
    expect(a.status, show(a)).toBe(201);
    expect(e.status, show(e)).toBe(201);
    expect(e.body.id).not.toBe(a.body.id);
    expect(a.body.customerId).toBe(u.ids.alice);
    expect(e.body.customerId).toBe(u.ids.erin);
    expect((await list(u.bob, `/mall/orders?productId=${product.id}`)).items.length).toBe(2);
  });

  it("the same key sent concurrently still creates one order", async () => {
    const product = await newProduct(u.bob, 10, 400);
    const body = { productId: product.id, qty: 1, address: "Gwangju 5" };
    const k = key();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => u.alice.post("/mall/orders", body, { headers: { "Idempotency-Key": k } })),
    );
    const created = answers.filter((r) => r.status === 201);
    expect(created.length, answers.map(show).join("\n")).toBeGreaterThanOrEqual(1);
    // a duplicate still in flight may be told so (409), never get a second order
    for (const r of answers) if (r.status !== 201) expectError(r, 409, "Conflict");
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect((await list(u.alice, `/mall/orders?productId=${product.id}`)).items.length).toBe(1);
    // once the first finished, a retry replays it
    const retry = await u.alice.post("/mall/orders", body, { headers: { "Idempotency-Key": k } });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(created[0]?.body.id);
  });

  it("works on commands too: a repeated check with its key answers the same and takes stock once", async () => {
    const product = await newProduct(u.bob, 4, 1000);
    const order = (await u.alice.post("/mall/orders", { productId: product.id, qty: 3, address: "Jeju 6" })).body;
    expect(order.id).toMatch(ULID);
    const pay = await payOf(u.bob, order.id);
    const k = key();
    const first = await u.bob.post(`/mall/pays/${pay.id}/check`, undefined, { headers: { "Idempotency-Key": k } });
    const second = await u.bob.post(`/mall/pays/${pay.id}/check`, undefined, { headers: { "Idempotency-Key": k } });
    expect(first.status, show(first)).toBe(200);
    expect(second.status, show(second)).toBe(200);
    expect(second.body).toEqual(first.body);
    expect((await getProduct(u.bob, product.id)).qty).toBe(1);
  });

  it("a product registered twice with one key is one product", async () => {
    const k = key();
    const body = { name: `Mouse ${k}`, price: 15_000, qty: 3 };
    const a = await u.bob.post("/mall/products", body, { headers: { "Idempotency-Key": k } });
    const b = await u.bob.post("/mall/products", body, { headers: { "Idempotency-Key": k } });
    expect(a.status, show(a)).toBe(201);
    expect(b.status, show(b)).toBe(201);
    expect(b.body).toEqual(a.body);
    const named = (await listAll(u.bob, "/mall/products")).filter((p) => p.name === body.name);
    expect(named.map((p) => p.id)).toEqual([a.body.id]);
    expect((await getProduct(u.bob, a.body.id)).qty).toBe(3);
  });

  it("refuses a key longer than 200 characters (422) and creates nothing", async () => {
    const product = await newProduct(u.bob, 10, 100);
    const res = await u.alice.post(
      "/mall/orders",
      { productId: product.id, qty: 1, address: "Suwon 7" },
      { headers: { "Idempotency-Key": "k".repeat(201) } },
    );
    expectError(res, 422, "ValidationError");
    expect((await list(u.alice, `/mall/orders?productId=${product.id}`)).items.length).toBe(0);
    const ok = await u.alice.post(
      "/mall/orders",
      { productId: product.id, qty: 1, address: "Suwon 7" },
      { headers: { "Idempotency-Key": "k".repeat(200) } },
    );
    expect(ok.status, show(ok)).toBe(201);
  });
});
