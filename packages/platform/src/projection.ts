// A projection reads its system's stream in order from the position kept in
// its own LevelDB and writes its rows and the new position in one batch: after
// a crash it resumes from the last committed position, so every event is
// applied exactly once. It reads through an ephemeral consumer of its own,
// which leaves nothing behind on the server when the instance dies.
// It applies only the commits on their subject's valid chain (chain.ts): it
// keeps each subject's valid tip in the same batches, and hands a void commit
// (a write that lost) to the projector's `skip` instead.

import type { Logger as LoggerInstance } from "moleculer";
import { AckPolicy, type ConsumerMessages, DeliverPolicy, type JetStreamManager, type MsgHdrs } from "nats";
import { continues, prevOf } from "./chain.js";
import { WATCHED_PULL, watchHeartbeats } from "./consumer-watch.js";
import { type Commit, decodeCommit, type EventEnvelope, type EventStore } from "./event-store.js";
import { GroupCommit } from "./group-commit.js";
import { type DeliveryTracer, deliveryLabel } from "./observability/tracing.js";
import type { Store, WriteBatch } from "./store.js";

export interface Projector {
  /** Unique per service instance store, e.g. "agg:order" or "view:orderStatuses". */
  name: string;
  /** Subject filter, e.g. `shop.order.>` or `shop.>`. */
  filter: string;
  /** Applies one commit to the batch. Must be deterministic: a rebuild gives the same rows. */
  apply(batch: WriteBatch, commit: Commit): void | Promise<void>;
  /** Told of a void commit (skipped by every reader), for a projector that must know the subject moved. */
  skip?(batch: WriteBatch, commit: Commit): void | Promise<void>;
  /** Sections the projector owns, cleared by a rebuild. */
  sections: string[];
  /**
   * What the projector writes besides its rows (its index declarations). A
   * copy written under another layout is forgotten on start and replayed, so
   * a newly declared index holds every row.
   */
  layout?: string;
}

const POSITIONS = "pos";
/** Under POSITIONS, per projection: where it began keeping valid tips (a copy older than the chain rule). */
const CHAINED_FROM = ":chainedFrom";
/** Under POSITIONS, per projection: the layout its copy was written under. */
const LAYOUT = ":layout";

export class Projection {
  private position = 0;
  /**
   * The position at which this copy began keeping valid tips: a subject with
   * no tip whose commit names a predecessor before it continues history this
   * copy applied without judging it, and is taken as valid.
   */
  private chainedFrom = 0;
  private readonly tips: string;
  private target = 0;
  private caughtUp = false;
  /** Set while the consumer is broken and being re-created: the copy may be behind. */
  private interrupted = false;
  /**
   * Where the stream ended when the current consumer was made again after a
   * break. Its server may be one that has just come back and still holds an
   * old copy of the stream: until the projection has reached this point it
   * would serve rows older than what callers were already told exists.
   */
  private resumeAt = 0;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private stopped = false;
  private readonly waiters = new Waiters();
  /** Called after every flush with the position reached and the target of the start, for progress bars. */
  onProgress?: (position: number, target: number) => void;
  /** With tracing on: applying a live commit joins the trace it was appended in (a catch-up does not). */
  trace?: DeliveryTracer;

  constructor(
    private readonly events: EventStore,
    private readonly store: Store,
    private readonly stream: string,
    readonly projector: Projector,
    private readonly logger: LoggerInstance,
    /** Brings events of older schema versions to the current shape (the system's upcasters). */
    private readonly upcast?: (event: EventEnvelope) => EventEnvelope,
  ) {
    this.tips = `tip:${projector.name}`;
  }

  /** Caught up once, and following now: only then may its rows be served. */
  get ready(): boolean {
    return this.caughtUp && !this.interrupted && this.position >= this.resumeAt;
  }

  get seq(): number {
    return this.position;
  }

  /** Starts following the stream; resolves once caught up with what was there at start. */
  async start(): Promise<void> {
    this.stopped = false;
    try {
      this.position = (await this.store.get<number>(POSITIONS, this.projector.name)) ?? 0;
      if (await this.forgotOtherLayout()) this.position = 0;
      this.chainedFrom = await this.chainStart();
      this.target = await this.lastSeqWhenAnswered();
    } catch (err) {
      if (this.stopped) return; // the store closed under a start that was already called off
      throw err;
    }
    // Stopped while looking up where to start: a waiter registered now would never be answered.
    if (this.stopped) return;
    const caughtUp = this.waitFor(this.target, 0);
    this.loop = this.run();
    await caughtUp;
  }

