// JetStream is the log of record. One stream per system (`SHOP` over `shop.>`),
// one subject per aggregate (`shop.order.<id>`), on a typed stream followed by
// the type of the commit's events (subjects.ts). A command's events are one
// message — one commit — appended with the aggregate's expected last sequence
// (optimistic concurrency), the valid commit it was decided on (`Seed-Prev`,
// see chain.ts) and the first event's id as `Nats-Msg-Id` (the server drops a
// re-publish of the same commit inside the duplicate window). On a replicated
// stream the server's check can let two commits decided on the same state
// through, so there the append is verified before it is answered.
import {
  DiscardPolicy,
  headers,
  type JetStreamClient,
  type JetStreamManager,
  type MsgRequest,
  type NatsConnection,
  NatsError,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "nats";
import { continues, PREV_HEADER, prevOf } from "./chain.js";
import type { Config } from "./config.js";
import { storeUnavailable, unavailable } from "./errors.js";
import { stampTrace } from "./observability/tracing.js";
import { aggregateFilter, commitSubject, isTyped, readFilter, SUBJECTS_METADATA, TYPED } from "./subjects.js";
import { isTransient } from "./until-answered.js";

export { subjectOf } from "./subjects.js";

/** An event as stored: the domain event in its envelope. */
export interface EventEnvelope<Data = unknown> {
  /** ULID; also the deduplication id of the commit it opens. */
  id: string;
  type: string;
  aggregate: string;
  aggregateId: string;
  /** The spec's correlation key (orderId, requestId, roomId, planNo…). */
  correlationId: string;
  /** Id of the event or request that caused this one. */
  causationId?: string;
  occurredAt: string;
  /** Schema version of `data`. */
  version: number;
  data: Data;
}

/** One stored message: the events of one command on one aggregate. */
export interface Commit {
  seq: number;
  subject: string;
  events: EventEnvelope[];
}

/**
 * What a command was decided on: `prev`, the subject's last valid commit (the
 * state it folded), and `last`, the subject's last message, void ones included
 * (what JetStream's expected-sequence check compares with).
 */
export interface Basis {
  prev: number;
  last: number;
}

/** Where a commit landed; `duplicate` = the server already had it and stored nothing new. */
export interface Appended {
  seq: number;
  duplicate: boolean;
}

export const streamName = (system: string) => system.toUpperCase();
/** The stream of an aggregate subject (`shop.order.<id>` → `SHOP`). */
export const streamOfSubject = (subject: string) => streamName(subject.slice(0, subject.indexOf(".")));
/** Where policies put the events they gave up on: `deadletter.<system>.<durable>`, with Seed-* headers. */
export const DEAD_LETTER_STREAM = "DEADLETTER";

/** The append lost a race: another writer appended to the subject first. */
export class ConcurrencyError extends Error {
  constructor(
    readonly subject: string,
    /**
     * Set when the commit was stored but is void: another one decided on the
     * same state came first (a replicated stream let both through), or a
     * re-publish was matched to such a void commit. Its sequence.
     */
    readonly voided?: number,
  ) {
    super(`concurrent write to ${subject}`);
    this.name = "ConcurrencyError";
  }
}

/** How a stream keeps one writer per aggregate version, as reported at start and on /health. */
export type Guarantee = "expected sequence checked by the server" | "appends verified";

// What a replicated stream needs of the nats-server, by version:
// - 2.9: a message look-up that reads forward on one subject (`next_by_subj`),
//   to verify appends (see verifiedCommit);
// - not 2.10: there a commit refused for a wrong expected sequence leaves its
//   id in the leader's duplicate table, and the same commit sent again on the
//   next state (a reaction's seeded ids) is answered "duplicate" with
//   sequence 0 and never stored. Fixed in 2.11.
type Version = readonly [number, number, number];
const FORWARD_READ_SINCE: Version = [2, 9, 0];
const LOSES_RETRIES: readonly [Version, Version] = [
  [2, 10, 0],
  [2, 11, 0],
];
/**
 * The oldest nats-server a typed stream can be made on: it checks the
 * expected sequence across all of an aggregate's subjects
 * (`Nats-Expected-Last-Subject-Sequence-Subject`), and a consumer takes
 * several filters (2.10).
 */
const TYPED_SINCE: Version = [2, 11, 0];
const EXPECTED_SUBJECT_HEADER = "Nats-Expected-Last-Subject-Sequence-Subject";

/** What the store needs to know of a stream to append to it and read it. */
interface Layout {
  replicas: number;
  /** Whether commit subjects name their events' type (subjects.ts). */
  typed: boolean;
}

/** "Wrong last sequence", with the sequence in the text (10071) or without it (10164, newer servers). */
const WRONG_LAST_SEQUENCE = new Set([10071, 10164]);
const NO_MESSAGE = 10037;
const MSG_ID_HEADER = "Nats-Msg-Id";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeCommit = (events: EventEnvelope[]): Uint8Array => encoder.encode(JSON.stringify(events));
/**
 * The events of a stored commit. With `upcast` (a system that declared
 * upcasters), events of an older schema version come out in the current shape.
 */
export function decodeCommit(data: Uint8Array, upcast?: (event: EventEnvelope) => EventEnvelope): EventEnvelope[] {
  const events = JSON.parse(decoder.decode(data)) as EventEnvelope[];
  return upcast ? events.map(upcast) : events;
}

/** Whether a nats-server version is `since` or later ("2.11.4", "3.0.0-beta"). */
export function versionAtLeast(version: string, since: Version): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map(Number);
  const [wMajor, wMinor, wPatch] = since;
  return major !== wMajor ? major > wMajor : minor !== wMinor ? minor > wMinor : patch >= wPatch;
}

