// One business flow, step by step, without a tracing backend: every event
// whose correlation id is the flow's (an order, a reservation, a plan…), read
// from the systems' streams, in the order it happened, each with the aggregate
// (and so the service) that wrote it, when, what caused it (the request, or the event a policy
// reacted to) and how long after its cause it came. A step caused by a
// request is a call into that service; a step caused by an event is a
// policy's reaction to it. With tracing on, the calls themselves are shown
// too — each action the flow's requests and reactions called, with its
// service, start and duration — from the spans every node keeps
// (span-recorder.ts), found by the trace ids the events carry.
import type { ServiceBroker } from "moleculer";
import { AckPolicy, DeliverPolicy } from "nats";
import { decodeCommit, type EventEnvelope, type EventStore, streamName } from "../event-store.js";
import type { RecordedSpan } from "./span-recorder.js";
import { exportedId } from "./trace-ids.js";
import { traceOf } from "./tracing.js";

/** One step of a flow: an event, with where it came from. */
export interface FlowStep {
  /** Stream sequence of the commit that holds the event. */
  seq: number;
  system: string;
  /**
   * The aggregate that wrote it, qualified by its system ("shop.billing"): the
   * service that owns it (in most systems the service has its name).
   */
  writer: string;
  type: string;
  eventId: string;
  aggregateId: string;
  occurredAt: string;
  /** "call": a request (its id) made the service write it; "reaction": a policy reacting to an earlier event. */
  cause: "call" | "reaction";
  causationId?: string | undefined;
  /** The step this one reacted to, when that event is in the flow. */
  after?: string | undefined;
  /** Milliseconds from the cause (for a reaction) or from the flow's first step (for a call). */
  durationMs: number;
  /** The trace the event was appended in, as the tracing backend shows it (tracing on only). */
  traceId?: string | undefined;
}

interface Found {
  seq: number;
  system: string;
  event: EventEnvelope;
  traceId?: string | undefined;
}

/**
 * Orders the events of one flow and says what caused each. Pure: events in
 * any order in, steps by time out (ties by stream position).
 */
export function flowSteps(found: Found[]): FlowStep[] {
  const sorted = [...found].sort(
    (a, b) =>
      Date.parse(a.event.occurredAt) - Date.parse(b.event.occurredAt) ||
      a.system.localeCompare(b.system) ||
      a.seq - b.seq,
  );
  const byId = new Map(sorted.map((f) => [f.event.id, f]));
  const start = sorted[0] ? Date.parse(sorted[0].event.occurredAt) : 0;
  return sorted.map(({ seq, system, event, traceId }) => {
    const parent = event.causationId ? byId.get(event.causationId) : undefined;
    const at = Date.parse(event.occurredAt);
    return {
      seq,
      system,
      writer: `${system}.${event.aggregate}`,
      type: event.type,
      eventId: event.id,
      aggregateId: event.aggregateId,
      occurredAt: event.occurredAt,
      cause: parent ? "reaction" : "call",
      causationId: event.causationId,
      after: parent?.event.id,
      durationMs: Math.max(0, at - (parent ? Date.parse(parent.event.occurredAt) : start)),
      traceId,
    };
  });
}

/**
 * The events of one flow in a system's stream. Reads the whole stream through
 * an ephemeral consumer without acks (nothing is left on the server): an
 * operator's look-up, not a hot path.
 */
async function flowEventsOf(events: EventStore, system: string, correlationId: string): Promise<Found[]> {
  const stream = streamName(system);
  const jsm = await events.jsm();
  let last: number;
  try {
    last = (await jsm.streams.info(stream)).state.last_seq;
  } catch {
    return []; // the system has no stream yet
  }
  if (last === 0) return [];
  const info = await jsm.consumers.add(stream, {
    deliver_policy: DeliverPolicy.All,
    ack_policy: AckPolicy.None,
    inactive_threshold: 30e9,
    mem_storage: true,
    num_replicas: 1,
  });
  const found: Found[] = [];
  try {
    const consumer = await events.js.consumers.get(stream, info.name);
    const messages = await consumer.consume({ max_messages: 1000, expires: 5000 });
    for await (const m of messages) {
      // A cheap test before decoding: most commits are other flows'.
      if (Buffer.from(m.data).includes(correlationId)) {
        const trace = traceOf(m.headers);
        for (const event of decodeCommit(m.data)) {
          if (event.correlationId !== correlationId) continue;
          found.push({ seq: m.seq, system, event, ...(trace ? { traceId: exportedId(trace.traceID) } : {}) });
        }
      }
      if (m.seq >= last || m.info.pending === 0) break;
    }
    messages.stop();
  } finally {
    await jsm.consumers.delete(stream, info.name).catch(() => {});
  }
  return found;
}

