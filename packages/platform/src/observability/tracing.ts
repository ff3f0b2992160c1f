// Distributed tracing across calls and events. Moleculer's tracer makes a
// span for every action and carries the trace across calls; an event stored
// in JetStream would end the trace there, because whoever reacts to it later
// has no Moleculer context. So the trace travels in the commit's headers:
// the append stamps the span it runs in (`Seed-Trace`, `Seed-Span`), and a
// policy's reaction or a projection's apply of a delivered commit runs in a
// span that continues that trace. A saga (order → pay → stock → delivery) is
// then one trace.
//
// What runs in which span is kept in an AsyncLocalStorage of its own: an
// action's context (its span is read when needed) or a delivery's span. With
// tracing off, nothing is stored, no header is written and no span is made.
import { AsyncLocalStorage } from "node:async_hooks";
import type {
  ActionHandler,
  CallingOptions,
  Context,
  Middleware,
  Service,
  ServiceBroker,
  Span,
  TracerOptions,
} from "moleculer";
import { TracerExporters } from "moleculer";
import type { MsgHdrs } from "nats";
import { SpanRecorder } from "./span-recorder.js";
import { exportedId } from "./trace-ids.js";

export const TRACE_HEADER = "Seed-Trace";
export const SPAN_HEADER = "Seed-Span";

/** A trace and the span in it that caused what comes next. */
export interface TraceRef {
  traceID: string;
  spanID: string;
}

type Scope = Context | Span;
const scope = new AsyncLocalStorage<Scope>();

const isSpan = (s: Scope): s is Span => "traceID" in s;

/** The sampled span of the work running now: a delivery's, or the running action's. */
function currentSpan(): Span | undefined {
  const s = scope.getStore();
  if (!s) return undefined;
  const span = isSpan(s) ? s : (s.span as Span | null | undefined);
  return span?.sampled ? span : undefined;
}

/** The trace the running work belongs to, if it is traced. */
export function currentTrace(): TraceRef | undefined {
  const span = currentSpan();
  return span ? { traceID: span.traceID, spanID: span.id } : undefined;
}

/** Writes the running span into a commit's headers, so who handles the commit joins its trace. */
export function stampTrace(h: MsgHdrs): void {
  const span = currentSpan();
  if (!span) return;
  h.set(TRACE_HEADER, span.traceID);
  h.set(SPAN_HEADER, span.id);
}

/** The trace a delivered commit was appended in, if it was traced. */
export function traceOf(h: MsgHdrs | undefined): TraceRef | undefined {
  const traceID = h?.get(TRACE_HEADER);
  const spanID = h?.get(SPAN_HEADER);
  return traceID && spanID ? { traceID, spanID } : undefined;
}

/** The exported id of the running trace, for log lines. */
export function currentTraceId(): string | undefined {
  const span = currentSpan();
  return span ? exportedId(span.traceID) : undefined;
}

/**
 * Broker middleware (installed with tracing on): every local action runs in
 * its context's scope, and a call made without a parent context (a policy's
 * reaction calls another service) becomes a child of the running span.
 */
type Call = (action: string, params: unknown, opts?: CallingOptions) => Promise<unknown>;

export const traceScopeMiddleware = {
  name: "TraceScope",
  localAction(handler: ActionHandler) {
    return function (this: Service, ctx: Context) {
      return scope.run(ctx, handler, ctx) as ReturnType<ActionHandler>;
    };
  },
  call(next: Call): Call {
    return (action, params, opts = {}) => {
      if (opts.parentCtx || opts.parentSpan) return next(action, params, opts);
      const span = currentSpan();
      return next(action, params, span ? { ...opts, parentSpan: span } : opts);
    };
  },
  // Moleculer's typings describe the `call` hook wrongly (it wraps broker.call like any other).
} as unknown as Middleware;

/** What a traced delivery is about (span tags, and what the flow view names). */
export interface DeliveryLabel {
  /** Span name, e.g. "policy shop-billing: OrderPlaced". */
  name: string;
  tags: Record<string, string | number | undefined>;
}