/** Why a replicated stream cannot keep one writer per aggregate version on this nats-server, if it cannot. */
export function replicationRefusal(version: string): string | undefined {
  if (!versionAtLeast(version, FORWARD_READ_SINCE))
    return `nats-server ${version} cannot verify appends to a replicated stream (it lacks the forward read by subject)`;
  const [from, fixed] = LOSES_RETRIES;
  if (versionAtLeast(version, from) && !versionAtLeast(version, fixed))
    return `nats-server ${version} answers a commit sent again after a lost race "duplicate" without storing it, on a replicated stream`;
  return undefined;
}

/** How the store knows a stream's layout from its configuration. */
const layoutOf = (stream: StreamConfig): Layout => ({
  replicas: stream.num_replicas,
  typed: isTyped(stream),
});

/** What a message look-up found, or undefined when there is no such message; NATS failing is a 503. */
async function found<T>(lookUp: () => Promise<T>): Promise<T | undefined> {
  try {
    return await lookUp();
  } catch (err) {
    if (err instanceof NatsError && (err.api_error?.err_code === NO_MESSAGE || err.code === "404")) return undefined;
    if (err instanceof NatsError) throw storeUnavailable();
    throw err;
  }
}

export class EventStore {
  readonly js: JetStreamClient;
  private jsmPromise?: Promise<JetStreamManager>;
  /** Told how long each append took (seconds), for the append-latency histogram. */
  onAppend?: (seconds: number) => void;
  /** The layout of each stream this store appends to or reads (looked up once; set by ensureStream). */
  private readonly layouts = new Map<string, Promise<Layout>>();

  constructor(
    readonly nc: NatsConnection,
    private readonly config: Config,
  ) {
    this.js = nc.jetstream();
  }

  jsm(): Promise<JetStreamManager> {
    // One that failed (JetStream not answering yet) is asked for again next time, not kept.
    this.jsmPromise ??= this.nc.jetstreamManager().catch((err: unknown) => {
      this.jsmPromise = undefined;
      throw err;
    });
    return this.jsmPromise;
  }

  /**
   * Creates the system's stream, or brings its limits in line with config, and
   * says how one writer per aggregate version is kept on it. Refuses a
   * replicated stream on a server that cannot keep it (replicationRefusal).
   */
  async ensureStream(system: string): Promise<Guarantee> {
    const name = streamName(system);
    if (this.config.STREAM_REPLICAS > 1) this.requireReplication();
    const typedIfNew = versionAtLeast(this.nc.info?.version ?? "0.0.0", TYPED_SINCE);
    const stream = await this.ensure(name, [`${system}.>`], typedIfNew ? { [SUBJECTS_METADATA]: TYPED } : undefined);
    this.layouts.set(name, Promise.resolve(layoutOf(stream)));
    return this.guaranteeOf(this.config.STREAM_REPLICAS);
  }

