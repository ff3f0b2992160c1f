// An order's product name and price come from the catalog, never from the
// client: a body naming its own is refused, a price the customer saw that is
// no longer the catalog's is 409 PriceChanged with the current price, and an
// unknown product is 404. None of these refusals stores an order or a pay.
import type { TestNode } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import {
  type Actors,
  expectError,
  expectNoOrderStored,
  expectValidation,
  type Json,
  NO_ORDER_TIMEOUT,
  newProduct,
  payOf,
  show,
  streamEnd,
  uniqueName,
  unknownId,
  useMallNode,
} from "./helpers.js";

/** Tests proving nothing was stored wait for the pay policy, at most NO_ORDER_TIMEOUT. */
const WAIT = NO_ORDER_TIMEOUT + 20_000;

let node: TestNode;
let u: Actors;
/** A product priced 5000 (the fence orders of the checks go to it too). */
let tv: Json;

useMallNode(async (started, users) => {
  node = started;
  u = users;
  tv = await newProduct(u.bob, 100, 5000, uniqueName("TV"));
});

describe("the order's name and price come from the catalog", () => {
  it("an order without a price is placed at the catalog's; its pay is that price × qty", async () => {
    const res = await u.alice.post("/mall/orders", { productId: tv.id, qty: 2, address: uniqueName("Seoul") });
    expect(res.status, show(res)).toBe(201);
    expect(res.body).toMatchObject({ productId: tv.id, productName: tv.name, price: 5000, qty: 2 });
    expect((await payOf(u.alice, res.body.id)).amount).toBe(10_000);
  });

  it("an order at the price the customer saw, when it is the catalog's, is placed", async () => {
    const res = await u.alice.post("/mall/orders", { productId: tv.id, qty: 1, price: 5000, address: "Seoul" });
    expect(res.status, show(res)).toBe(201);
    expect(res.body).toMatchObject({ productName: tv.name, price: 5000 });
    expect((await payOf(u.alice, res.body.id)).amount).toBe(5000);
  });

  it(
    "a body naming the product (and its own price) is refused with 422 and stores nothing",
    async () => {
      const address = uniqueName("named");
      const before = await streamEnd(node);
      const res = await u.alice.post("/mall/orders", {
        productId: tv.id,
        qty: 2,
        address,
        productName: "TV",
        price: 1,
      });
      expectValidation(res, ["/productName"]);
      await expectNoOrderStored(node, u.alice, tv, before, address);
    },
    WAIT,
  );
});

describe("a price the customer saw that is not the catalog's", () => {
  it(
    "is 409 PriceChanged with the current price, and stores nothing",
    async () => {
      const address = uniqueName("cheap");
      const before = await streamEnd(node);
      const res = await u.alice.post("/mall/orders", { productId: tv.id, qty: 2, address, price: 1 });
      expectError(res, 409, "Conflict");
      expect(res.body).toEqual({
        error: "Conflict",
        reason: "PriceChanged",
        message: `the price of ${tv.name} is now 5000`,
        details: { price: 5000 },
        requestId: expect.any(String),
      });
      await expectNoOrderStored(node, u.alice, tv, before, address);
    },
    WAIT,
  );

  it("is refused too when the price seen is higher", async () => {
    const res = await u.alice.post("/mall/orders", { productId: tv.id, qty: 1, address: "Seoul", price: 5001 });
    expectError(res, 409, "Conflict");
    expect(res.body).toMatchObject({ reason: "PriceChanged", details: { price: 5000 } });
  });
});

describe("a product that does not exist", () => {
  it(
    "is 404 at order time, and stores nothing",
    async () => {
      const address = uniqueName("ghost");
      const before = await streamEnd(node);
      const res = await u.alice.post("/mall/orders", { productId: unknownId(), qty: 2, address, price: 1 });
      expectError(res, 404, "NotFound");
      await expectNoOrderStored(node, u.alice, tv, before, address);
    },
    WAIT,
  );
});
