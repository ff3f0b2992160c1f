// JetStream is the log of record. One stream per system (`MALL` over `mall.>`),
// one subject per aggregate (`mall.order.<id>`). A command's events are one
// message — one commit — appended with the subject's expected last sequence
// (optimistic concurrency) and the first event's id as `Nats-Msg-Id` (the
// server drops a re-publish of the same commit inside the duplicate window).
import {
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  NatsError,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "nats";
import type { Config } from "./config.js";
import { unavailable } from "./errors.js";

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

/** Where a commit landed; `duplicate` = the server already had it and stored nothing new. */
export interface Appended {
  seq: number;
  duplicate: boolean;
}

export const streamName = (system: string) => system.toUpperCase();
/** Where policies put the events they gave up on: `deadletter.<system>.<durable>`, with Seed-* headers. */
export const DEAD_LETTER_STREAM = "DEADLETTER";
export const subjectOf = (system: string, aggregate: string, id: string) => `${system}.${aggregate}.${id}`;

/** The append lost a race: another writer appended to the subject first. */
export class ConcurrencyError extends Error {
  constructor(readonly subject: string) {
    super(`concurrent write to ${subject}`);
    this.name = "ConcurrencyError";
  }
}

const WRONG_LAST_SEQUENCE = 10071;
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

export class EventStore {
  readonly js: JetStreamClient;
  private jsmPromise?: Promise<JetStreamManager>;
  /** Told how long each append took (seconds), for the append-latency histogram. */
  onAppend?: (seconds: number) => void;

  constructor(
    readonly nc: NatsConnection,
    private readonly config: Config,
  ) {
    this.js = nc.jetstream();
  }

  jsm(): Promise<JetStreamManager> {
    this.jsmPromise ??= this.nc.jetstreamManager();
    return this.jsmPromise;
  }

  /** Creates the system's stream, or brings its limits in line with config. */
  async ensureStream(system: string): Promise<void> {
    await this.ensure(streamName(system), [`${system}.>`]);
  }

  /** The dead-letter stream: events a policy gave up on, with the error. */
  async ensureDeadLetters(): Promise<void> {
    await this.ensure(DEAD_LETTER_STREAM, ["deadletter.>"]);
  }

  private async ensure(name: string, subjects: string[]): Promise<void> {
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
    try {
      const info = await jsm.streams.info(name);
      const cur = info.config;
      if (
        cur.max_age !== wanted.max_age ||
        cur.max_bytes !== wanted.max_bytes ||
        cur.duplicate_window !== wanted.duplicate_window ||
        cur.num_replicas !== wanted.num_replicas
      ) {
        await jsm.streams.update(name, { ...cur, ...wanted } as StreamConfig);
      }
    } catch (err) {
      if (!(err instanceof NatsError && err.api_error?.err_code === 10059)) throw err; // 10059 = stream not found
      try {
        await jsm.streams.add(wanted);
      } catch (addErr) {
        // Another node created it between our look-up and our add.
        if (!(addErr instanceof NatsError && addErr.api_error?.err_code === 10058)) throw addErr;
      }
    }
    if (c.STREAM_REPLICAS > 1) await this.leaderOf(name);
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
   * Appends one commit. `expectedSeq` is the subject's last sequence the
   * decision was based on (0 = the aggregate must not exist yet). Returns the
   * commit's stream sequence; throws ConcurrencyError when someone was faster.
   */
  async append(subject: string, events: EventEnvelope[], expectedSeq: number): Promise<number> {
    return (await this.appendCommit(subject, events, expectedSeq)).seq;
  }

  /**
   * Like `append`, and says whether the server dropped the commit as a
   * re-publish of one it stored before (same first event id inside the
   * duplicate window): then `seq` is the stored commit's sequence. The server
   * checks duplicates before the expected sequence, so a re-executed command
   * is answered "duplicate", not "concurrent write".
   */
  async appendCommit(subject: string, events: EventEnvelope[], expectedSeq: number): Promise<Appended> {
    const observe = this.onAppend;
    if (!observe) return this.publishCommit(subject, events, expectedSeq);
    const startedAt = performance.now();
    try {
      return await this.publishCommit(subject, events, expectedSeq);
    } finally {
      observe((performance.now() - startedAt) / 1000);
    }
  }

  private async publishCommit(subject: string, events: EventEnvelope[], expectedSeq: number): Promise<Appended> {
    const first = events[0];
    if (!first) throw new Error("empty commit");
    const data = encodeCommit(events);
    // While a stream elects a new leader (a server died) publishes go
    // unanswered for a moment. Sending the same commit again is safe — the
    // server drops a second copy by its id — so it is retried within a budget
    // shorter than the caller's timeout, and the moment costs latency, not errors.
    const giveUpAt = Date.now() + this.publishBudgetMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 400)) {
      try {
        const ack = await this.js.publish(subject, data, {
          msgID: first.id,
          expect: { lastSubjectSequence: expectedSeq },
          timeout: Math.max(250, Math.min(1000, giveUpAt - Date.now())),
        });
        return { seq: ack.seq, duplicate: ack.duplicate };
      } catch (err) {
        if (err instanceof NatsError && err.api_error?.err_code === WRONG_LAST_SEQUENCE)
          throw new ConcurrencyError(subject);
        const transient = err instanceof NatsError && (err.code === "503" || err.code === "TIMEOUT");
        if (transient && Date.now() + delay < giveUpAt) {
          await new Promise((r) => setTimeout(r, delay));
          continue;
        }
        // NATS or JetStream not answering: the client is told to retry (with its
        // Idempotency-Key a retry cannot create twice, even if this append landed).
        if (err instanceof NatsError) throw unavailable("the event store is unavailable, try again shortly");
        throw err;
      }
    }
  }

  /** How long an append keeps trying through a leader election: half the request timeout, at most 2 s. */
  private get publishBudgetMs(): number {
    return Math.min(2000, Math.floor(this.config.REQUEST_TIMEOUT_MS / 2));
  }

  /** Last sequence stored on one subject, 0 if none. Off the hot path: used after a lost race. */
  async lastSeqOf(stream: string, subject: string): Promise<number> {
    const jsm = await this.jsm();
    try {
      const m = await jsm.streams.getMessage(stream, { last_by_subj: subject });
      return m.seq;
    } catch (err) {
      if (err instanceof NatsError && (err.api_error?.err_code === 10037 || err.code === "404")) return 0;
      if (err instanceof NatsError) throw unavailable("the event store is unavailable, try again shortly");
      throw err;
    }
  }

  /** Last sequence of a whole stream (what a projection must reach to be caught up). */
  async lastSeq(stream: string): Promise<number> {
    const jsm = await this.jsm();
    const info = await jsm.streams.info(stream);
    return info.state.last_seq;
  }
}
