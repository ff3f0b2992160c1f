// Product aggregate: registration, stock decrease once per order, never below zero.
import { Refusal } from "@seed/platform/domain";
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ProductCommand, type ProductState, productDecider, productView } from "../../src/product.js";
import { MallEventSchemas } from "../../src/schemas.js";

type ProductEvent = ReturnType<typeof productDecider.decide>[number];

const { ctx, at, fold, run, expectValid } = aggregateHarness(productDecider, MallEventSchemas);

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const PRODUCT = id(1);
const ORDER_A = id(101);
const ORDER_B = id(102);

const register = (qty: number): Extract<ProductCommand, { type: "Register" }> => ({
  type: "Register",
  productId: PRODUCT,
  name: "Keyboard",
  price: 30_000,
  qty,
});
const registered = (qty: number) => run(undefined, register(qty)).state as ProductState;

describe("Product.decide Register", () => {
  it("registers a new product with its stock", () => {
    const events = productDecider.decide(undefined, register(5), ctx);
    expect(events).toEqual([
      { type: "ProductRegistered", data: { productId: PRODUCT, name: "Keyboard", price: 30_000, qty: 5 } },
    ]);
    expectValid(events);
  });

  it("accepts zero stock", () => {
    const events = productDecider.decide(undefined, register(0), ctx);
    expect(events).toHaveLength(1);
    expectValid(events);
  });

  it("is idempotent: Register twice produces nothing the second time", () => {
    const s = registered(5);
    expect(productDecider.decide(s, register(5), ctx)).toEqual([]);
    expect(productDecider.decide(s, { ...register(99), name: "Other" }, ctx)).toEqual([]);
  });
});

describe("Product.decide DecreaseStock", () => {
  it("refuses an unknown product with 404 NotFound", () => {
    const r = refusalOf(() =>
      productDecider.decide(undefined, { type: "DecreaseStock", orderId: ORDER_A, qty: 1 }, ctx),
    );
    expect(r.status).toBe(404);
    expect(r.rule).toBe("NotFound");
  });

  it("decreases stock and reports what remains", () => {
    const s = registered(5);
    const events = productDecider.decide(s, { type: "DecreaseStock", orderId: ORDER_A, qty: 2 }, ctx);
    expect(events).toEqual([
      { type: "QtyDecreased", data: { orderId: ORDER_A, productId: PRODUCT, qty: 2, remaining: 3 } },
    ]);
    expectValid(events);
  });

  it("may take the last item (remaining 0)", () => {
    const { events, state } = run(registered(3), { type: "DecreaseStock", orderId: ORDER_A, qty: 3 });
    expect(events).toHaveLength(1);
    expectValid(events);
    expect(state?.qty).toBe(0);
  });

  it("refuses more than the stock with 409 OutOfStock and leaves stock unchanged", () => {
    const s = registered(2);
    const before = structuredClone(s);
    const r = refusalOf(() => productDecider.decide(s, { type: "DecreaseStock", orderId: ORDER_A, qty: 3 }, ctx));
    expect(r.status).toBe(409);
    expect(r.rule).toBe("OutOfStock");
    expect(s).toEqual(before);
    expect(s.qty).toBe(2);
    expect(s.decreasedFor).toEqual({});
  });

  it("refuses any order once stock is 0", () => {
    const { state } = run(registered(1), { type: "DecreaseStock", orderId: ORDER_A, qty: 1 });
    const r = refusalOf(() => productDecider.decide(state, { type: "DecreaseStock", orderId: ORDER_B, qty: 1 }, ctx));
    expect([r.status, r.rule]).toEqual([409, "OutOfStock"]);
  });

  it("is idempotent per order: DecreaseStock twice for one order decreases once", () => {
    const first = run(registered(5), { type: "DecreaseStock", orderId: ORDER_A, qty: 2 });
    expect(first.state?.qty).toBe(3);
    const again = productDecider.decide(first.state, { type: "DecreaseStock", orderId: ORDER_A, qty: 2 }, ctx);
    expect(again).toEqual([]);
    // also when the retry claims a different quantity
    expect(productDecider.decide(first.state, { type: "DecreaseStock", orderId: ORDER_A, qty: 1 }, ctx)).toEqual([]);
  });

  it("a retry of an already-served order is not refused even when stock is now short", () => {
    const first = run(registered(2), { type: "DecreaseStock", orderId: ORDER_A, qty: 2 });
    expect(first.state?.qty).toBe(0);
    expect(productDecider.decide(first.state, { type: "DecreaseStock", orderId: ORDER_A, qty: 2 }, ctx)).toEqual([]);
  });
});

