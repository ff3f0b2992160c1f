// The orderStatuses view reducers: forward-only status, no duplicate history,
// Korean labels by default, deterministic rebuild.
import type { EventEnvelope } from "@seed/platform";
import { Value } from "@sinclair/typebox/value";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { orderIdOf } from "../../src/ids.js";
import { labelOf, STATUS_LABELS } from "../../src/labels.js";
import { advance, localized, type OrderStatusRow, orderStatusReducers, placed } from "../../src/order-status.js";
import { type EventData, type MallEvent, MallEventSchemas } from "../../src/schemas.js";

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const ORDER = id(101);
const PRODUCT = id(1);
const PAY = id(201);
const DELIVERY = id(301);
const at = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();

type Reducer = (row: OrderStatusRow | undefined, e: EventEnvelope) => OrderStatusRow | undefined;
/** The reducers the mall.orderStatus service declares. */
const ON: Record<string, Reducer> = orderStatusReducers;

const DATA: { [K in MallEvent["type"]]: EventData<K> } = {
  ProductRegistered: { productId: PRODUCT, name: "Keyboard", price: 30_000, qty: 10 },
  OrderPlaced: {
    orderId: ORDER,
    customerId: "customer-1",
    productId: PRODUCT,
    productName: "Keyboard",
    qty: 2,
    price: 30_000,
    address: "Seoul, Gangnam-gu 1",
  },
  PayPlaced: { payId: PAY, orderId: ORDER, amount: 60_000, productId: PRODUCT, qty: 2, customerId: "customer-1" },
  PayChecked: { payId: PAY, orderId: ORDER },
  QtyDecreased: { orderId: ORDER, productId: PRODUCT, qty: 2, remaining: 8 },
  DeliveryStarted: { deliveryId: DELIVERY, orderId: ORDER, address: "Seoul, Gangnam-gu 1", customerId: "customer-1" },
  OrderClosed: { orderId: ORDER },
  DeliveryCompleted: { deliveryId: DELIVERY, orderId: ORDER },
  PayCanceled: { payId: PAY, orderId: ORDER, reason: "OrderCanceled", customerId: "customer-1" },
  StockRestored: { orderId: ORDER, productId: PRODUCT, qty: 2, remaining: 10 },
  OrderCanceled: { orderId: ORDER, reason: "CustomerCanceled" },
};

type Step = Exclude<MallEvent["type"], "ProductRegistered">;
const FLOW: Step[] = [
  "OrderPlaced",
  "PayPlaced",
  "PayChecked",
  "QtyDecreased",
  "DeliveryStarted",
  "OrderClosed",
  "DeliveryCompleted",
];

let seq = 0;
const env = (type: Step, i: number): EventEnvelope => ({
  id: id(5000 + seq++),
  type,
  aggregate: type.replace(/[A-Z][a-z]+$/, "").toLowerCase(),
  aggregateId: ORDER,
  correlationId: ORDER,
  occurredAt: at(i),
  version: 1,
  data: DATA[type],
});

/** Folds events the way the view's projector does: undefined from a reducer = row unchanged. */
function fold(events: EventEnvelope[]): Map<string, OrderStatusRow> {
  const rows = new Map<string, OrderStatusRow>();
  for (const e of events) {
    const reduce = ON[e.type];
    if (!reduce) continue;
    const key = orderIdOf(e);
    if (key === undefined) continue;
    const next = reduce(rows.get(key), e);
    if (next !== undefined) rows.set(key, next);
  }
  return rows;
}
const rowOf = (events: EventEnvelope[]) => fold(events).get(ORDER) as OrderStatusRow;
const steps = (types: Step[]) => types.map((t, i) => env(t, i));

describe("event fixtures", () => {
  it("all validate against MallEventSchemas", () => {
    for (const [type, data] of Object.entries(DATA)) {
      expect(Value.Check(MallEventSchemas[type as MallEvent["type"]], data)).toBe(true);
    }
  });
});

