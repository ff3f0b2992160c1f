// What the REPL's operator commands do, as plain functions over a broker and
// the event store (the REPL only parses arguments and prints): follow a
// system's events, report streams and consumers, list and replay dead letters,
// rebuild a service's projections with progress, and collect every node's
// circuit breakers.
import type { ServiceBroker } from "moleculer";
import { AckPolicy, type ConsumerInfo, type ConsumerMessages, DeliverPolicy } from "nats";
import { type DeadLetter, listDeadLetters } from "../dead-letters.js";
import { DEAD_LETTER_STREAM, decodeCommit, type EventStore, streamName } from "../event-store.js";
import type { LagSample } from "./metrics.js";
import { type BreakerView, OPS_SERVICE } from "./ops-service.js";

// ── events tail ──────────────────────────────────────────────────────────────

/** One event as `events tail` shows it. */
export interface EventLine {
  subject: string;
  seq: number;
  type: string;
  aggregate: string;
  aggregateId: string;
  correlationId: string;
  causationId?: string | undefined;
  data: unknown;
}

export interface Tail {
  /** Stops following; resolves once the consumer is gone. */
  stop(): Promise<void>;
}

/**
 * Follows a system's stream and hands every event to `onEvent` as it is
 * appended (from `from`, or only new ones). Reads through an ephemeral
 * consumer without acks, like a projection: nothing is left on the server.
 */
export async function tailEvents(
  events: EventStore,
  system: string,
  opts: { from?: number | undefined },
  onEvent: (line: EventLine) => void,
): Promise<Tail> {
  const stream = streamName(system);
  const jsm = await events.jsm();
  const info = await jsm.consumers.add(stream, {
    ...(opts.from ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: opts.from } : {}),
    ...(opts.from ? {} : { deliver_policy: DeliverPolicy.New }),
    ack_policy: AckPolicy.None,
    inactive_threshold: 30e9,
    mem_storage: true,
    num_replicas: 1,
  });
  const consumer = await events.js.consumers.get(stream, info.name);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 100, expires: 5000 });
  const loop = (async () => {
    for await (const m of messages) {
      let decoded: ReturnType<typeof decodeCommit>;
      try {
        decoded = decodeCommit(m.data);
      } catch {
        continue; // not a commit of ours: nothing to show
      }
      for (const e of decoded) {
        onEvent({
          subject: m.subject,
          seq: m.seq,
          type: e.type,
          aggregate: e.aggregate,
          aggregateId: e.aggregateId,
          correlationId: e.correlationId,
          causationId: e.causationId,
          data: e.data,
        });
      }
    }
  })().catch(() => {});
  return {
    async stop() {
      messages.stop();
      await loop;
      await jsm.consumers.delete(stream, info.name).catch(() => {});
    },
  };
}

/** `#42 shop.order.01J… OrderPlaced corr=01J… {"productId":…}` with the data cut to `width` characters. */
export function formatEventLine(e: EventLine, width = 100): string {
  const data = JSON.stringify(e.data) ?? "";
  const short = data.length > width ? `${data.slice(0, width - 1)}…` : data;
  const cause = e.causationId ? ` cause=${e.causationId}` : "";
  return `#${e.seq} ${e.subject} ${e.type} ${e.aggregate}/${e.aggregateId} corr=${e.correlationId}${cause} ${short}`;
}

// ── streams ──────────────────────────────────────────────────────────────────

export interface ConsumerReport {
  name: string;
  /** Events of the stream not delivered yet (the consumer's lag). */
  pending: number;
  /** Delivered and not acknowledged yet. */
  ackPending: number;
  /** Unacknowledged events delivered more than once. */
  redelivered: number;
  /** Stream sequence of the last event delivered. */
  deliveredSeq: number;
}

export interface StreamReport {
  name: string;
  subjects: string[];
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  replicas: number;
  /** Server leading the stream (a clustered JetStream); "" on a single server. */
  leader: string;
  /** Durable consumers: the policies. Projections' ephemeral consumers are left out. */
  consumers: ConsumerReport[];
}