  private guaranteeOf(replicas: number): Guarantee {
    return replicas > 1 ? "appends verified" : "expected sequence checked by the server";
  }

  private requireReplication(): void {
    const refusal = replicationRefusal(this.nc.info?.version ?? "0.0.0");
    if (refusal) {
      throw new Error(`${refusal}: run nats-server 2.9 or 2.11 and later, or set STREAM_REPLICAS=1`);
    }
  }

  /** The dead-letter stream: events a policy gave up on, with the error. */
  async ensureDeadLetters(): Promise<void> {
    await this.ensure(DEAD_LETTER_STREAM, ["deadletter.>"]);
  }

  /**
   * The stream as it is after bringing its limits in line. `metadata` is set
   * only on a stream made now: an existing stream keeps its subject layout.
   */
  private async ensure(name: string, subjects: string[], metadata?: Record<string, string>): Promise<StreamConfig> {
    const jsm = await this.jsm();
    const c = this.config;
    const wanted: Partial<StreamConfig> = {
      name,
      subjects,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      num_replicas: c.STREAM_REPLICAS,
      max_age: c.STREAM_MAX_AGE_DAYS * 86_400 * 1e9,
      max_bytes: c.STREAM_MAX_BYTES,
      duplicate_window: c.STREAM_DUPLICATE_WINDOW_SECONDS * 1e9,
    };
    let stream: StreamConfig;
    try {
      const info = await jsm.streams.info(name);
      stream = info.config;
      if (
        stream.max_age !== wanted.max_age ||
        stream.max_bytes !== wanted.max_bytes ||
        stream.duplicate_window !== wanted.duplicate_window ||
        stream.num_replicas !== wanted.num_replicas
      ) {
        stream = (await jsm.streams.update(name, { ...stream, ...wanted } as StreamConfig)).config;
      }
    } catch (err) {
      if (!(err instanceof NatsError && err.api_error?.err_code === 10059)) throw err; // 10059 = stream not found
      try {
        stream = (await jsm.streams.add({ ...wanted, ...(metadata ? { metadata } : {}) })).config;
      } catch (addErr) {
        // Another node created it between our look-up and our add: the server
        // then says the name is taken (10058) or, as 2.9 can, that the
        // subjects overlap a stream (10065) — the one just made, if it exists now.
        const code = addErr instanceof NatsError ? addErr.api_error?.err_code : undefined;
        if (code !== 10058 && code !== 10065) throw addErr;
        stream = (
          await jsm.streams.info(name).catch(() => {
            throw addErr;
          })
        ).config;
      }
    }
    if (c.STREAM_REPLICAS > 1) await this.leaderOf(name);
    return stream;
  }

