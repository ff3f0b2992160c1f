// Delivery aggregate: at most one per order, started once, completed once.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { type DeliveryCommand, type DeliveryState, deliveryDecider, deliveryView } from "../../src/delivery.js";
import { MallEventSchemas } from "../../src/schemas.js";

const { ctx, at, fold, expectValid } = aggregateHarness(deliveryDecider, MallEventSchemas);

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const ORDER = id(101);
const DELIVERY = id(301);

const start: DeliveryCommand = {
  type: "Start",
  deliveryId: DELIVERY,
  orderId: ORDER,
  customerId: "customer-1",
  address: "Seoul, Gangnam-gu 1",
};

const started = () => fold(deliveryDecider.decide(undefined, start, ctx)) as DeliveryState;
const completed = () => {
  const s = started();
  return fold(deliveryDecider.decide(s, { type: "Complete" }, ctx), s, 1) as DeliveryState;
};

describe("Delivery.decide Start", () => {
  it("starts a delivery", () => {
    const events = deliveryDecider.decide(undefined, start, ctx);
    expect(events).toEqual([
      {
        type: "DeliveryStarted",
        data: { deliveryId: DELIVERY, orderId: ORDER, address: "Seoul, Gangnam-gu 1", customerId: "customer-1" },
      },
    ]);
    expectValid(events);
  });

  it("is idempotent: Start twice produces nothing (at most one delivery per order)", () => {
    expect(deliveryDecider.decide(started(), start, ctx)).toEqual([]);
    expect(deliveryDecider.decide(started(), { ...start, address: "elsewhere" }, ctx)).toEqual([]);
  });

  it("Start after completion produces nothing", () => {
    expect(deliveryDecider.decide(completed(), start, ctx)).toEqual([]);
  });
});

describe("Delivery.decide Complete", () => {
  it("refuses to complete an unknown delivery with 404", () => {
    const r = refusalOf(() => deliveryDecider.decide(undefined, { type: "Complete" }, ctx));
    expect([r.status, r.rule]).toEqual([404, "NotFound"]);
  });

  it("completes a started delivery", () => {
    const events = deliveryDecider.decide(started(), { type: "Complete" }, ctx);
    expect(events).toEqual([{ type: "DeliveryCompleted", data: { deliveryId: DELIVERY, orderId: ORDER } }]);
    expectValid(events);
  });

  it("is idempotent: Complete twice produces nothing the second time", () => {
    expect(deliveryDecider.decide(completed(), { type: "Complete" }, ctx)).toEqual([]);
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