/**
 * Runs the work for a delivered commit in a span joined to the trace its
 * headers name. An untraced commit (tracing was off, or not sampled) runs as is.
 */
export type DeliveryTracer = <T>(headers: MsgHdrs | undefined, label: () => DeliveryLabel, work: () => T) => T;

/** The delivery tracer of a service, or undefined when the broker traces nothing (callers then skip it). */
export function deliveryTracer(broker: ServiceBroker, service: string): DeliveryTracer | undefined {
  if (!broker.isTracingEnabled()) return undefined;
  return <T>(headers: MsgHdrs | undefined, label: () => DeliveryLabel, work: () => T): T => {
    const parent = traceOf(headers);
    if (!parent) return work();
    const { name, tags } = label();
    const span = broker.tracer.startSpan(name, {
      traceID: parent.traceID,
      parentID: parent.spanID,
      sampled: true,
      service,
      type: "event",
      tags: { ...tags, nodeID: broker.nodeID },
    });
    const finish = (err?: unknown) => {
      if (err) span.setError(err as Error);
      span.finish();
    };
    let result: T;
    try {
      result = scope.run(span, work);
    } catch (err) {
      finish(err);
      throw err;
    }
    if (result instanceof Promise) {
      return result.then(
        (v) => {
          finish();
          return v;
        },
        (err: unknown) => {
          finish(err);
          throw err;
        },
      ) as T;
    }
    finish();
    return result;
  };
}

/** Moleculer's Zipkin exporter, with trace and span ids every Zipkin-compatible backend accepts. */
class ZipkinExporter extends TracerExporters.Zipkin {
  override convertID(id: string): string {
    return id ? exportedId(id) : id;
  }
}

/** none: tracer off; local: spans kept on each node only (the flow view's calls); zipkin, console: posted or printed as well. */
export type TracingExporter = "none" | "local" | "zipkin" | "console";

export interface TracingSettings {
  TRACING_EXPORTER: TracingExporter;
  /** Base URL of a Zipkin-compatible collector (Zipkin, Jaeger's collector, an OpenTelemetry Collector). */
  TRACING_URL: string;
  /** Share of new traces recorded, 0..1. */
  TRACING_SAMPLE_RATE: number;
  /** Seconds between two posts of finished spans. */
  TRACING_INTERVAL_SECONDS: number;
}

/**
 * The broker's tracing options. `none` switches the tracer off: no span is
 * made and no event carries a trace, which costs nothing. A new trace starts
 * at a request; the sample rate decides which are recorded, and everything a
 * recorded request causes is recorded with it.
 */
export function tracingOptions(s: TracingSettings): TracerOptions {
  if (s.TRACING_EXPORTER === "none") return { enabled: false };
  // Every node keeps its last spans for the flow view (span-recorder.ts).
  const exporter: unknown[] = [new SpanRecorder()];
  if (s.TRACING_EXPORTER === "zipkin") {
    exporter.push(new ZipkinExporter({ baseURL: s.TRACING_URL, interval: s.TRACING_INTERVAL_SECONDS }));
  } else if (s.TRACING_EXPORTER === "console") {
    exporter.push({ type: "Console", options: { colors: false } });
  }
  return {
    enabled: true,
    exporter,
    sampling: { rate: s.TRACING_SAMPLE_RATE },
    // Parameters may hold passwords and personal data: spans carry names and ids only.
    tags: { action: { params: false, meta: false } },
    // Moleculer's own events (`$node.*` …) are not part of a business flow.
    events: false,
  } as TracerOptions;
}

/** The span of one handler's work for one commit: e.g. "policy shop-billing: OrderPlaced". */
export function deliveryLabel(
  handler: string,
  events: ReadonlyArray<{ id: string; type: string; correlationId: string; causationId?: string | undefined }>,
  seq: number,
): DeliveryLabel {
  const first = events[0];
  return {
    name: `${handler}: ${events.map((e) => e.type).join(", ")}`,
    tags: {
      handler,
      seq,
      eventId: first?.id,
      correlationId: first?.correlationId,
      causationId: first?.causationId,
    },
  };
}