  /**
   * A replicated stream answers reads and writes only once its replicas have
   * elected a leader, a moment after it was created or a server came back.
   */
  private async leaderOf(name: string, timeoutMs = 30_000): Promise<string> {
    const jsm = await this.jsm();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const leader = (await jsm.streams.info(name)).cluster?.leader;
        if (leader) return leader;
      } catch (err) {
        if (!(err instanceof NatsError) || Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) throw unavailable(`stream ${name} has no leader`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * Appends one commit to an aggregate (`shop.order.<id>`; the store adds the
   * type on a typed stream). `basis` is what the decision was based on; a
   * number is an aggregate without void messages (0 = the aggregate must not exist
   * yet). Returns the commit's stream sequence and whether the server
   * dropped it as a re-publish of one it stored before (same first event id
   * inside the duplicate window): then `seq` is the stored commit's sequence.
   * A re-executed command is answered "duplicate", not "concurrent write",
   * whichever of the two checks the server makes first (see storedAfter).
   * Throws ConcurrencyError when someone was faster.
   */
  async appendCommit(aggregate: string, events: EventEnvelope[], basis: number | Basis): Promise<Appended> {
    // Refused before the stream is looked up: an empty commit is a caller's mistake wherever it goes.
    if (events.length === 0) throw new Error("empty commit");
    const on = typeof basis === "number" ? { prev: basis, last: basis } : basis;
    const observe = this.onAppend;
    if (!observe) return this.verifiedCommit(aggregate, events, on);
    const startedAt = performance.now();
    try {
      return await this.verifiedCommit(aggregate, events, on);
    } finally {
      observe((performance.now() - startedAt) / 1000);
    }
  }

  /**
   * On a replicated stream, an acknowledged commit counts only if it is the
   * valid successor of the commit it was decided on; a re-publish only if
   * what the server matched it to is valid. Usually the first message read
   * forward from `prev` is the commit itself: one round trip.
   */
  private async verifiedCommit(aggregate: string, events: EventEnvelope[], basis: Basis): Promise<Appended> {
    const stream = streamOfSubject(aggregate);
    const layout = await this.layoutOf(stream);
    const appended = await this.publishCommit(aggregate, events, basis, layout.typed);
    if (layout.replicas <= 1) return appended;
    const valid = appended.duplicate
      ? await this.isValid(stream, aggregate, appended.seq)
      : (await this.successorOf(stream, aggregate, basis.prev)) === appended.seq;
    if (!valid) throw new ConcurrencyError(aggregate, appended.seq);
    return appended;
  }

  private layoutOf(stream: string): Promise<Layout> {
    let layout = this.layouts.get(stream);
    if (!layout) {
      layout = this.jsm().then(async (jsm) => layoutOf((await jsm.streams.info(stream)).config));
      layout.catch(() => this.layouts.delete(stream)); // asked again next time
      this.layouts.set(stream, layout);
    }
    return layout;
  }

  /** Whether a stream's commit subjects name their events' type (subjects.ts). */
  async typed(stream: string): Promise<boolean> {
    return (await this.layoutOf(stream)).typed;
  }

  /** Whether appends to a stream are verified (it is replicated, so it may hold void commits). */
  async verifies(stream: string): Promise<boolean> {
    return (await this.layoutOf(stream)).replicas > 1;
  }

  /** How one writer per aggregate version is kept on a stream (a look-up the first time). */
  async guarantee(stream: string): Promise<Guarantee> {
    return this.guaranteeOf((await this.layoutOf(stream)).replicas);
  }

  /** Whether the message at `seq` is on its aggregate's valid chain (it is read to learn what it names). */
  async isValid(stream: string, aggregate: string, seq: number): Promise<boolean> {
    const m = await this.readForward(stream, aggregate, seq);
    return m.seq !== seq || (await this.isValidAt(stream, aggregate, seq, prevOf(m.header)));
  }

  /** Whether the message at `seq`, naming `prev`, is on its aggregate's valid chain. */
  async isValidAt(stream: string, aggregate: string, seq: number, prev: number | undefined): Promise<boolean> {
    return prev === undefined || (await this.successorOf(stream, aggregate, prev)) === seq;
  }

  /**
   * The valid successor of the valid commit at `prev`: the first later message
   * of the aggregate that names `prev` (or, written before the header, none).
   */
  async successorOf(stream: string, aggregate: string, prev: number): Promise<number> {
    for (let from = prev + 1; ; ) {
      const m = await this.readForward(stream, aggregate, from);
      if (continues(prev, prevOf(m.header))) return m.seq;
      from = m.seq + 1;
    }
  }

  /**
   * The first message of an aggregate at or after `from`. The caller knows one
   * exists (it was acknowledged or delivered); a server that has just become
   * the stream's leader may not hold it yet, so a miss is asked again for a
   * moment before the store is reported unavailable.
   */
  private async readForward(stream: string, aggregate: string, from: number) {
    const giveUpAt = Date.now() + this.publishBudgetMs;
    for (let delay = 25; ; delay = Math.min(delay * 2, 200)) {
      try {
        return await this.nextOf(stream, aggregate, from);
      } catch (err) {
        if (!(err instanceof NatsError)) throw err;
        if (Date.now() + delay >= giveUpAt) throw storeUnavailable();
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** The first message of an aggregate at or after `from`, as the stream's leader has it: one look-up. */
  private async nextOf(stream: string, aggregate: string, from: number) {
    const jsm = await this.jsm();
    const filter = aggregateFilter(aggregate, (await this.layoutOf(stream)).typed);
    // The stream leader's message look-up takes `next_by_subj` (nats-server
    // 2.9 and later); nats.js types it only for direct gets, which a replica
    // may answer from a copy that lags behind, so the request is cast.
    const forward = { seq: from, next_by_subj: filter } as unknown as MsgRequest;
    return jsm.streams.getMessage(stream, forward);
  }

  private async publishCommit(
    aggregate: string,
    events: EventEnvelope[],
    basis: Basis,
    typed: boolean,
  ): Promise<Appended> {
    const first = events[0];
    if (!first) throw new Error("empty commit");
    const data = encodeCommit(events);
    const subject = commitSubject(
      aggregate,
      events.map((e) => e.type),
      typed,
    );
    const h = headers();
    h.set(PREV_HEADER, String(basis.prev));
    // The expected sequence is the aggregate's, across the subjects of all its types.
    if (typed) h.set(EXPECTED_SUBJECT_HEADER, aggregateFilter(aggregate, true));
    // Whoever handles the commit joins the trace of the work that appended it.
    stampTrace(h);
    // While a stream elects a new leader (a server died) publishes go
    // unanswered for a moment. Sending the same commit again is safe — the
    // server drops a second copy by its id — so it is retried within a budget
    // shorter than the caller's timeout, and the moment costs latency, not errors.
    const giveUpAt = Date.now() + this.publishBudgetMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 400)) {
      try {
        const ack = await this.js.publish(subject, data, {
          msgID: first.id,
          headers: h,
          expect: { lastSubjectSequence: basis.last },
          timeout: Math.max(250, Math.min(1000, giveUpAt - Date.now())),
        });
        return { seq: ack.seq, duplicate: ack.duplicate };
      } catch (err) {
        if (err instanceof NatsError && WRONG_LAST_SEQUENCE.has(err.api_error?.err_code ?? 0)) {
          const stored = await this.storedAfter(aggregate, basis.last, first.id);
          if (stored !== undefined) return { seq: stored, duplicate: true };
          throw new ConcurrencyError(aggregate);
        }
        if (isTransient(err) && Date.now() + delay < giveUpAt) {
          await new Promise((r) => setTimeout(r, delay));
          continue;
        }
        // NATS or JetStream not answering: the client is told to retry (with its
        // Idempotency-Key a retry cannot create twice, even if this append landed).
        if (err instanceof NatsError) throw storeUnavailable();
        throw err;
      }
    }
  }

  /**
   * The sequence of this very commit, if it is already stored right after the
   * state it was decided on. Some servers check the expected sequence before
   * duplicates (2.10 on a replicated stream, 2.15 on every stream), so a
   * commit sent again after its first copy landed (an unanswered publish, a
   * command executed twice) is refused as a conflict. It is still the same
   * commit, and is answered as a duplicate, as the other servers do.
   */
  private async storedAfter(aggregate: string, last: number, firstEventId: string): Promise<number | undefined> {
    const m = await found(() => this.nextOf(streamOfSubject(aggregate), aggregate, last + 1));
    return m?.header?.get(MSG_ID_HEADER) === firstEventId ? m.seq : undefined;
  }

  /** How long an append keeps trying through a leader election: half the request timeout, at most 2 s. */
  private get publishBudgetMs(): number {
    return Math.min(2000, Math.floor(this.config.REQUEST_TIMEOUT_MS / 2));
  }

  /**
   * Last sequence stored on one aggregate (`shop.order.<id>`, whatever its
   * commits' types) or under a filter (`shop.order.>`), 0 if none.
   */
  async lastSeqOf(stream: string, subject: string): Promise<number> {
    const m = await found(async () => {
      const filter = readFilter(subject, await this.typed(stream));
      return (await this.jsm()).streams.getMessage(stream, { last_by_subj: filter });
    });
    return m?.seq ?? 0;
  }

  /** Last sequence of a whole stream (what a projection must reach to be caught up). */
  async lastSeq(stream: string): Promise<number> {
    const jsm = await this.jsm();
    const info = await jsm.streams.info(stream);
    return info.state.last_seq;
  }
}
