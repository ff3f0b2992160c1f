// The orderDashboards reducers: every field only moves forward, whatever the
// order and repetition of the events; Korean labels by default, English on ask;
// rows appear only once their order was placed.
import type { EventEnvelope } from "@seed/platform";
import { Value } from "@sinclair/typebox/value";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { orderIdOf } from "../../src/ids.js";
import { labelOf } from "../../src/labels.js";
import { localized, type OrderDashboardRow, orderDashboardReducers, STEP_RANK } from "../../src/order-dashboard.js";
import {
  type EventData,
  OrderDashboardRow as RowSchema,
  type SauceEvent,
  SauceEventSchemas,
} from "../../src/schemas.js";

const ORDER = "01HZX000000000000000000101";
const PAYMENT = "01HZX000000000000000000201";
const DELIVERY = "01HZX000000000000000000301";
const at = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();

type Reducer = (row: OrderDashboardRow | undefined, e: EventEnvelope) => OrderDashboardRow | undefined;
const ON = orderDashboardReducers as Record<string, Reducer>;

const DATA: { [K in SauceEvent["type"]]: EventData<K> } = {
  OrderPlaced: {
    orderId: ORDER,
    branchId: "gangnam-1",
    sauceId: "soy-garlic",
    qty: 20,
    price: 3500,
    customerId: "c-1",
  },
  PaymentAuthorized: { paymentId: PAYMENT, orderId: ORDER, amount: 70_000, customerId: "c-1" },
  PaymentApproved: { paymentId: PAYMENT, orderId: ORDER, amount: 70_000, customerId: "c-1" },
  DeliveryStarted: { deliveryId: DELIVERY, orderId: ORDER, customerId: "c-1" },
  DeliveryCompleted: { deliveryId: DELIVERY, orderId: ORDER },
  OrderCanceled: { orderId: ORDER },
  OrderDelivered: { orderId: ORDER, deliveryId: DELIVERY },
  PaymentCanceled: { paymentId: PAYMENT, orderId: ORDER, reason: "OrderCanceled", customerId: "c-1" },
  DeliveryCanceled: { deliveryId: DELIVERY, orderId: ORDER, customerId: "c-1" },
};

const ev = (type: SauceEvent["type"], i: number): EventEnvelope => ({
  id: `E${i}`,
  type,
  aggregate: "x",
  aggregateId: ORDER,
  correlationId: ORDER,
  occurredAt: at(i),
  version: 1,
  data: DATA[type],
});

/** Folds events the way the view does (events without a reducer are ignored). */
function fold(events: EventEnvelope[], row?: OrderDashboardRow): OrderDashboardRow | undefined {
  for (const e of events) {
    const reduce = ON[e.type];
    if (!reduce || orderIdOf(e) === undefined) continue;
    row = reduce(row, e) ?? row;
  }
  return row;
}

const DELIVERED = ["OrderPlaced", "PaymentApproved", "DeliveryStarted", "DeliveryCompleted"] as const;
const CANCELED = [
  "OrderPlaced",
  "PaymentApproved",
  "DeliveryStarted",
  "OrderCanceled",
  "PaymentCanceled",
  "DeliveryCanceled",
] as const;
/** The refund was handled before the delivery started: its cancel is the delivery's first event. */
const CANCELED_BEFORE_START = CANCELED.filter((t) => t !== "DeliveryStarted");
const flow = (types: readonly SauceEvent["type"][]) => types.map((t, i) => ev(t, i));

