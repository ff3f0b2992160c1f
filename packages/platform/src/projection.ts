// A projection reads its system's stream in order from the position kept in
// its own LevelDB and writes its rows and the new position in one batch: after
// a crash it resumes from the last committed position, so every event is
// applied exactly once. It reads through the process's feed of the stream
// (feed.ts): one ephemeral consumer shared by every projection of the process,
// which leaves nothing behind on the server when the instance dies.
// It applies only the commits on their aggregate's valid chain (chain.ts): it
// keeps each aggregate's valid tip in the same batches, and hands a void commit
// (a write that lost) to the projector's `skip` instead.
// Its position is how far it has read the stream, not only its own subjects:
// a commit off its filter moves it too (in memory; on disk with the next batch
// and at stop), so the feed never has to start far back for a quiet copy.

import type { Logger as LoggerInstance } from "moleculer";
import type { JsMsg, MsgHdrs } from "nats";
import { continues, prevOf } from "./chain.js";
import { type Commit, decodeCommit, type EventEnvelope, type EventStore } from "./event-store.js";
import { type FeedMember, feedOf, type StreamFeed } from "./feed.js";
import { GroupCommit } from "./group-commit.js";
import { type DeliveryTracer, deliveryLabel } from "./observability/tracing.js";
import type { Store, WriteBatch } from "./store.js";
import { aggregateSubjectOf } from "./subjects.js";
import { untilAnswered } from "./until-answered.js";
import { type Waiter, Waiters } from "./waiters.js";

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
  /** The position on disk (the feed may have moved `position` past it without a write). */
  private stored = 0;
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
  private feed?: StreamFeed;
  private commits?: GroupCommit<WriteBatch>;
  private stopped = false;
  /** Counts starts and stops: a retry scheduled before one of them is called off. */
  private generation = 0;
  private retryDelay = 100;
  private readonly waiters = new Waiters();
  private readonly member: FeedMember;
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
    this.member = this.asMember();
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
    const generation = ++this.generation;
    try {
      this.position = (await this.store.get<number>(POSITIONS, this.projector.name)) ?? 0;
      if (await this.forgotOtherLayout()) this.position = 0;
      this.stored = this.position;
      this.chainedFrom = await this.chainStart();
      this.target = await this.lastSeqWhenAnswered();
    } catch (err) {
      if (this.stopped) return; // the store closed under a start that was already called off
      throw err;
    }
    // Stopped while looking up where to start: a waiter registered now would never be answered.
    if (this.stopped || generation !== this.generation) return;
    const caughtUp = this.waitFor(this.target, 0);
    this.interrupted = false;
    this.resumeAt = 0;
    this.commits = this.openCommits();
    this.feed = feedOf(this.events, this.stream, this.logger);
    this.feed.join(this.member);
    await caughtUp;
  }

  /**
   * Where the stream ends now. A replicated stream may not answer for a few
   * seconds after it was created or a server came back (leader election):
   * starting waits for it rather than failing the node.
   */
  private lastSeqWhenAnswered(): Promise<number> {
    return untilAnswered(
      `projection ${this.projector.name}`,
      () => this.events.lastSeqOf(this.stream, this.projector.filter),
      { logger: this.logger, cancelled: () => this.stopped },
    );
  }

  private async chainStart(): Promise<number> {
    const key = this.projector.name + CHAINED_FROM;
    const known = await this.store.get<number>(POSITIONS, key);
    if (known !== undefined) return known;
    await this.store.write([{ section: POSITIONS, key, value: this.position }]);
    return this.position;
  }

  /** Whether a commit continues its aggregate's valid chain; if so it becomes the aggregate's tip. */
  private async onChain(batch: WriteBatch, aggregate: string, seq: number, prev: number | undefined): Promise<boolean> {
    const tip = await batch.get<number>(this.tips, aggregate);
    const valid =
      tip === undefined && prev !== undefined && prev <= this.chainedFrom ? true : continues(tip ?? 0, prev);
    if (valid) batch.put(this.tips, aggregate, seq);
    return valid;
  }

  /** Leaves the feed, writes what was applied and the position reached, and answers waiters with false. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    await this.feed?.leave(this.member);
    const commits = this.commits;
    this.commits = undefined;
    if (commits) {
      await commits.drain().catch(() => {}); // a failed batch is read again from the written position
      await commits.close();
    }
    await this.keepPosition();
    this.waiters.releaseAll(false);
  }

  /** Writes a position the feed moved in memory only, so the next start need not read that part again. */
  private async keepPosition(): Promise<void> {
    if (this.position <= this.stored) return;
    try {
      await this.store.write([{ section: POSITIONS, key: this.projector.name, value: this.position }]);
      this.stored = this.position;
    } catch {
      // The store is closing: the next start reads from the last written position, which is as sound.
    }
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
    this.position = 0;
    this.stored = 0;
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

  /** How the feed sees this projection. */
  private asMember(): FeedMember {
    const projection = this;
    return {
      name: this.projector.name,
      filter: this.projector.filter,
      get applied() {
        return projection.commits?.applied ?? projection.position;
      },
      take: (m) => this.take(m),
      pass: (seq) => this.commits?.pass(seq),
      failed: (err) => this.failed(err),
      interrupt: () => this.interrupt(),
      resume: (streamEnd) => {
        this.resumeAt = this.caughtUp ? streamEnd : 0;
        this.interrupted = false;
      },
    };
  }

  private openCommits(): GroupCommit<WriteBatch> {
    return new GroupCommit<WriteBatch>(
      {
        open: (under) => this.store.batch(under),
        write: (batch, upTo) => this.flush(batch, upTo),
        passed: (upTo) => this.reached(upTo),
      },
      this.position,
    );
  }

  private async take(m: JsMsg): Promise<void> {
    const commits = this.commits;
    if (!commits) return; // stopped while the feed was delivering
    await commits.apply(m.seq, async (batch) => {
      const commit: Commit = { seq: m.seq, subject: m.subject, events: decodeCommit(m.data, this.upcast) };
      const onChain = await this.onChain(batch, aggregateSubjectOf(m.subject), m.seq, prevOf(m.headers));
      if (onChain) await this.applyOne(batch, commit, m.headers);
      else await this.projector.skip?.(batch, commit);
    });
  }

  /**
   * The consumer broke: what is applied but not written is dropped, and is
   * delivered again from the written position (a batch that was being
   * written when it broke counts as written once it is).
   */
  private async interrupt(): Promise<void> {
    this.interrupted = true;
    await this.commits?.close();
    if (this.commits) this.commits = this.openCommits();
  }

  /**
   * Applying or writing failed: the feed has let go of this projection. It
   * drops what is not written and joins again after a pause, from its
   * written position; the others are not held up meanwhile.
   */
  private failed(err: unknown): void {
    const generation = this.generation;
    this.interrupted = true;
    this.logger.error(`projection ${this.projector.name} failed at ${this.position}; resuming`, err);
    const delay = this.retryDelay;
    this.retryDelay = Math.min(delay * 2, 5000);
    const current = () => generation === this.generation;
    void (async () => {
      await this.commits?.close();
      if (!current()) return;
      this.commits = this.openCommits();
      await new Promise((r) => setTimeout(r, delay));
      const resumeAt = this.caughtUp ? await this.lastSeqWhenAnswered() : 0;
      if (!current()) return;
      this.resumeAt = resumeAt;
      this.interrupted = false;
      this.feed?.join(this.member);
    })().catch((again) => {
      if (current()) this.failed(again);
    });
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
    this.stored = seq;
    this.retryDelay = 100;
    this.reached(seq);
  }

  /** Every commit up to `seq` is applied and on disk: callers waiting for it are answered. */
  private reached(seq: number): void {
    this.position = seq;
    this.markCaughtUp();
    this.onProgress?.(seq, this.target);
    this.waiters.releaseUpTo(seq);
  }
}