describe("Product.decide RestoreStock (the order ended canceled)", () => {
  const restore = (orderId: string) => ({ type: "RestoreStock" as const, orderId });

  it("gives back what the order took, and says what remains", () => {
    const taken = run(registered(5), { type: "DecreaseStock", orderId: ORDER_A, qty: 2 });
    const { events, state } = run(taken.state, restore(ORDER_A));
    expect(events).toEqual([
      { type: "StockRestored", data: { orderId: ORDER_A, productId: PRODUCT, qty: 2, remaining: 5 } },
    ]);
    expectValid(events);
    expect(state?.qty).toBe(5);
  });

  it("gives back once, however often it is asked", () => {
    const taken = run(registered(5), { type: "DecreaseStock", orderId: ORDER_A, qty: 2 });
    const restored = run(taken.state, restore(ORDER_A));
    expect(productDecider.decide(restored.state, restore(ORDER_A), ctx)).toEqual([]);
  });

  it("gives back nothing for an order that took nothing", () => {
    expect(productDecider.decide(registered(5), restore(ORDER_A), ctx)).toEqual([]);
  });

  it("a decrease retried after the restore takes nothing again", () => {
    const taken = run(registered(5), { type: "DecreaseStock", orderId: ORDER_A, qty: 2 });
    const restored = run(taken.state, restore(ORDER_A));
    expect(productDecider.decide(restored.state, { type: "DecreaseStock", orderId: ORDER_A, qty: 2 }, ctx)).toEqual([]);
  });

  it("leaves other orders' stock alone", () => {
    const a = run(registered(5), { type: "DecreaseStock", orderId: ORDER_A, qty: 2 });
    const b = run(a.state, { type: "DecreaseStock", orderId: ORDER_B, qty: 1 });
    const { state } = run(b.state, restore(ORDER_A));
    expect(state?.qty).toBe(4);
    expect(productDecider.decide(state, restore(ORDER_B), ctx)).toHaveLength(1);
  });

  it("refuses an unknown product with 404 NotFound", () => {
    expect(refusalOf(() => productDecider.decide(undefined, restore(ORDER_A), ctx)).status).toBe(404);
  });
});

describe("Product.evolve", () => {
  it("folds registration into the initial state", () => {
    const s = registered(7);
    expect(s).toEqual({
      id: PRODUCT,
      name: "Keyboard",
      price: 30_000,
      qty: 7,
      decreasedFor: {},
      createdAt: at(0),
      updatedAt: at(0),
    });
    expect(productView(s)).toEqual({
      id: PRODUCT,
      name: "Keyboard",
      price: 30_000,
      qty: 7,
      createdAt: at(0),
      updatedAt: at(0),
    });
  });

  it("stock = initial − Σ decreased after a sequence of events", () => {
    const events: ProductEvent[] = [
      { type: "ProductRegistered", data: { productId: PRODUCT, name: "Keyboard", price: 30_000, qty: 10 } },
      { type: "QtyDecreased", data: { orderId: ORDER_A, productId: PRODUCT, qty: 3, remaining: 7 } },
      { type: "QtyDecreased", data: { orderId: ORDER_B, productId: PRODUCT, qty: 4, remaining: 3 } },
    ];
    expectValid(events);
    const s = fold(events) as ProductState;
    expect(s.qty).toBe(10 - 3 - 4);
    expect(s.decreasedFor).toEqual({ [ORDER_A]: 3, [ORDER_B]: 4 });
    expect(s.createdAt).toBe(at(0));
    expect(s.updatedAt).toBe(at(2));
  });

  it("decide then evolve over several orders keeps stock = initial − Σ decreased", () => {
    let s: ProductState | undefined = registered(10);
    const orders = [id(201), id(202), id(203), id(204)];
    const qtys = [4, 3, 5, 3]; // the third is short (only 3 left)
    let taken = 0;
    for (const [i, orderId] of orders.entries()) {
      const qty = qtys[i] as number;
      try {
        const r = run(s, { type: "DecreaseStock", orderId, qty });
        expectValid(r.events);
        s = r.state;
        taken += qty;
      } catch (e) {
        expect((e as Refusal).rule).toBe("OutOfStock");
      }
    }
    expect(s?.qty).toBe(0);
    expect(taken).toBe(10);
    expect(Object.keys(s?.decreasedFor ?? {})).toEqual([orders[0], orders[1], orders[3]]);
  });

  it("does not mutate the previous state", () => {
    const s = registered(5);
    const before = structuredClone(s);
    run(s, { type: "DecreaseStock", orderId: ORDER_A, qty: 1 });
    expect(s).toEqual(before);
  });
});

describe("Product stock (property)", () => {
  it("never goes below 0 and initial − current = Σ qty of QtyDecreased", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.array(fc.record({ order: fc.integer({ min: 0, max: 15 }), qty: fc.integer({ min: 1, max: 1000 }) }), {
          maxLength: 60,
        }),
        (initial, commands) => {
          let s = registered(initial);
          const decreased: Array<{ orderId: string; qty: number }> = [];
          for (const c of commands) {
            const orderId = id(1000 + c.order);
            const before = s.qty;
            let events: ProductEvent[];
            try {
              events = productDecider.decide(s, { type: "DecreaseStock", orderId, qty: c.qty }, ctx);
            } catch (e) {
              expect(e).toBeInstanceOf(Refusal);
              expect((e as Refusal).rule).toBe("OutOfStock");
              expect(c.qty).toBeGreaterThan(before);
              continue;
            }
            expectValid(events);
            for (const e of events) if (e.type === "QtyDecreased") decreased.push(e.data);
            s = fold(events, s) as ProductState;
            expect(s.qty).toBeGreaterThanOrEqual(0);
          }
          expect(s.qty).toBeGreaterThanOrEqual(0);
          const sum = decreased.reduce((n, d) => n + d.qty, 0);
          expect(initial - s.qty).toBe(sum);
          // each order decreased at most once
          expect(new Set(decreased.map((d) => d.orderId)).size).toBe(decreased.length);
          expect(Object.values(s.decreasedFor).reduce((n, q) => n + q, 0)).toBe(sum);
        },
      ),
      { numRuns: 300 },
    );
  });
});