  /**
   * Where the stream ends now. A replicated stream may not answer for a few
   * seconds after it was created or a server came back (leader election):
   * starting waits for it rather than failing the node.
   */
  private async lastSeqWhenAnswered(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      try {
        return await this.events.lastSeqOf(this.stream, this.projector.filter);
      } catch (err) {
        if (this.stopped || Date.now() > deadline || (err as { code?: number }).code !== 503) throw err;
        this.logger.warn(`projection ${this.projector.name}: stream not answering yet, retrying`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async chainStart(): Promise<number> {
    const key = this.projector.name + CHAINED_FROM;
    const known = await this.store.get<number>(POSITIONS, key);
    if (known !== undefined) return known;
    await this.store.write([{ section: POSITIONS, key, value: this.position }]);
    return this.position;
  }

  /** Whether a commit continues its subject's valid chain; if so it becomes the subject's tip. */
  private async onChain(batch: WriteBatch, subject: string, seq: number, prev: number | undefined): Promise<boolean> {
    const tip = await batch.get<number>(this.tips, subject);
    const valid =
      tip === undefined && prev !== undefined && prev <= this.chainedFrom ? true : continues(tip ?? 0, prev);
    if (valid) batch.put(this.tips, subject, seq);
    return valid;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.messages?.stop();
    await this.loop;
    this.waiters.releaseAll(false);
  }

  /** Forgets every row and the position, then replays the stream from the start. */
  async rebuild(): Promise<void> {
    await this.stop();
    await this.forget();
    this.caughtUp = false;
    await this.start();
  }

  private async forget(): Promise<void> {
    for (const section of [...this.projector.sections, this.tips]) await this.store.clear(section);
    await this.store.delete(POSITIONS, this.projector.name);
    await this.store.delete(POSITIONS, this.projector.name + CHAINED_FROM);
  }

  /**
   * A copy written before its indexes were declared (or changed) lacks entries:
   * it is forgotten, to be replayed from the start. True when it was.
   */
  private async forgotOtherLayout(): Promise<boolean> {
    const layout = this.projector.layout ?? "";
    const key = this.projector.name + LAYOUT;
    const written = await this.store.get<string>(POSITIONS, key);
    if (written === layout) return false;
    // A copy older than layouts was written without indexes: the empty layout.
    const forget = this.position > 0 && (written ?? "") !== layout;
    if (forget) await this.forget();
    await this.store.write([{ section: POSITIONS, key, value: layout }]);
    return forget;
  }

  /**
   * Resolves true once the projection is ready (caught up and following),
   * false after `timeoutMs`. A consumer lost with a NATS server is back within
   * moments; a command waits that moment out instead of failing at once.
   */
  async whenReady(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ready) {
      if (this.stopped || Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
    return true;
  }

  /**
   * Resolves true once this copy holds everything on its subjects that the
   * stream held when asked, false after `timeoutMs`. What is missing from the
   * copy then is missing from the stream: a read may answer "not found".
   */
  async reachStreamEnd(timeoutMs: number): Promise<boolean> {
    return this.waitFor(await this.events.lastSeqOf(this.stream, this.projector.filter), timeoutMs);
  }

  /**
   * Resolves true once the projection has applied the commit at `seq` (timeout
   * 0 = wait as long as it takes), false on timeout or stop.
   */
  waitFor(seq: number, timeoutMs: number): Promise<boolean> {
    if (this.position >= seq) {
      this.markCaughtUp();
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { seq, resolve };
      if (timeoutMs > 0) {
        const timer = setTimeout(() => {
          this.waiters.remove(waiter);
          resolve(false);
        }, timeoutMs);
        timer.unref();
        waiter.resolve = (ok) => {
          clearTimeout(timer);
          resolve(ok);
        };
      }
      this.waiters.add(waiter);
    });
  }

  private markCaughtUp() {
    if (!this.caughtUp && this.position >= this.target) {
      this.caughtUp = true;
    }
  }

  private async run(): Promise<void> {
    let delay = 100;
    while (!this.stopped) {
      try {
        await this.consume();
        delay = 100;
      } catch (err) {
        if (this.stopped) break;
        this.interrupted = true;
        this.logger.error(`projection ${this.projector.name} failed at ${this.position}; resuming`, err);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  private async consume(): Promise<void> {
    const { jsm, name, messages } = await this.follow();
    const commits = new GroupCommit<WriteBatch>(
      { open: (under) => this.store.batch(under), write: (batch, upTo) => this.flush(batch, upTo) },
      this.position,
    );
    let delivered = 0;
    try {
      for await (const m of messages) {
        if (m.info.deliverySequence !== ++delivered) throw new Error(`gap in delivery after ${commits.applied}`);
        await commits.apply(m.seq, async (batch) => {
          const commit: Commit = { seq: m.seq, subject: m.subject, events: decodeCommit(m.data, this.upcast) };
          if (await this.onChain(batch, m.subject, m.seq, prevOf(m.headers)))
            await this.applyOne(batch, commit, m.headers);
          else await this.projector.skip?.(batch, commit);
        });
      }
      await commits.drain();
    } finally {
      // Leave no write behind: the next consumer starts from the position it sets.
      await commits.close();
      messages.stop();
      jsm.consumers.delete(this.stream, name).catch(() => {});
    }
  }

  /**
   * Creates the consumer that delivers from our position on, and watches it.
   * An ephemeral consumer without acks: the server numbers what it delivers;
   * a gap in that numbering means a message was lost in transit, so we start
   * over from the position we hold (what an ordered consumer does; nats.js's
   * own one needs nats-server 2.10).
   */
  private async follow(): Promise<{ jsm: JetStreamManager; name: string; messages: ConsumerMessages }> {
    const jsm = await this.events.jsm();
    const resumeAt = this.caughtUp ? await this.lastSeqWhenAnswered() : 0;
    const info = await jsm.consumers.add(this.stream, {
      filter_subject: this.projector.filter,
      ...(this.position > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.position + 1 }
        : { deliver_policy: DeliverPolicy.All }),
      ack_policy: AckPolicy.None,
      inactive_threshold: 30e9,
      mem_storage: true,
      num_replicas: 1,
    });
    const consumer = await this.events.js.consumers.get(this.stream, info.name);
    this.resumeAt = resumeAt;
    this.interrupted = false;
    // A consumer that vanishes from the server (a restarted server forgets
    // in-memory consumers) must end the loop, so it starts over from our
    // position; without the flag nats.js waits for it to come back, forever.
    const messages = await consumer.consume({
      max_messages: 1000,
      abort_on_missing_resource: true,
      ...WATCHED_PULL,
    });
    this.messages = messages;
    watchHeartbeats(messages, () => {
      // Not following any more: not ready until the new consumer delivers.
      this.interrupted = true;
      this.logger.warn(`projection ${this.projector.name}: consumer went quiet at ${this.position}; starting over`);
    });
    if (this.stopped) messages.stop();
    return { jsm, name: info.name, messages };
  }

  /** Applies a commit; a live one, with tracing on, in a span of the trace it was appended in. */
  private applyOne(batch: WriteBatch, commit: Commit, headers: MsgHdrs | undefined): void | Promise<void> {
    const trace = this.caughtUp ? this.trace : undefined;
    if (!trace) return this.projector.apply(batch, commit);
    const label = () => deliveryLabel(this.projector.name, commit.events, commit.seq);
    return trace(headers, label, () => this.projector.apply(batch, commit));
  }

  private async flush(batch: WriteBatch, seq: number): Promise<void> {
    batch.put(POSITIONS, this.projector.name, seq);
    await batch.commit();
    this.position = seq;
    this.markCaughtUp();
    this.onProgress?.(seq, this.target);
    this.waiters.releaseUpTo(seq);
  }
}

interface Waiter {
  seq: number;
  resolve: (ok: boolean) => void;
}

/**
 * Callers waiting for sequences, kept in sequence order: every command adds
 * one, so finding and releasing the reached ones must not scan or shift them
 * all. Released waiters are skipped by a head index and dropped in bulk.
 */
class Waiters {
  private list: Waiter[] = [];
  private head = 0;

  add(w: Waiter): void {
    let i = this.list.length;
    while (i > this.head && (this.list[i - 1] as Waiter).seq > w.seq) i--;
    if (i === this.list.length) this.list.push(w);
    else this.list.splice(i, 0, w);
  }

  remove(w: Waiter): void {
    const i = this.list.indexOf(w, this.head);
    if (i >= 0) this.list.splice(i, 1);
  }

  releaseUpTo(seq: number): void {
    const from = this.head;
    while (this.head < this.list.length && (this.list[this.head] as Waiter).seq <= seq) this.head++;
    if (this.head === from) return;
    const done = this.list.slice(from, this.head);
    if (this.head * 2 >= this.list.length) {
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
    for (const w of done) w.resolve(true);
  }

  releaseAll(ok: boolean): void {
    const all = this.list.slice(this.head);
    this.list = [];
    this.head = 0;
    for (const w of all) w.resolve(ok);
  }
}
