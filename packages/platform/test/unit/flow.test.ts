// A flow's steps from its events, whatever order the streams gave them in.
import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../src/event-store.js";
import { flowCalls, flowSteps, formatFlow } from "../../src/observability/flow.js";
import type { RecordedSpan } from "../../src/observability/span-recorder.js";

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

describe("the calls of a flow", () => {
  const span = (
    id: string,
    name: string,
    type: string,
    at: string,
    extra: Partial<RecordedSpan> = {},
  ): RecordedSpan => ({
    traceId: "t1",
    id,
    name,
    service: "mall.pay",
    type,
    startedAt: `2026-01-01T10:00:${at}Z`,
    durationMs: 12.5,
    nodeID: "n1",
    ...extra,
  });

  it("are the action spans, once each, oldest first, named by their action", () => {
    const calls = flowCalls([
      span("s2", "action 'mall.product.decreaseStock'", "action", "01.010", { service: "mall.product" }),
      span("s1", "action 'mall.pay.check'", "action", "01.000"),
      span("s1", "action 'mall.pay.check'", "action", "01.000"), // reported twice
      span("s3", "policy mall-delivery: PayChecked", "event", "01.100"),
      span("s0", "POST /mall/pays/p1/check", "action", "00.990", { service: "api", error: "boom" }),
    ]);
    expect(calls.map((c) => [c.service, c.name])).toEqual([
      ["api", "POST /mall/pays/p1/check"],
      ["mall.pay", "mall.pay.check"],
      ["mall.product", "mall.product.decreaseStock"],
    ]);
    expect(calls[0]).toMatchObject({ durationMs: 12.5, nodeID: "n1", traceId: "t1", error: "boom" });
  });

  it("started the same millisecond: the outer call (the longer) first", () => {
    const calls = flowCalls([
      span("inner", "action 'mall.pay.check'", "action", "02.000", { durationMs: 10 }),
      span("outer", "POST /mall/pays/p1/check", "action", "02.000", { service: "api", durationMs: 12 }),
    ]);
    expect(calls.map((c) => c.name)).toEqual(["POST /mall/pays/p1/check", "mall.pay.check"]);
  });

  it("are printed among the events, in the order they happened, marked →", () => {
    const steps = flowSteps([{ seq: 1, system: "mall", event: event("e1", "PayChecked", "pay", "01.020", "r1") }]);
    const text = formatFlow("o-1", steps, flowCalls([span("s1", "action 'mall.pay.check'", "action", "01.000")]));
    const lines = text.split("\n");
    expect(lines[0]).toBe("flow o-1: 1 step(s), 1 call(s)");
    expect(lines[1]).toMatch(/^ {2}1 {2}10:00:01\.000 {2}→ mall\.pay\s+mall\.pay\.check\s+12\.5 ms on n1$/);
    expect(lines[2]).toMatch(/^ {2}2 {2}10:00:01\.020 {2}mall\.pay\s+PayChecked\s+call r1 \+0 ms$/);
  });
});
