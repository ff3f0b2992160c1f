// The trace context a commit carries, the span a delivery runs in, and the
// trace id on log lines. (Spans of a whole order, posted to a collector:
// packages/mall/test/faults/tracing.test.ts.)
import { ServiceBroker, type Span } from "moleculer";
import { headers } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  currentTrace,
  deliveryLabel,
  deliveryTracer,
  exportedId,
  jsonFormatter,
  opsService,
  recorderOf,
  SPAN_HEADER,
  SpanRecorder,
  stampTrace,
  TRACE_HEADER,
  traceOf,
  tracingOptions,
} from "../../src/observability/index.js";

const printer = { printArgs: (args: unknown[]) => args.map(String) };
const finished: Span[] = [];
let broker: ServiceBroker;

beforeAll(async () => {
  broker = new ServiceBroker({
    logger: false,
    tracing: {
      enabled: true,
      exporter: { type: "Event", options: { broadcast: false } },
    } as never,
  });
  // The tracer tells its exporters of every finished span; this one keeps them.
  broker.tracer.invokeExporter = (method: string, args: unknown[]) => {
    if (method === "spanFinished") finished.push(args[0] as Span);
  };
  await broker.start();
});

afterAll(() => broker.stop());

const event = { id: "e-1", type: "OrderPlaced", correlationId: "o-1", causationId: "req-1" };

describe("trace context in a commit's headers", () => {
  it("nothing is stamped outside traced work, so an untraced commit has no trace", () => {
    const h = headers();
    stampTrace(h);
    expect(h.has(TRACE_HEADER)).toBe(false);
    expect(traceOf(h)).toBeUndefined();
    expect(traceOf(undefined)).toBeUndefined();
  });

  it("a delivery of a traced commit runs in a child span of the commit's span, and what it appends carries that span", async () => {
    const trace = deliveryTracer(broker, "mall.pay");
    if (!trace) throw new Error("tracing is on");
    const appended = headers();
    appended.set(TRACE_HEADER, "7f3c2d9a-1111-4222-8333-944445555666");
    appended.set(SPAN_HEADER, "span-of-the-action");
    const written = headers();
    let logged = "";
    await trace(
      appended,
      () => deliveryLabel("policy mall-pay", [event], 12),
      async () => {
        await new Promise((r) => setTimeout(r, 5));
        stampTrace(written);
        [logged] = jsonFormatter("info", ["reacting"], undefined, printer) as [string];
      },
    );
    const span = finished.find((s) => s.name === "policy mall-pay: OrderPlaced") as Span;
    expect(span.traceID).toBe("7f3c2d9a-1111-4222-8333-944445555666");
    expect(span.parentID).toBe("span-of-the-action");
    expect(span.service?.name).toBe("mall.pay");
    expect(span.tags).toMatchObject({ correlationId: "o-1", eventId: "e-1", seq: 12, handler: "policy mall-pay" });
    expect(traceOf(written)).toEqual({ traceID: span.traceID, spanID: span.id });
    // The log line names the trace as the collector shows it.
    expect(JSON.parse(logged).traceId).toBe("7f3c2d9a11114222");
    expect(currentTrace()).toBeUndefined(); // the scope ends with the work
  });

  it("a failing delivery's span records the error and the error goes on", async () => {
    const trace = deliveryTracer(broker, "mall.pay");
    const h = headers();
    h.set(TRACE_HEADER, "t-2");
    h.set(SPAN_HEADER, "s-2");
    await expect(
      trace?.(
        h,
        () => deliveryLabel("view:orderStatuses", [event], 3),
        async () => {
          throw new Error("boom");
        },
      ),
    ).rejects.toThrow("boom");
    const failed = finished.find((s) => s.traceID === "t-2");
    expect(failed?.error).toMatchObject({ message: "boom" });
  });

  it("a commit without a trace runs untraced", async () => {
    const before = finished.length;
    const result = await deliveryTracer(broker, "mall.pay")?.(
      headers(),
      () => deliveryLabel("policy mall-pay", [event], 1),
      async () => currentTrace(),
    );
    expect(result).toBeUndefined();
    expect(finished.length).toBe(before);
  });
});