/** Every stream of the account with its state and its durable consumers, by name. */
export async function streamsReport(events: EventStore): Promise<StreamReport[]> {
  const jsm = await events.jsm();
  const out: StreamReport[] = [];
  for await (const s of jsm.streams.list()) {
    const consumers: ConsumerReport[] = [];
    for await (const c of jsm.consumers.list(s.config.name)) {
      if (c.config.durable_name) consumers.push(consumerReport(c));
    }
    consumers.sort((a, b) => a.name.localeCompare(b.name));
    out.push({
      name: s.config.name,
      subjects: s.config.subjects ?? [],
      messages: s.state.messages,
      bytes: s.state.bytes,
      firstSeq: s.state.first_seq,
      lastSeq: s.state.last_seq,
      replicas: s.config.num_replicas,
      leader: s.cluster?.leader ?? "",
      consumers,
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function consumerReport(c: ConsumerInfo): ConsumerReport {
  return {
    name: c.name,
    pending: c.num_pending,
    ackPending: c.num_ack_pending,
    redelivered: c.num_redelivered,
    deliveredSeq: c.delivered.stream_seq,
  };
}

/** Two tables: streams, then durable consumers. */
export function formatStreams(report: StreamReport[]): string {
  const streams = columns([
    ["stream", "subjects", "messages", "bytes", "first", "last", "replicas", "leader"],
    ...report.map((s) => [
      s.name,
      s.subjects.join(","),
      String(s.messages),
      humanBytes(s.bytes),
      String(s.firstSeq),
      String(s.lastSeq),
      String(s.replicas),
      s.leader || "-",
    ]),
  ]);
  const consumerRows = report.flatMap((s) =>
    s.consumers.map((c) => [
      s.name,
      c.name,
      String(c.pending),
      String(c.ackPending),
      String(c.redelivered),
      String(c.deliveredSeq),
    ]),
  );
  const consumers =
    consumerRows.length > 0
      ? columns([
          ["stream", "consumer", "pending (lag)", "ack pending", "redelivered", "delivered seq"],
          ...consumerRows,
        ])
      : "(no durable consumers)";
  return `${streams}\n\n${consumers}`;
}

// ── dead letters ─────────────────────────────────────────────────────────────

export { listDeadLetters };

export function formatDeadLetters(letters: DeadLetter[]): string {
  if (letters.length === 0) return "(no dead letters)";
  return columns([
    ["seq", "policy", "event", "types", "at", "error"],
    ...letters.map((d) => [
      String(d.seq),
      d.policy,
      `${d.subject}#${d.eventSeq}`,
      d.eventTypes.join(","),
      d.at,
      d.error.length > 80 ? `${d.error.slice(0, 79)}…` : d.error,
    ]),
  ]);
}

/** The service whose policy is the durable consumer `policy` ("shop-pay" → "shop.pay"). */
export function serviceOfPolicy(broker: ServiceBroker, policy: string): string {
  const known = broker.registry
    .getServiceList({ onlyAvailable: true, skipInternal: true })
    .map((s) => (s as { name: string }).name)
    .find((name) => name.replaceAll(".", "-") === policy);
  return known ?? policy.replaceAll("-", ".");
}

/** Hands the dead letter at `seq` back to the policy that wrote it; it leaves the stream once handled. */
export async function replayDeadLetter(
  broker: ServiceBroker,
  events: EventStore,
  seq: number,
): Promise<{ service: string; seq: number; subject: string }> {
  const jsm = await events.jsm();
  const letter = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq });
  const policy = letter.header.get("Seed-Policy");
  if (!policy) throw new Error(`dead letter ${seq} names no policy`);
  const service = serviceOfPolicy(broker, policy);
  const replayed = await broker.call<{ seq: number; subject: string }, { seq: number }>(`${service}.replayDeadLetter`, {
    seq,
  });
  return { service, ...replayed };
}

// ── rebuild ──────────────────────────────────────────────────────────────────

export interface Progress extends LagSample {
  service: string;
  nodeID: string;
  projections: Array<LagSample["projections"][number] & { rebuilding: boolean }>;
}

/** The nodes that run `service` (those offering its rebuild action). */
export function nodesOf(broker: ServiceBroker, service: string): string[] {
  const list = broker.registry.getActionEndpoints(`${service}.rebuild`) as unknown as
    | { endpoints: Array<{ id: string; state: boolean }> }
    | undefined;
  return (list?.endpoints ?? []).map((ep) => ep.id).sort();
}

/**
 * Rebuilds one instance of `service` (on `nodeID`, else its first node) and
 * reports its progress every `pollMs` until the rebuild answers. Returns the
 * positions the projections reached.
 */
export async function rebuildWithProgress(
  broker: ServiceBroker,
  service: string,
  onProgress: (p: Progress) => void,
  opts: { nodeID?: string | undefined; pollMs?: number; timeoutMs?: number } = {},
): Promise<{ nodeID: string; positions: Record<string, number> }> {
  const nodeID = opts.nodeID ?? nodesOf(broker, service)[0];
  if (!nodeID) throw new Error(`no node runs ${service}`);
  const progress = () =>
    broker
      .call<Progress, Record<string, never>>(`${service}.progress`, {}, { nodeID })
      .then(onProgress)
      .catch(() => {});
  let done = false;
  const rebuild = broker
    .call<Record<string, number>, Record<string, never>>(
      `${service}.rebuild`,
      {},
      { nodeID, timeout: opts.timeoutMs ?? 600_000 },
    )
    .finally(() => {
      done = true;
    });
  const poll = (async () => {
    while (!done) {
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
      if (!done) await progress();
    }
  })();
  const positions = await rebuild;
  await poll;
  await progress();
  return { nodeID, positions };
}

/** `[#########-----------]  45%  450/1000` */
export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  const pct = `${Math.round(ratio * 100)}%`.padStart(4);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${pct}  ${done}/${total}`;
}

/** One line per projection of a progress report. */
export function formatProgress(p: Progress): string {
  return p.projections.map((x) => `${p.service} ${x.name.padEnd(24)} ${progressBar(x.seq, x.target)}`).join("\n");
}

// ── breakers ─────────────────────────────────────────────────────────────────

export interface NodeBreakers {
  nodeID: string;
  breakers: BreakerView[];
  /** Set when the node did not answer. */
  error?: string;
}

/** Every reachable node's circuit breakers (each node keeps its own, per endpoint it called). */
export async function clusterBreakers(broker: ServiceBroker): Promise<NodeBreakers[]> {
  const nodes = broker.registry.getActionEndpoints(`${OPS_SERVICE}.breakers`) as unknown as
    | { endpoints: Array<{ id: string }> }
    | undefined;
  const ids = [...new Set((nodes?.endpoints ?? []).map((ep) => ep.id))].sort();
  return Promise.all(
    ids.map(async (nodeID) => {
      try {
        const breakers = await broker.call<BreakerView[], Record<string, never>>(
          `${OPS_SERVICE}.breakers`,
          {},
          { nodeID },
        );
        return { nodeID, breakers };
      } catch (err) {
        return { nodeID, breakers: [], error: (err as Error).message };
      }
    }),
  );
}

export function formatBreakers(nodes: NodeBreakers[]): string {
  const rows = nodes.flatMap((n) =>
    n.error
      ? [[n.nodeID, "(no answer)", "", "", n.error]]
      : n.breakers.map((b) => [n.nodeID, b.action, b.target, b.state, `${b.failures}/${b.calls}`]),
  );
  if (rows.length === 0) return "(no breakers: no node called an action within the breaker window)";
  return columns([["node", "action", "on node", "state", "failures/calls"], ...rows]);
}

// ── text helpers ─────────────────────────────────────────────────────────────

/** Left-aligned columns separated by two spaces, with a rule under the header. */
export function columns(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const [head, ...body] = rows;
  if (!head) return "";
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
