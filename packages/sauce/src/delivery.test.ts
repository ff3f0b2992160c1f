// Delivery: at most one per order; completed once the order recorded it;
// canceled with its refund, also before it started (then it never starts);
// a completed delivery is never canceled, a canceled one never completed.
import { deciderSpec, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { type DeliveryCommand, deliveryDecider, deliveryView, ensureCompletable } from "./delivery.js";
import { SauceEventSchemas } from "./schemas.js";

const { given, history, at } = deciderSpec(deliveryDecider, SauceEventSchemas);
const ORDER = "01HZX000000000000000000101";
const DELIVERY = "01HZX000000000000000000301";
const of = { deliveryId: DELIVERY, orderId: ORDER, customerId: "customer-1" };
const start: DeliveryCommand = { type: "Start", ...of };
const cancel: DeliveryCommand = { type: "Cancel", ...of };
const complete: DeliveryCommand = { type: "Complete" };
const data = { deliveryId: DELIVERY, orderId: ORDER };
const deliveryCanceled = { type: "DeliveryCanceled" as const, data: { ...data, customerId: "customer-1" } };
const started = history(start);
const completed = history(start, complete);
const canceled = history(start, cancel);
const tombstone = history(cancel);

/** Decides and folds commands one after the other, as the policy would handle them; refusals change nothing. */
function handle(commands: DeliveryCommand[]) {
  const events: ReturnType<typeof history> = [];
  for (const cmd of commands) {
    try {
      events.push(...given(events).when(cmd).outcome().events);
    } catch {
      // a refusal is an answer: the event is done, nothing stored
    }
  }
  return given(events).state;
}

describe("Delivery Start", () => {
  it("starts the order's delivery", () => {
    const state = given([])
      .when(start)
      .then([{ type: "DeliveryStarted", data: { ...data, customerId: "customer-1" } }]);
    expect(deliveryView(state)).toEqual({
      id: DELIVERY,
      orderId: ORDER,
      status: "Started",
      createdAt: at(0),
      updatedAt: at(0),
    });
  });

  it("starts at most one delivery per order, whatever became of it", () => {
    for (const events of [started, completed, canceled]) given(events).when(start).thenNothing();
  });
});

describe("Delivery Complete", () => {
  it("completes a started delivery once", () => {
    const state = given(started)
      .when(complete)
      .then([{ type: "DeliveryCompleted", data }]);
    expect(state.status).toBe("Completed");
    given(completed).when(complete).thenNothing();
  });

  it("refuses a canceled delivery (409), also one canceled before it started", () => {
    for (const events of [canceled, tombstone]) {
      given(events).when(complete).thenRefuses(409, "DeliveryCanceled");
      expect([refusalOf(() => ensureCompletable(given(events).state)).status]).toEqual([409]);
    }
  });

  it("an unknown delivery is 404", () => {
    given([]).when(complete).thenRefuses(404, "NotFound");
    expect(refusalOf(() => ensureCompletable(undefined)).status).toBe(404);
    expect(refusalOf(() => ensureCompletable(given([]).state)).status).toBe(404);
  });
});

describe("Delivery Cancel", () => {
  it("cancels a started delivery once", () => {
    const state = given(started).when(cancel).then([deliveryCanceled]);
    expect(state.status).toBe("Canceled");
    given(canceled).when(cancel).thenNothing();
  });

  it("refuses to cancel a completed delivery (409 AlreadyDelivered)", () => {
    given(completed).when(cancel).thenRefuses(409, "AlreadyDelivered");
  });

  it("a refund before the start records the cancel (a tombstone); the late start then starts nothing", () => {
    const state = given([]).when(cancel).then([deliveryCanceled]);
    expect(state).toMatchObject({ id: DELIVERY, orderId: ORDER, customerId: "customer-1", status: "Canceled" });
    given(tombstone).when(start).thenNothing();
    given(tombstone).when(cancel).thenNothing();
  });
});

describe("approval and refund handled in either order", () => {
  it("give the same final delivery: Canceled, never left Started", () => {
    const inOrder = handle([start, cancel]);
    const reversed = handle([cancel, start]);
    expect(inOrder.status).toBe("Canceled");
    const strip = (s: typeof inOrder) => s.status !== "Empty" && { ...deliveryView(s), createdAt: "", updatedAt: "" };
    expect(strip(reversed)).toEqual(strip(inOrder));
    expect(reversed).toMatchObject({ customerId: "customer-1" });
    expect(inOrder).toMatchObject({ customerId: "customer-1" });
  });

  it("also when either is handled again, and a completion attempted in between is refused", () => {
    const orders: DeliveryCommand[][] = [
      [start, cancel, start, cancel],
      [cancel, start, cancel, start],
      [cancel, cancel, start, start],
      [start, start, cancel, complete, start],
      [cancel, complete, start, complete],
    ];
    for (const commands of orders) expect(handle(commands).status, JSON.stringify(commands)).toBe("Canceled");
  });
});
