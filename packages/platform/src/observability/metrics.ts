// Operator metrics beyond Moleculer's own and the gateway's HTTP metrics:
// how long appends to the event log take, how far each durable consumer and
// each projection is behind, redeliveries, dead letters, and the state of
// every circuit breaker. Gauges of lag are sampled every LAG_SAMPLE_MS off the
// hot path (a few JetStream API calls per service), never per event.
import type { ServiceBroker } from "moleculer";
import { NatsError } from "nats";
import { DEAD_LETTER_STREAM, type EventStore } from "../event-store.js";

export const METRICS = {
  appendSeconds: "seed_event_append_seconds",
  consumerPending: "seed_consumer_pending",
  consumerAckPending: "seed_consumer_ack_pending",
  consumerRedelivered: "seed_consumer_redelivered",
  projectionPosition: "seed_projection_position",
  projectionLag: "seed_projection_lag",
  deadLetters: "seed_dead_letters",
  breakerState: "seed_breaker_state",
} as const;

/** How often lag gauges are refreshed (ms). */
export const LAG_SAMPLE_MS = 10_000;

const APPEND_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

type Registry = NonNullable<ServiceBroker["metrics"]>;

function gauge(metrics: Registry, name: string, labelNames: string[], description: string): void {
  if (!metrics.getMetric(name)) metrics.register({ type: "gauge", name, labelNames, description, rate: false });
}

/** Registers the operator metrics once per broker; undefined when metrics are off. */
export function operatorMetrics(broker: ServiceBroker): Registry | undefined {
  if (!broker.isMetricsEnabled()) return undefined;
  const m = broker.metrics;
  if (!m.getMetric(METRICS.appendSeconds)) {
    m.register({
      type: "histogram",
      name: METRICS.appendSeconds,
      description: "time to append one commit to the event log (publish until the stream's ack)",
      unit: "second",
      buckets: APPEND_BUCKETS,
      quantiles: false,
    });
  }
  gauge(m, METRICS.consumerPending, ["consumer"], "events of the stream the durable consumer has not delivered yet");
  gauge(m, METRICS.consumerAckPending, ["consumer"], "events delivered to the consumer and not acknowledged yet");
  gauge(m, METRICS.consumerRedelivered, ["consumer"], "unacknowledged events that were delivered more than once");
  gauge(m, METRICS.projectionPosition, ["service", "projection"], "stream sequence the projection has applied");
  gauge(
    m,
    METRICS.projectionLag,
    ["service", "projection"],
    "stream sequences between the projection's position and the last event on its subjects (0 = caught up)",
  );
  gauge(m, METRICS.deadLetters, ["policy"], "events the policy gave up on, waiting in the dead-letter stream");
  gauge(
    m,
    METRICS.breakerState,
    ["action", "affectedNodeID"],
    "circuit breaker of calls from this node to an action on a node: 0 closed, 1 half-open, 2 open",
  );
  return m;
}

/** Times every append of the node's event store into the append histogram. */
export function timeAppends(broker: ServiceBroker, events: EventStore): void {
  const m = operatorMetrics(broker);
  if (!m) return;
  events.onAppend = (seconds) => m.observe(METRICS.appendSeconds, seconds);
}

/** What a sampler needs to know about one service's projections and policy. */
export interface LagSubject {
  service: string;
  stream: string;
  projections: ReadonlyArray<{ name: string; filter: string; seq: number }>;
  /** The service's policy, if it has one: its name (dead letters) and its durable consumers. */
  policy?: { name: string; consumers: string[] } | undefined;
}

/** Reads the current lag of one service (also what the `progress` action answers). */
export async function sampleLag(events: EventStore, subject: LagSubject): Promise<LagSample> {
  const projections = await Promise.all(
    subject.projections.map(async (p) => {
      const last = await events.lastSeqOf(subject.stream, p.filter);
      return { name: p.name, seq: p.seq, target: last, lag: Math.max(0, last - p.seq) };
    }),
  );
  const { policy } = subject;
  if (!policy) return { projections, deadLetters: 0 };
  const jsm = await events.jsm();
  const consumers = await Promise.all(
    policy.consumers.map(async (name) => {
      const info = await jsm.consumers.info(subject.stream, name);
      return { name, pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
    }),
  );
  const deadLetters = await deadLettersOf(events, policy.name, subject.stream);
  return { projections, policy: policy.name, consumers, deadLetters };
}

export interface LagSample {
  projections: Array<{ name: string; seq: number; target: number; lag: number }>;
  /** The policy's name and each of its durable consumers. */
  policy?: string;
  consumers?: Array<{ name: string; pending: number; ackPending: number; redelivered: number }>;
  deadLetters: number;
}

/** Dead letters of one policy (`deadletter.<system>.<durable>`). */
async function deadLettersOf(events: EventStore, durable: string, stream: string): Promise<number> {
  const subject = `deadletter.${stream.toLowerCase()}.${durable}`;
  const jsm = await events.jsm();
  try {
    const info = await jsm.streams.info(DEAD_LETTER_STREAM, { subjects_filter: subject });
    return info.state.subjects?.[subject] ?? 0;
  } catch (err) {
    if (err instanceof NatsError && err.api_error?.err_code === 10059) return 0;
    throw err;
  }
}

/** Writes a sample into the gauges. */
export function recordLag(broker: ServiceBroker, service: string, sample: LagSample): void {
  const m = operatorMetrics(broker);
  if (!m) return;
  for (const p of sample.projections) {
    m.set(METRICS.projectionPosition, p.seq, { service, projection: p.name });
    m.set(METRICS.projectionLag, p.lag, { service, projection: p.name });
  }
  for (const c of sample.consumers ?? []) {
    m.set(METRICS.consumerPending, c.pending, { consumer: c.name });
    m.set(METRICS.consumerAckPending, c.ackPending, { consumer: c.name });
    m.set(METRICS.consumerRedelivered, c.redelivered, { consumer: c.name });
  }
  if (sample.policy) m.set(METRICS.deadLetters, sample.deadLetters, { policy: sample.policy });
}

/**
 * Samples one service's lag every LAG_SAMPLE_MS into the gauges. A sample
 * that fails (NATS away) is skipped; the gauges keep their last value.
 */
export function watchLag(
  broker: ServiceBroker,
  events: EventStore,
  subject: () => LagSubject,
  periodMs = LAG_SAMPLE_MS,
): () => void {
  if (!broker.isMetricsEnabled()) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    const s = subject();
    sampleLag(events, s)
      .then((sample) => recordLag(broker, s.service, sample))
      .catch(() => {})
      .finally(() => {
        running = false;
      });
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Breaker states as the gauge encodes them. */
export const BREAKER_STATE = { closed: 0, "half-opened": 1, opened: 2 } as const;
