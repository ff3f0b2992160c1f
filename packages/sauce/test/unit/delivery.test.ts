// Delivery aggregate: at most one per order; completed by an admin; canceled
// with its refund; a completed delivery is never canceled, a canceled one never completed.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { Delivery, type DeliveryCommand, type DeliveryState, deliveryView } from "../../src/delivery.js";
import { SauceEventSchemas } from "../../src/schemas.js";

const { ctx, at, run } = aggregateHarness(Delivery, SauceEventSchemas);
const ORDER = "01HZX000000000000000000101";
const DELIVERY = "01HZX000000000000000000301";
const start: DeliveryCommand = { type: "Start", deliveryId: DELIVERY, orderId: ORDER, customerId: "customer-1" };
const started = () => run(undefined, start).state as DeliveryState;
const complete: DeliveryCommand = { type: "Complete", orderCanceled: false };
const completed = () => run(started(), complete).state as DeliveryState;
const canceled = () => run(started(), { type: "Cancel" }).state as DeliveryState;
const data = { deliveryId: DELIVERY, orderId: ORDER };

describe("Delivery.decide Start", () => {
  it("starts the order's delivery", () => {
    const { events, state } = run(undefined, start);
    expect(events).toEqual([{ type: "DeliveryStarted", data: { ...data, customerId: "customer-1" } }]);
    expect(deliveryView(state as DeliveryState)).toEqual({
      id: DELIVERY,
      orderId: ORDER,
      status: "Started",
      createdAt: at(0),
      updatedAt: at(0),
    });
  });

  it("starts at most one delivery per order, whatever became of it", () => {
    for (const s of [started(), completed(), canceled()]) expect(Delivery.decide(s, start, ctx)).toEqual([]);
  });
});

describe("Delivery.decide Complete", () => {
  it("completes a started delivery once", () => {
    const { events, state } = run(started(), complete);
    expect(events).toEqual([{ type: "DeliveryCompleted", data }]);
    expect(state?.status).toBe("Completed");
    expect(Delivery.decide(state, complete, ctx)).toEqual([]);
  });

  it("refuses a canceled delivery or one whose order was canceled (409)", () => {
    const r1 = refusalOf(() => Delivery.decide(canceled(), complete, ctx));
    expect([r1.status, r1.rule]).toEqual([409, "DeliveryCanceled"]);
    const r2 = refusalOf(() => Delivery.decide(started(), { type: "Complete", orderCanceled: true }, ctx));
    expect([r2.status, r2.rule]).toEqual([409, "OrderCanceled"]);
  });

  it("an unknown delivery is 404", () => {
    expect(refusalOf(() => Delivery.decide(undefined, complete, ctx)).status).toBe(404);
  });
});

describe("Delivery.decide Cancel", () => {
  it("cancels a started delivery once", () => {
    const { events, state } = run(started(), { type: "Cancel" });
    expect(events).toEqual([{ type: "DeliveryCanceled", data }]);
    expect(state?.status).toBe("Canceled");
    expect(Delivery.decide(state, { type: "Cancel" }, ctx)).toEqual([]);
  });

  it("refuses to cancel a completed delivery (409 AlreadyDelivered)", () => {
    const r = refusalOf(() => Delivery.decide(completed(), { type: "Cancel" }, ctx));
    expect([r.status, r.rule]).toEqual([409, "AlreadyDelivered"]);
  });

  it("nothing to cancel when no delivery started (404, an answer for the policy)", () => {
    expect(refusalOf(() => Delivery.decide(undefined, { type: "Cancel" }, ctx)).status).toBe(404);
  });
});
