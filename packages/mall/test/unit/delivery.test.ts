// Delivery aggregate: at most one per order, started once, completed once.
import { Refusal } from "@seed/platform/domain";
import { Value } from "@sinclair/typebox/value";
import { describe, expect, it } from "vitest";
import { Delivery, type DeliveryCommand, type DeliveryState, deliveryView } from "../../src/delivery.js";
import { MallEventSchemas } from "../../src/schemas.js";

type DeliveryEvent = ReturnType<typeof Delivery.decide>[number];

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const ORDER = id(101);
const DELIVERY = id(301);
const ctx = { now: "2025-01-01T00:00:00.000Z" };
const at = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();

const start: DeliveryCommand = {
  type: "Start",
  deliveryId: DELIVERY,
  orderId: ORDER,
  customerId: "customer-1",
  address: "Seoul, Gangnam-gu 1",
};

function fold(events: DeliveryEvent[], state?: DeliveryState, from = 0): DeliveryState | undefined {
  return events.reduce<DeliveryState | undefined>(
    (s, e, i) => Delivery.evolve(s, e, { at: at(from + i), seq: from + i + 1 }),
    state,
  );
}

function refusalOf(fn: () => unknown): Refusal {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Refusal);
    return e as Refusal;
  }
  throw new Error("expected a Refusal, nothing was thrown");
}

function expectValid(events: DeliveryEvent[]) {
  for (const e of events) {
    const schema = MallEventSchemas[e.type];
    expect(schema).toBeDefined();
    expect([...Value.Errors(schema, e.data)].map((x) => `${x.path} ${x.message}`)).toEqual([]);
    expect(Value.Check(schema, e.data)).toBe(true);
  }
}

const started = () => fold(Delivery.decide(undefined, start, ctx)) as DeliveryState;
const completed = () => {
  const s = started();
  return fold(Delivery.decide(s, { type: "Complete" }, ctx), s, 1) as DeliveryState;
};

describe("Delivery.decide Start", () => {
  it("starts a delivery", () => {
    const events = Delivery.decide(undefined, start, ctx);
    expect(events).toEqual([
      {
        type: "DeliveryStarted",
        data: { deliveryId: DELIVERY, orderId: ORDER, address: "Seoul, Gangnam-gu 1", customerId: "customer-1" },
      },
    ]);
    expectValid(events);
  });

  it("is idempotent: Start twice produces nothing (at most one delivery per order)", () => {
    expect(Delivery.decide(started(), start, ctx)).toEqual([]);
    expect(Delivery.decide(started(), { ...start, address: "elsewhere" }, ctx)).toEqual([]);
  });

  it("Start after completion produces nothing", () => {
    expect(Delivery.decide(completed(), start, ctx)).toEqual([]);
  });
});

describe("Delivery.decide Complete", () => {
  it("refuses to complete an unknown delivery with 404", () => {
    const r = refusalOf(() => Delivery.decide(undefined, { type: "Complete" }, ctx));
    expect([r.status, r.rule]).toEqual([404, "NotFound"]);
  });

  it("completes a started delivery", () => {
    const events = Delivery.decide(started(), { type: "Complete" }, ctx);
    expect(events).toEqual([{ type: "DeliveryCompleted", data: { deliveryId: DELIVERY, orderId: ORDER } }]);
    expectValid(events);
  });

  it("is idempotent: Complete twice produces nothing the second time", () => {
    expect(Delivery.decide(completed(), { type: "Complete" }, ctx)).toEqual([]);
  });
});

describe("Delivery.evolve", () => {
  it("folds started → completed", () => {
    const s = completed();
    expect(s).toEqual({
      id: DELIVERY,
      orderId: ORDER,
      customerId: "customer-1",
      address: "Seoul, Gangnam-gu 1",
      status: "DeliveryCompleted",
      createdAt: at(0),
      updatedAt: at(1),
    });
    expect(deliveryView(s)).toEqual({
      id: DELIVERY,
      orderId: ORDER,
      address: "Seoul, Gangnam-gu 1",
      status: "DeliveryCompleted",
      createdAt: at(0),
      updatedAt: at(1),
    });
  });

  it("folds a started delivery", () => {
    expect(started().status).toBe("DeliveryStarted");
  });
});
