// Product: registration, stock decrease once per order, never below zero, given back once.
import { Refusal } from "@seed/platform/domain";
import { deciderSpec } from "@seed/platform/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ProductCommand, productDecider, productView } from "./product.js";
import { MallEventSchemas } from "./schemas.js";

type ProductEvent = ReturnType<typeof productDecider.decide>[number];

const { given, history, at, expectValid } = deciderSpec(productDecider, MallEventSchemas);

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
const decrease = (orderId: string, qty: number) => ({ type: "DecreaseStock" as const, orderId, qty });
const restore = (orderId: string) => ({ type: "RestoreStock" as const, orderId });
const qtyDecreased = (orderId: string, qty: number, remaining: number) => ({
  type: "QtyDecreased" as const,
  data: { orderId, productId: PRODUCT, qty, remaining },
});
const registered = (qty: number) => history(register(qty));

describe("Product Register", () => {
  it("registers a new product with its stock", () => {
    given([])
      .when(register(5))
      .then([{ type: "ProductRegistered", data: { productId: PRODUCT, name: "Keyboard", price: 30_000, qty: 5 } }]);
  });

  it("accepts zero stock", () => {
    expect(given([]).when(register(0)).outcome().events).toHaveLength(1);
  });

  it("is idempotent: Register twice produces nothing the second time", () => {
    given(registered(5)).when(register(5)).thenNothing();
    given(registered(5))
      .when({ ...register(99), name: "Other" })
      .thenNothing();
  });
});

describe("Product DecreaseStock", () => {
  it("refuses an unknown product with 404 NotFound", () => {
    given([]).when(decrease(ORDER_A, 1)).thenRefuses(404, "NotFound");
  });

  it("decreases stock and reports what remains", () => {
    given(registered(5))
      .when(decrease(ORDER_A, 2))
      .then([qtyDecreased(ORDER_A, 2, 3)]);
  });

  it("may take the last item (remaining 0)", () => {
    const state = given(registered(3))
      .when(decrease(ORDER_A, 3))
      .then([qtyDecreased(ORDER_A, 3, 0)]);
    expect(state.qty).toBe(0);
  });

  it("refuses more than the stock with 409 OutOfStock and leaves stock unchanged", () => {
    const g = given(registered(2));
    const before = structuredClone(g.state);
    g.when(decrease(ORDER_A, 3)).thenRefuses(409, "OutOfStock");
    expect(g.state).toEqual(before);
    expect(g.state).toMatchObject({ qty: 2, decreasedFor: {} });
  });

  it("refuses any order once stock is 0", () => {
    given(history(register(1), decrease(ORDER_A, 1)))
      .when(decrease(ORDER_B, 1))
      .thenRefuses(409, "OutOfStock");
  });

  it("is idempotent per order: DecreaseStock twice for one order decreases once", () => {
    const first = history(register(5), decrease(ORDER_A, 2));
    expect(given(first).state).toMatchObject({ qty: 3 });
    given(first).when(decrease(ORDER_A, 2)).thenNothing();
    // also when the retry claims a different quantity
    given(first).when(decrease(ORDER_A, 1)).thenNothing();
  });

  it("a retry of an already-served order is not refused even when stock is now short", () => {
    const first = history(register(2), decrease(ORDER_A, 2));
    expect(given(first).state).toMatchObject({ qty: 0 });
    given(first).when(decrease(ORDER_A, 2)).thenNothing();
  });
});