describe("exported ids and options", () => {
  it("Moleculer's UUIDs keep their first 16 hex digits; a client's request id is hashed, the same way each time", () => {
    expect(exportedId("7f3c2d9a-1111-4222-8333-944445555666")).toBe("7f3c2d9a11114222");
    expect(exportedId("checkout-42")).toMatch(/^[0-9a-f]{16}$/);
    expect(exportedId("checkout-42")).toBe(exportedId("checkout-42"));
    expect(exportedId("checkout-42")).not.toBe(exportedId("checkout-43"));
  });

  it("`none` switches the tracer off; no delivery tracer exists then", async () => {
    const settings = { TRACING_URL: "http://z:9411", TRACING_SAMPLE_RATE: 0.5, TRACING_INTERVAL_SECONDS: 2 };
    expect(tracingOptions({ ...settings, TRACING_EXPORTER: "none" })).toEqual({ enabled: false });
    const on = tracingOptions({ ...settings, TRACING_EXPORTER: "zipkin" });
    expect(on).toMatchObject({ enabled: true, sampling: { rate: 0.5 }, tags: { action: { params: false } } });
    const off = new ServiceBroker({ logger: false, tracing: { enabled: false } });
    expect(deliveryTracer(off, "mall.pay")).toBeUndefined();
  });
});

describe("the span recorder", () => {
  it("keeps a node's last spans, the oldest making room, and answers them by trace through $ops.spans", async () => {
    const node = new ServiceBroker({
      logger: false,
      nodeID: "rec-1",
      tracing: { enabled: true, exporter: [new SpanRecorder(3)] } as never,
    });
    node.createService({ name: "echo", actions: { say: { handler: () => "hi" } } });
    node.createService(opsService(node));
    await node.start();
    try {
      for (let i = 0; i < 4; i++)
        await node.call("echo.say", {}, { requestID: `7f3c2d9a-0000-4000-8000-00000000000${i}` });
      const recorder = recorderOf(node);
      const ids = [0, 1, 2, 3].map((i) => exportedId(`7f3c2d9a-0000-4000-8000-00000000000${i}`));
      // Four traces, room for three: the first made room.
      expect(recorder?.spansOf(new Set(ids)).map((s) => s.traceId)).toEqual(ids.slice(1));
      const [span] = await node.call<Array<Record<string, unknown>>, { traceIds: string[] }>("$ops.spans", {
        traceIds: [ids[3] as string],
      });
      expect(span).toMatchObject({ name: "action 'echo.say'", service: "echo", type: "action", nodeID: "rec-1" });
      expect(Number(span?.durationMs)).toBeGreaterThanOrEqual(0);
      expect(Date.parse(String(span?.startedAt))).not.toBeNaN();
    } finally {
      await node.stop();
    }
  });

  it("is on whenever the tracer is: tracing options always include it", () => {
    const on = tracingOptions({
      TRACING_EXPORTER: "zipkin",
      TRACING_URL: "http://z:9411",
      TRACING_SAMPLE_RATE: 1,
      TRACING_INTERVAL_SECONDS: 5,
    }) as { exporter: unknown[] };
    expect(on.exporter.some((e) => e instanceof SpanRecorder)).toBe(true);
    // `local`: the tracer on with the recorder alone, no collector.
    const local = tracingOptions({
      TRACING_EXPORTER: "local",
      TRACING_URL: "http://z:9411",
      TRACING_SAMPLE_RATE: 1,
      TRACING_INTERVAL_SECONDS: 5,
    }) as { enabled: boolean; exporter: unknown[] };
    expect(local.enabled).toBe(true);
    expect(local.exporter).toHaveLength(1);
    expect(local.exporter[0]).toBeInstanceOf(SpanRecorder);
  });
});