describe("placed", () => {
  it("creates the row from OrderPlaced with a Korean label", () => {
    const row = placed(undefined, env("OrderPlaced", 0));
    expect(row).toEqual({
      orderId: ORDER,
      customerId: "customer-1",
      productId: PRODUCT,
      productName: "Keyboard",
      qty: 2,
      price: 30_000,
      address: "Seoul, Gangnam-gu 1",
      status: "OrderPlaced",
      statusLabel: "주문접수",
      history: [{ status: "OrderPlaced", at: at(0) }],
      createdAt: at(0),
      updatedAt: at(0),
    });
  });

  it("a redelivered OrderPlaced changes nothing", () => {
    const row = rowOf(steps(["OrderPlaced", "PayPlaced"]));
    expect(placed(row, env("OrderPlaced", 9))).toBeUndefined();
    expect(rowOf([...steps(["OrderPlaced", "PayPlaced"]), env("OrderPlaced", 9)])).toEqual(row);
  });
});

describe("advance", () => {
  it("ignores a step without a row (nothing comes before OrderPlaced)", () => {
    expect(advance(undefined, env("PayPlaced", 0))).toBeUndefined();
  });

  it("follows the happy path with the spec's Korean labels", () => {
    const expected: Record<Step, string> = {
      OrderPlaced: "주문접수",
      PayPlaced: "입금확인대기",
      PayChecked: "입금확인완료",
      QtyDecreased: "상품준비완료",
      DeliveryStarted: "배송중",
      OrderClosed: "수령확인",
      DeliveryCompleted: "배송완료",
      PayCanceled: "결제취소",
      StockRestored: "재고복원",
      OrderCanceled: "주문취소",
    };
    for (let n = 1; n <= FLOW.length; n++) {
      const row = rowOf(steps(FLOW.slice(0, n)));
      const last = FLOW[n - 1] as Step;
      expect(row.status).toBe(last);
      expect(row.statusLabel).toBe(expected[last]);
      expect(row.history.map((h) => h.status)).toEqual(FLOW.slice(0, n));
      expect(row.updatedAt).toBe(at(n - 1));
      expect(row.createdAt).toBe(at(0));
    }
    for (const [status, label] of Object.entries(expected)) expect(labelOf(status)).toBe(label);
  });

  it("never moves backwards: DeliveryStarted then PayChecked stays DeliveryStarted", () => {
    const row = rowOf(steps(["OrderPlaced", "PayPlaced", "DeliveryStarted", "PayChecked"]));
    expect(row.status).toBe("DeliveryStarted");
    expect(row.statusLabel).toBe("배송중");
    // the late step is still recorded in the history
    expect(row.history.map((h) => h.status)).toEqual(["OrderPlaced", "PayPlaced", "DeliveryStarted", "PayChecked"]);
  });

  it("never moves backwards: DeliveryCompleted then OrderClosed stays DeliveryCompleted", () => {
    const row = rowOf(steps(["OrderPlaced", "DeliveryCompleted", "OrderClosed", "QtyDecreased"]));
    expect(row.status).toBe("DeliveryCompleted");
  });

  it("a cancellation is final", () => {
    const row = rowOf(
      steps(["OrderPlaced", "PayPlaced", "PayCanceled", "OrderCanceled", "PayChecked", "DeliveryStarted"]),
    );
    expect(row.status).toBe("OrderCanceled");
    expect(row.statusLabel).toBe("주문취소");
    const payOnly = rowOf(steps(["OrderPlaced", "PayCanceled", "PayChecked", "QtyDecreased", "DeliveryCompleted"]));
    expect(payOnly.status).toBe("PayCanceled");
    expect(payOnly.statusLabel).toBe("결제취소");
  });

  it("stock given back shows in the history; the row ends canceled whichever comes last", () => {
    const restoredLast = rowOf(
      steps(["OrderPlaced", "PayPlaced", "QtyDecreased", "PayCanceled", "OrderCanceled", "StockRestored"]),
    );
    const canceledLast = rowOf(
      steps(["OrderPlaced", "PayPlaced", "QtyDecreased", "PayCanceled", "StockRestored", "OrderCanceled"]),
    );
    for (const row of [restoredLast, canceledLast]) {
      expect(row.status).toBe("OrderCanceled");
      expect(row.history.map((h) => h.status)).toContain("StockRestored");
    }
    const beforeCancel = rowOf(steps(["OrderPlaced", "PayPlaced", "QtyDecreased", "PayCanceled", "StockRestored"]));
    expect(beforeCancel.statusLabel).toBe("재고복원");
  });

  it("OrderCanceled then a late PayCanceled stays OrderCanceled", () => {
    const row = rowOf(steps(["OrderPlaced", "OrderCanceled", "PayCanceled"]));
    expect(row.status).toBe("OrderCanceled");
  });

  it("a repeated event is not recorded twice", () => {
    const base = steps(["OrderPlaced", "PayPlaced", "PayChecked"]);
    const row = rowOf(base);
    expect(advance(row, env("PayChecked", 7))).toBeUndefined();
    expect(advance(row, env("PayPlaced", 8))).toBeUndefined();
    const again = rowOf([...base, env("PayChecked", 7), env("PayPlaced", 8), env("PayChecked", 9)]);
    expect(again).toEqual(row);
    expect(again.history).toHaveLength(3);
  });

  it("keeps rows of different orders apart", () => {
    const other = id(102);
    const e = (type: Step, i: number, orderId: string): EventEnvelope => ({
      ...env(type, i),
      data: { ...DATA[type], orderId },
    });
    const rows = fold([
      e("OrderPlaced", 0, ORDER),
      e("OrderPlaced", 1, other),
      e("PayPlaced", 2, ORDER),
      e("OrderCanceled", 3, other),
    ]);
    expect(rows.get(ORDER)?.status).toBe("PayPlaced");
    expect(rows.get(other)?.status).toBe("OrderCanceled");
  });

  it("does not mutate the row it was given", () => {
    const row = rowOf(steps(["OrderPlaced"]));
    const before = structuredClone(row);
    advance(row, env("PayPlaced", 1));
    expect(row).toEqual(before);
  });
});

