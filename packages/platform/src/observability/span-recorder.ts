// With tracing on, every node keeps its last finished spans in memory, so
// the flow view can show the calls of a flow (each action a request or a
// reaction called, with its service, start and duration) without a tracing
// backend. A ring of fixed size: old spans make room for new ones, and a node
// that restarts starts empty.
import type { ServiceBroker, Span } from "moleculer";
import { TracerExporters } from "moleculer";
import { exportedId } from "./trace-ids.js";

/** A finished span as the flow view shows it. */
export interface RecordedSpan {
  /** The trace's exported id (tracing.ts `exportedId`): what events' headers and logs name. */
  traceId: string;
  id: string;
  parentId?: string | undefined;
  name: string;
  service?: string | undefined;
  /** "action" for a call; "event" for a reaction's or a projection's work on a delivered commit. */
  type: string;
  startedAt: string;
  durationMs: number;
  nodeID: string;
  error?: string | undefined;
}

/** How many spans a node keeps: a few hundred flows' worth. */
export const RECORDED_SPANS = 5000;

export class SpanRecorder extends TracerExporters.Base {
  private readonly ring: Array<RecordedSpan | undefined>;
  private next = 0;

  constructor(private readonly capacity = RECORDED_SPANS) {
    super({});
    this.ring = new Array(capacity);
  }

  override spanFinished(span: Span): void {
    this.ring[this.next] = {
      traceId: exportedId(span.traceID),
      id: span.id,
      parentId: span.parentID ?? undefined,
      name: span.name,
      service: span.service?.fullName ?? span.service?.name,
      type: span.type,
      startedAt: new Date(span.startTime ?? Date.now()).toISOString(),
      durationMs: Math.round((span.duration ?? 0) * 10) / 10,
      nodeID: this.broker.nodeID,
      error: span.error ? String((span.error as Error).message ?? span.error) : undefined,
    };
    this.next = (this.next + 1) % this.capacity;
  }

  /** The kept spans of these traces (exported ids), oldest first. */
  spansOf(traceIds: ReadonlySet<string>): RecordedSpan[] {
    const out: RecordedSpan[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const s = this.ring[(this.next + i) % this.capacity];
      if (s && traceIds.has(s.traceId)) out.push(s);
    }
    return out;
  }
}

/** This node's recorder, when its tracer is on. */
export function recorderOf(broker: ServiceBroker): SpanRecorder | undefined {
  const exporters = (broker.tracer as unknown as { exporter?: unknown[] } | undefined)?.exporter ?? [];
  return exporters.find((e): e is SpanRecorder => e instanceof SpanRecorder);
}
