// A flow's steps from its events, whatever order the streams gave them in.
import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../src/event-store.js";
import { flowSteps } from "../../src/observability/flow.js";

const event = (id: string, type: string, aggregate: string, at: string, causationId?: string): EventEnvelope => ({
  id,
  type,
  aggregate,
  aggregateId: `${aggregate}-1`,
  correlationId: "o-1",
  causationId,
  occurredAt: `2026-01-01T10:00:${at}Z`,
  version: 1,
  data: {},
});

describe("flowSteps", () => {
  it("orders events by time across systems and says what caused each, and how long after", () => {
    const steps = flowSteps([
      { seq: 9, system: "mall", event: event("e3", "DeliveryStarted", "delivery", "05.000", "e2") },
      { seq: 2, system: "mall", event: event("e1", "OrderPlaced", "order", "00.000", "req-1") },
      { seq: 7, system: "mall", event: event("e2", "PayChecked", "pay", "03.250", "req-2"), traceId: "abc" },
      { seq: 4, system: "mall", event: event("e4", "PayPlaced", "pay", "00.040", "e1") },
    ]);
    expect(steps.map((s) => s.type)).toEqual(["OrderPlaced", "PayPlaced", "PayChecked", "DeliveryStarted"]);
    expect(steps[0]).toMatchObject({ writer: "mall.order", cause: "call", causationId: "req-1", durationMs: 0 });
    expect(steps[1]).toMatchObject({ writer: "mall.pay", cause: "reaction", after: "e1", durationMs: 40 });
    // A call later in the flow: measured from the flow's start.
    expect(steps[2]).toMatchObject({ cause: "call", causationId: "req-2", durationMs: 3250, traceId: "abc" });
    expect(steps[3]).toMatchObject({ writer: "mall.delivery", cause: "reaction", after: "e2", durationMs: 1750 });
  });

  it("breaks ties of time by stream position, and treats a cause outside the flow as a call", () => {
    const steps = flowSteps([
      { seq: 5, system: "mall", event: event("b", "QtyDecreased", "product", "01.000", "elsewhere") },
      { seq: 3, system: "mall", event: event("a", "PayChecked", "pay", "01.000", "elsewhere") },
    ]);
    expect(steps.map((s) => s.eventId)).toEqual(["a", "b"]);
    expect(steps.every((s) => s.cause === "call")).toBe(true);
    expect(flowSteps([])).toEqual([]);
  });
});