/** A call of the flow: an action a request or a reaction called (tracing on only). */
export interface FlowCall {
  /** The action, e.g. "shop.billing.charge"; for the gateway, the request ("POST /shop/orders"). */
  name: string;
  service: string;
  startedAt: string;
  durationMs: number;
  nodeID: string;
  traceId: string;
  error?: string | undefined;
}

/** "action 'shop.billing.charge'" → "shop.billing.charge"; a gateway request's span is named by the request already. */
const actionOf = (spanName: string) => /^action '(.+)'$/.exec(spanName)?.[1] ?? spanName;

/** The calls in the recorded spans, oldest first: action spans only (deliveries show as their events). */
export function flowCalls(spans: RecordedSpan[]): FlowCall[] {
  const seen = new Set<string>();
  return (
    spans
      .filter((s) => s.type === "action" && !seen.has(s.id) && seen.add(s.id))
      .map((s) => ({
        name: actionOf(s.name),
        service: s.service ?? "",
        startedAt: s.startedAt,
        durationMs: s.durationMs,
        nodeID: s.nodeID,
        traceId: s.traceId,
        error: s.error,
      }))
      // Of two calls started the same millisecond, the outer one (it lasts longer) comes first.
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || b.durationMs - a.durationMs)
  );
}

/** The spans every node recorded of these traces (`$ops.spans` on each node; a node that does not answer is skipped). */
export async function clusterSpans(broker: ServiceBroker, traceIds: string[]): Promise<RecordedSpan[]> {
  if (traceIds.length === 0) return [];
  const found = broker.registry.getActionEndpoints("$ops.spans") as unknown as
    | { endpoints: Array<{ id: string }> }
    | undefined;
  const nodes = [...new Set((found?.endpoints ?? []).map((ep) => ep.id))];
  const answers = await Promise.all(
    nodes.map((nodeID) =>
      broker.call<RecordedSpan[], { traceIds: string[] }>("$ops.spans", { traceIds }, { nodeID }).catch(() => []),
    ),
  );
  return answers.flat();
}

/** The calls of a flow whose events carry traces (none with tracing off). */
export async function readFlowCalls(broker: ServiceBroker, steps: FlowStep[]): Promise<FlowCall[]> {
  const traceIds = [...new Set(steps.flatMap((s) => (s.traceId ? [s.traceId] : [])))];
  return flowCalls(await clusterSpans(broker, traceIds));
}

/** One flow's steps across the given systems' streams, in the order they happened. */
export async function readFlow(events: EventStore, systems: string[], correlationId: string): Promise<FlowStep[]> {
  const found = await Promise.all(systems.map((s) => flowEventsOf(events, s, correlationId)));
  return flowSteps(found.flat());
}

/**
 * The flow as the REPL prints it: one line per event, and, with tracing on,
 * one per call (marked `→`), in the order they happened.
 */
export function formatFlow(correlationId: string, steps: FlowStep[], calls: FlowCall[] = []): string {
  if (steps.length === 0) return `no events with correlation id ${correlationId}`;
  const eventLines = steps.map((s) => {
    const why =
      s.cause === "reaction"
        ? `reacting to ${steps.find((x) => x.eventId === s.after)?.type ?? s.after} +${s.durationMs} ms`
        : `call ${s.causationId ?? "?"} +${s.durationMs} ms`;
    const trace = s.traceId ? ` trace=${s.traceId}` : "";
    return { at: s.occurredAt, text: `${s.writer.padEnd(26)} ${s.type.padEnd(22)} ${why}${trace}` };
  });
  const callLines = calls.map((c) => ({
    at: c.startedAt,
    text: `→ ${c.service.padEnd(24)} ${c.name.padEnd(22)} ${c.durationMs} ms on ${c.nodeID}${c.error ? ` failed: ${c.error}` : ""}`,
  }));
  const lines = [...eventLines, ...callLines]
    .map((l, order) => ({ ...l, order }))
    .sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order)
    .map((l, i) => `${String(i + 1).padStart(3)}  ${l.at.slice(11, 23)}  ${l.text}`);
  const counted = calls.length > 0 ? `${steps.length} step(s), ${calls.length} call(s)` : `${steps.length} step(s)`;
  return [`flow ${correlationId}: ${counted}`, ...lines].join("\n");
}