describe("orderDashboards rows", () => {
  it("follows the delivered flow with Korean labels", () => {
    const seen: Array<[string, string]> = [];
    let row: OrderDashboardRow | undefined;
    for (const e of flow(DELIVERED)) {
      row = fold([e], row);
      seen.push([row?.status ?? "", row?.statusLabel ?? ""]);
    }
    expect(seen).toEqual([
      ["Paid", "주문완료"],
      ["Approved", "결제승인"],
      ["Started", "배송시작"],
      ["Completed", "배송완료"],
    ]);
    const shown = localized(row as OrderDashboardRow, "ko");
    expect(shown).toEqual({
      orderId: ORDER,
      customerId: "c-1",
      branchId: "gangnam-1",
      sauceId: "soy-garlic",
      qty: 20,
      price: 3500,
      orderStatus: "Paid",
      paymentStatus: "Approved",
      deliveryStatus: "Completed",
      status: "Completed",
      statusLabel: "배송완료",
      history: [
        { status: "Paid", at: at(0) },
        { status: "Approved", at: at(1) },
        { status: "Started", at: at(2) },
        { status: "Completed", at: at(3) },
      ],
      createdAt: at(0),
      updatedAt: at(3),
    });
    expect(Object.keys(shown).sort()).toEqual(Object.keys(RowSchema.properties).sort());
    expect(localized(row as OrderDashboardRow, "en").statusLabel).toBe("Delivered");
  });

  it("follows the cancel flow: 주문취소, 결제취소, 배송취소", () => {
    const labels = flow(CANCELED).map((_, i, all) => fold(all.slice(0, i + 1))?.statusLabel);
    expect(labels.slice(3)).toEqual(["주문취소", "결제취소", "배송취소"]);
    expect(fold(flow(CANCELED))).toMatchObject({
      orderStatus: "Canceled",
      paymentStatus: "Canceled",
      deliveryStatus: "Canceled",
    });
  });

  it("a delivery canceled before it started ends the row as a started-then-canceled one does: 배송취소", () => {
    const {
      updatedAt: _a,
      history,
      ...tombstoned
    } = localized(fold(flow(CANCELED_BEFORE_START)) as OrderDashboardRow, "ko");
    const { updatedAt: _b, history: _h, ...canceled } = localized(fold(flow(CANCELED)) as OrderDashboardRow, "ko");
    expect(tombstoned).toEqual(canceled);
    expect(history.map((h) => h.status)).toEqual([
      "Paid",
      "Approved",
      "Canceled",
      "PaymentCanceled",
      "DeliveryCanceled",
    ]);
    expect(tombstoned).toMatchObject({
      deliveryStatus: "Canceled",
      status: "DeliveryCanceled",
      statusLabel: "배송취소",
    });
  });

  it("history: given a canceled order, when its events are folded late and redelivered, then each step is recorded once, in the order it happened", () => {
    const events = flow(CANCELED);
    const row = fold([...events].reverse().concat(events)) as OrderDashboardRow;
    expect(row.history).toEqual([
      { status: "Paid", at: at(0) },
      { status: "Approved", at: at(1) },
      { status: "Started", at: at(2) },
      { status: "Canceled", at: at(3) },
      { status: "PaymentCanceled", at: at(4) },
      { status: "DeliveryCanceled", at: at(5) },
    ]);
  });

  it("history: given a delivered order, when its DeliveryCompleted is redelivered, then the step is not recorded twice", () => {
    const events = flow(DELIVERED);
    const delivered = fold(events) as OrderDashboardRow;
    const again = fold([{ ...ev("DeliveryCompleted", 3), id: "E3-redelivered" }], delivered);
    expect(again?.history).toEqual(delivered.history);
    expect(again?.history.filter((h) => h.status === "Completed")).toHaveLength(1);
  });

  it("OrderDelivered (internal) changes no row: DeliveryCompleted shows the completion", () => {
    const events = flow(DELIVERED);
    const delivered = ev("OrderDelivered", events.length);
    expect(fold([...events, delivered])).toEqual(fold(events));
    expect(fold([delivered])).toBeUndefined();
  });

  it("every label has Korean and English", () => {
    for (const step of Object.keys(STEP_RANK)) {
      expect(labelOf(step, "ko")).toMatch(/[가-힣]/);
      expect(labelOf(step, "en")).toMatch(/^[A-Za-z ]+$/);
    }
  });

  it("a row exists for the client only once its order was placed; a refund of an order never stored makes none", () => {
    const early = fold([ev("PaymentApproved", 1)]);
    expect(early?.placed).toBe(false);
    expect(fold([ev("OrderPlaced", 0)], early)?.placed).toBe(true);
    const orphan = { ...ev("PaymentCanceled", 1), data: { ...DATA.PaymentCanceled, reason: "OrderNotStored" } };
    expect(fold([orphan])).toBeUndefined();
  });

  it("any order and any repetition of the events gives the same row, and no field ever moves back", () => {
    for (const base of [DELIVERED, CANCELED, CANCELED_BEFORE_START]) {
      const events = flow(base);
      const expected = localized(fold(events) as OrderDashboardRow, "ko");
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: events.length - 1 }), { minLength: 0, maxLength: 12 }),
          fc.infiniteStream(fc.nat()),
          (repeats, randoms) => {
            // a shuffled stream with every event at least once, some redelivered
            const all = [...events, ...repeats.map((i) => events[i] as EventEnvelope)];
            const it = randoms[Symbol.iterator]();
            const shuffled = all
              .map((e) => ({ e, k: it.next().value as number }))
              .sort((a, b) => a.k - b.k)
              .map((x) => x.e);
            let row: OrderDashboardRow | undefined;
            for (const e of shuffled) {
              const next = fold([e], row);
              if (row && next) {
                expect(STEP_RANK[next.status] ?? 0).toBeGreaterThanOrEqual(STEP_RANK[row.status] ?? 0);
                expect(next.updatedAt >= row.updatedAt).toBe(true);
                if (row.paymentStatus === "Canceled") expect(next.paymentStatus).toBe("Canceled");
                if (row.orderStatus === "Canceled") expect(next.orderStatus).toBe("Canceled");
              }
              row = next;
            }
            expect(localized(row as OrderDashboardRow, "ko")).toEqual(expected);
          },
        ),
        { numRuns: 200 },
      );
    }
  });

  it("event data of every sauce event matches its schema (the fixtures above are real events)", () => {
    for (const [type, data] of Object.entries(DATA)) {
      const schema = SauceEventSchemas[type as SauceEvent["type"]];
      expect(Value.Check(schema, data), type).toBe(true);
    }
  });
});
