// Delivery: at most one per order, started once, completed once.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { type DeliveryCommand, deliveryDecider, deliveryView } from "./delivery.js";
import { MallEventSchemas } from "./schemas.js";

const { given, history, at } = deciderSpec(deliveryDecider, MallEventSchemas);

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
const deliveryCompleted = { type: "DeliveryCompleted" as const, data: { deliveryId: DELIVERY, orderId: ORDER } };

const started = history(start);
const completed = history(start, { type: "Complete" });

describe("Delivery Start", () => {
  it("starts a delivery", () => {
    given([])
      .when(start)
      .then([
        {
          type: "DeliveryStarted",
          data: { deliveryId: DELIVERY, orderId: ORDER, address: "Seoul, Gangnam-gu 1", customerId: "customer-1" },
        },
      ]);
  });

  it("is idempotent: Start twice produces nothing (at most one delivery per order)", () => {
    given(started).when(start).thenNothing();
    given(started)
      .when({ ...start, address: "elsewhere" })
      .thenNothing();
  });

  it("Start after completion produces nothing", () => {
    given(completed).when(start).thenNothing();
  });
});

describe("Delivery Complete", () => {
  it("refuses to complete an unknown delivery with 404", () => {
    given([]).when({ type: "Complete" }).thenRefuses(404, "NotFound");
  });

  it("completes a started delivery", () => {
    given(started).when({ type: "Complete" }).then([deliveryCompleted]);
  });

  it("is idempotent: Complete twice produces nothing the second time", () => {
    given(completed).when({ type: "Complete" }).thenNothing();
  });
});

describe("Delivery evolve", () => {
  it("folds started → completed", () => {
    const s = given(started).when({ type: "Complete" }).then([deliveryCompleted]);
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
    expect(given(started).state.status).toBe("DeliveryStarted");
  });
});
