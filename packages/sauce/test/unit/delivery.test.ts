// Delivery aggregate: at most one per order; completed once the order recorded
// it; canceled with its refund, also before it started (then it never starts);
// a completed delivery is never canceled, a canceled one never completed.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import {
  type DeliveryCommand,
  type DeliveryState,
  deliveryDecider,
  deliveryView,
  ensureCompletable,
} from "../../src/delivery.js";
import { SauceEventSchemas } from "../../src/schemas.js";

const { ctx, at, run } = aggregateHarness(deliveryDecider, SauceEventSchemas);
const ORDER = "01HZX000000000000000000101";
const DELIVERY = "01HZX000000000000000000301";
const of = { deliveryId: DELIVERY, orderId: ORDER, customerId: "customer-1" };
const start: DeliveryCommand = { type: "Start", ...of };
const cancel: DeliveryCommand = { type: "Cancel", ...of };
const complete: DeliveryCommand = { type: "Complete" };
const started = () => run(undefined, start).state as DeliveryState;
const completed = () => run(started(), complete).state as DeliveryState;
const canceled = () => run(started(), cancel).state as DeliveryState;
const data = { deliveryId: DELIVERY, orderId: ORDER };

/** Decides and folds commands one after the other, as the policy would handle them; refusals change nothing. */
function handle(commands: DeliveryCommand[]): DeliveryState | undefined {
  let state: DeliveryState | undefined;
  for (const cmd of commands) {
    try {
      state = run(state, cmd).state;
    } catch {
      // a refusal is an answer: the event is done, nothing stored
    }
  }
  return state;
}

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
    for (const s of [started(), completed(), canceled()]) expect(deliveryDecider.decide(s, start, ctx)).toEqual([]);
  });
});

describe("Delivery.decide Complete", () => {
  it("completes a started delivery once", () => {
    const { events, state } = run(started(), complete);
    expect(events).toEqual([{ type: "DeliveryCompleted", data }]);
    expect(state?.status).toBe("Completed");
    expect(deliveryDecider.decide(state, complete, ctx)).toEqual([]);
  });

  it("refuses a canceled delivery (409), also one canceled before it started", () => {
    const tombstone = run(undefined, cancel).state;
    for (const s of [canceled(), tombstone]) {
      const r = refusalOf(() => deliveryDecider.decide(s, complete, ctx));
      expect([r.status, r.rule]).toEqual([409, "DeliveryCanceled"]);
      expect([refusalOf(() => ensureCompletable(s)).status]).toEqual([409]);
    }
  });

  it("an unknown delivery is 404", () => {
    expect(refusalOf(() => deliveryDecider.decide(undefined, complete, ctx)).status).toBe(404);
    expect(refusalOf(() => ensureCompletable(undefined)).status).toBe(404);
  });
});

describe("Delivery.decide Cancel", () => {
  it("cancels a started delivery once", () => {
    const { events, state } = run(started(), cancel);
    expect(events).toEqual([{ type: "DeliveryCanceled", data: { ...data, customerId: "customer-1" } }]);
    expect(state?.status).toBe("Canceled");
    expect(deliveryDecider.decide(state, cancel, ctx)).toEqual([]);
  });

  it("refuses to cancel a completed delivery (409 AlreadyDelivered)", () => {
    const r = refusalOf(() => deliveryDecider.decide(completed(), cancel, ctx));
    expect([r.status, r.rule]).toEqual([409, "AlreadyDelivered"]);
  });

  it("a refund before the start records the cancel (a tombstone); the late start then starts nothing", () => {
    const { events, state } = run(undefined, cancel);
    expect(events).toEqual([{ type: "DeliveryCanceled", data: { ...data, customerId: "customer-1" } }]);
    expect(state).toMatchObject({ id: DELIVERY, orderId: ORDER, customerId: "customer-1", status: "Canceled" });
    expect(deliveryDecider.decide(state, start, ctx)).toEqual([]);
    expect(deliveryDecider.decide(state, cancel, ctx)).toEqual([]);
  });
});

describe("approval and refund handled in either order", () => {
  it("give the same final delivery: Canceled, never left Started", () => {
    const inOrder = handle([start, cancel]);
    const reversed = handle([cancel, start]);
    expect(inOrder?.status).toBe("Canceled");
    const strip = (s: DeliveryState | undefined) => s && { ...deliveryView(s), createdAt: "", updatedAt: "" };
    expect(strip(reversed)).toEqual(strip(inOrder));
    expect(reversed?.customerId).toBe(inOrder?.customerId);
  });

  it("also when either is handled again, and a completion attempted in between is refused", () => {
    const orders: DeliveryCommand[][] = [
      [start, cancel, start, cancel],
      [cancel, start, cancel, start],
      [cancel, cancel, start, start],
      [start, start, cancel, complete, start],
      [cancel, complete, start, complete],
    ];
    for (const commands of orders) expect(handle(commands)?.status, JSON.stringify(commands)).toBe("Canceled");
  });
});