describe("labels", () => {
  it("are Korean by default and English via localized(row, 'en')", () => {
    const row = rowOf(steps(["OrderPlaced", "PayPlaced", "PayChecked", "QtyDecreased", "DeliveryStarted"]));
    expect(row.statusLabel).toBe("배송중");
    expect(localized(row, "ko")).toEqual(row);
    const en = localized(row, "en");
    expect(en.statusLabel).toBe("In delivery");
    expect({ ...en, statusLabel: row.statusLabel }).toEqual(row);
    expect(row.statusLabel).toBe("배송중"); // the stored row is untouched
  });

  it("every status has both labels, and unknown statuses fall back to their name", () => {
    for (const [status, labels] of Object.entries(STATUS_LABELS)) {
      expect(labelOf(status)).toBe(labels.ko);
      expect(labelOf(status, "en")).toBe(labels.en);
      expect(labels.ko).not.toBe(labels.en);
    }
    expect(Object.keys(STATUS_LABELS).sort()).toEqual(Object.keys(ON).sort());
    expect(labelOf("Whatever")).toBe("Whatever");
  });
});

describe("rebuild", () => {
  it("folding the same event list twice from scratch gives equal rows", () => {
    const events = [
      ...steps(["OrderPlaced", "PayPlaced", "PayChecked", "QtyDecreased"]),
      env("PayChecked", 10), // redelivery
      env("DeliveryStarted", 11),
      env("QtyDecreased", 12), // late duplicate
      env("OrderClosed", 13),
    ];
    const first = fold(events);
    const second = fold(events);
    expect([...second.entries()]).toEqual([...first.entries()]);
    expect(first.get(ORDER)?.status).toBe("OrderClosed");
  });

  it("status is the furthest step whatever the arrival order (property)", () => {
    const rank = (t: Step) => [...FLOW, "PayCanceled", "StockRestored", "OrderCanceled"].indexOf(t);
    const later: Step[] = [...FLOW.slice(1), "PayCanceled", "StockRestored", "OrderCanceled"];
    fc.assert(
      fc.property(
        fc.subarray(later),
        fc.array(fc.nat({ max: 20 }), { maxLength: 5 }),
        fc.infiniteStream(fc.nat()),
        (chosen, dupIdx, rnd) => {
          // a random permutation of the chosen steps, plus some redeliveries
          const shuffled = [...chosen];
          const it = rnd[Symbol.iterator]();
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = (it.next().value as number) % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j] as Step, shuffled[i] as Step];
          }
          const withDups = [...shuffled];
          for (const d of dupIdx) if (shuffled.length) withDups.push(shuffled[d % shuffled.length] as Step);
          const events = steps(["OrderPlaced", ...withDups]);
          const row = rowOf(events);
          const furthest = ["OrderPlaced" as Step, ...chosen].reduce((a, b) => (rank(b) > rank(a) ? b : a));
          expect(row.status).toBe(furthest);
          expect(row.statusLabel).toBe(labelOf(furthest));
          expect(row.history).toHaveLength(1 + chosen.length);
          expect(rowOf(events)).toEqual(row);
        },
      ),
      { numRuns: 200 },
    );
  });
});