describe("Product RestoreStock (the order ended canceled)", () => {
  it("gives back what the order took, and says what remains", () => {
    const state = given(history(register(5), decrease(ORDER_A, 2)))
      .when(restore(ORDER_A))
      .then([{ type: "StockRestored", data: { orderId: ORDER_A, productId: PRODUCT, qty: 2, remaining: 5 } }]);
    expect(state.qty).toBe(5);
  });

  it("gives back once, however often it is asked", () => {
    given(history(register(5), decrease(ORDER_A, 2), restore(ORDER_A)))
      .when(restore(ORDER_A))
      .thenNothing();
  });

  it("gives back nothing for an order that took nothing", () => {
    given(registered(5)).when(restore(ORDER_A)).thenNothing();
  });

  it("a decrease retried after the restore takes nothing again", () => {
    given(history(register(5), decrease(ORDER_A, 2), restore(ORDER_A)))
      .when(decrease(ORDER_A, 2))
      .thenNothing();
  });

  it("leaves other orders' stock alone", () => {
    const restoredA = history(register(5), decrease(ORDER_A, 2), decrease(ORDER_B, 1), restore(ORDER_A));
    expect(given(restoredA).state).toMatchObject({ qty: 4 });
    expect(given(restoredA).when(restore(ORDER_B)).outcome().events).toHaveLength(1);
  });

  it("refuses an unknown product with 404 NotFound", () => {
    given([]).when(restore(ORDER_A)).thenRefuses(404, "NotFound");
  });
});

describe("Product evolve", () => {
  it("folds registration into the initial state", () => {
    const s = given([])
      .when(register(7))
      .then([{ type: "ProductRegistered", data: { productId: PRODUCT, name: "Keyboard", price: 30_000, qty: 7 } }]);
    expect(s).toEqual({
      status: "Registered",
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
      qtyDecreased(ORDER_A, 3, 7),
      qtyDecreased(ORDER_B, 4, 3),
    ];
    expectValid(events);
    expect(given(events).state).toMatchObject({
      qty: 10 - 3 - 4,
      decreasedFor: { [ORDER_A]: 3, [ORDER_B]: 4 },
      createdAt: at(0),
      updatedAt: at(2),
    });
  });

  it("decide then evolve over several orders keeps stock = initial − Σ decreased", () => {
    const events = registered(10);
    const orders = [id(201), id(202), id(203), id(204)];
    const qtys = [4, 3, 5, 3]; // the third is short (only 3 left)
    let taken = 0;
    for (const [i, orderId] of orders.entries()) {
      const qty = qtys[i] as number;
      try {
        events.push(...given(events).when(decrease(orderId, qty)).outcome().events);
        taken += qty;
      } catch (e) {
        expect((e as Refusal).rule).toBe("OutOfStock");
      }
    }
    const s = given(events).state;
    expect(s).toMatchObject({ qty: 0 });
    expect(taken).toBe(10);
    expect(s.status === "Registered" && Object.keys(s.decreasedFor)).toEqual([orders[0], orders[1], orders[3]]);
  });

  it("does not mutate the previous state", () => {
    const g = given(registered(5));
    const before = structuredClone(g.state);
    g.when(decrease(ORDER_A, 1)).outcome();
    expect(g.state).toEqual(before);
  });

  it("an event on a product never registered leaves it empty", () => {
    expect(given([qtyDecreased(ORDER_A, 1, 0)]).state).toEqual({ status: "Empty" });
    expect(
      given([{ type: "StockRestored", data: { orderId: ORDER_A, productId: PRODUCT, qty: 1, remaining: 1 } }]).state,
    ).toEqual({
      status: "Empty",
    });
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
          const events = registered(initial);
          const stockOf = () => {
            const s = given(events).state;
            if (s.status === "Empty") throw new Error("registered");
            return s;
          };
          const decreased: Array<{ orderId: string; qty: number }> = [];
          for (const c of commands) {
            const orderId = id(1000 + c.order);
            const before = stockOf().qty;
            let decided: ProductEvent[];
            try {
              decided = given(events).when(decrease(orderId, c.qty)).outcome().events;
            } catch (e) {
              expect(e).toBeInstanceOf(Refusal);
              expect((e as Refusal).rule).toBe("OutOfStock");
              expect(c.qty).toBeGreaterThan(before);
              continue;
            }
            for (const e of decided) if (e.type === "QtyDecreased") decreased.push(e.data);
            events.push(...decided);
            expect(stockOf().qty).toBeGreaterThanOrEqual(0);
          }
          const s = stockOf();
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
