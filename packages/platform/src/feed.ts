// One consumer per stream per process for all the projections on it. Every
// repository copy and view of every service of a system that this process
// (this NATS connection, this EventStore) runs reads the system's stream
// through one ephemeral consumer: each commit crosses the wire once, and is
// offered in memory to each projection whose filter takes its subject and
// which does not have it yet. Each projection keeps its own position, tips,
// group commit and LevelDB batches: the feed only decides who gets what.
//
// A projection that joins behind the feed (it starts, rebuilds, or comes back
// after a failure of its own) makes the feed start over from the lowest
// position its projections hold; the others skip what they have, without
// decoding it. That is the one path for start, restart and rebuild: what is
// read again once is what the late projection needs anyway, where a second
// consumer for it would have to hand over to the shared one at a point both
// agree on. The others advance only once the feed has passed their position.
//
// The consumer is what each projection had on its own before: no acks, in
// memory, numbered by the server (a gap in the numbering is a loss in transit:
// every projection drops what it has not written and the feed starts over
// from their positions), watched by heartbeats, re-created when it breaks.
import type { Logger as LoggerInstance } from "moleculer";
import { AckPolicy, type ConsumerMessages, DeliverPolicy, type JsMsg } from "nats";
import { WATCHED_PULL, watchHeartbeats } from "./consumer-watch.js";
import type { EventStore } from "./event-store.js";
import { subjectFilter } from "./subject-filter.js";

/** What the feed needs of a projection. */
export interface FeedMember {
  readonly name: string;
  /** Subject filter (NATS wildcards). */
  readonly filter: string;
  /** Everything up to this sequence is applied (written, or in the open batch): it takes later ones only. */
  readonly applied: number;
  /** A commit on the filter, after `applied`; resolves once it is in the open batch (back-pressure). */
  take(m: JsMsg): Promise<void>;
  /** A commit off the filter, after `applied`: nothing to apply, but the copy now covers it. */
  pass(seq: number): void;
  /** `take` failed: the member is out of the feed, and joins again from its written position. */
  failed(err: unknown): void;
  /** The consumer broke: what is not written is dropped, and `applied` is the written position again. */
  interrupt(): Promise<void>;
  /** A new consumer delivers after a break; `streamEnd` is where the stream ended just before. */
  resume(streamEnd: number): void;
}

/** The consumer went quiet (missed heartbeats): start over, as after a break. */
class Stalled extends Error {}

export class StreamFeed {
  /** Replaced, never changed in place: a delivery goes to the members there were when it began. */
  private members: readonly FeedMember[] = [];
  /**
   * Joined behind what the current consumer has delivered: they get nothing
   * from it (a later commit would carry them past what they lack), only from
   * the next one, which starts at their position.
   */
  private joining: readonly FeedMember[] = [];
  /** The last sequence offered, or the one before where the current consumer starts. */
  private reached = 0;
  private loop?: Promise<void>;
  private messages?: ConsumerMessages;
  /** A member joined behind `reached`, or the last one left: the current consumer ends. */
  private restart = false;
  /** Members were interrupted: the next consumer tells them it delivers again. */
  private broken = false;
  private dispatching: Promise<void> = Promise.resolve();

  constructor(
    private readonly events: EventStore,
    readonly stream: string,
    private readonly logger: LoggerInstance,
  ) {}

  /** Delivers to `member` everything after its `applied` position, and what follows. */
  join(member: FeedMember): void {
    if (!this.loop) {
      this.joining = [...this.joining, member];
      this.loop = this.run();
    } else if (member.applied < this.reached) {
      this.joining = [...this.joining, member];
      this.startOver();
    } else this.members = [...this.members, member];
  }

  /** Stops delivering to `member`; resolves once no delivery to it is under way. */
  async leave(member: FeedMember): Promise<void> {
    this.members = this.members.filter((m) => m !== member);
    this.joining = this.joining.filter((m) => m !== member);
    if (this.empty) this.startOver();
    await this.dispatching;
  }

  private get empty(): boolean {
    return this.members.length === 0 && this.joining.length === 0;
  }

  private startOver(): void {
    this.restart = true;
    this.messages?.stop();
  }

  private async run(): Promise<void> {
    let delay = 100;
    while (!this.empty) {
      try {
        await this.consume();
        delay = 100;
      } catch (err) {
        if (this.empty) break;
        const stalled = err instanceof Stalled;
        if (stalled) this.logger.warn(`feed of ${this.stream}: ${err.message}; starting over`);
        else this.logger.error(`feed of ${this.stream} failed after ${this.reached}; resuming`, err);
        this.broken = true;
        await Promise.all(this.members.map((m) => m.interrupt()));
        // A quiet consumer is made again at once (its server is gone, another
        // answers); a failing one after a pause that doubles up to 5 s.
        if (stalled) continue;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
    this.loop = undefined;
  }

  /** One consumer, from the lowest position of the members, until it breaks or must start over. */
  private async consume(): Promise<void> {
    this.restart = false;
    this.members = [...this.members, ...this.joining];
    this.joining = [];
    const from = Math.min(...this.members.map((m) => m.applied)) + 1;
    this.reached = from - 1;
    const wasBroken = this.broken;
    // Where the stream ends before the consumer is made again: a member is not
    // ready until it reaches it (its server may have come back with an old copy).
    const streamEnd = wasBroken ? await this.events.lastSeq(this.stream) : 0;
    const jsm = await this.events.jsm();
    const info = await jsm.consumers.add(this.stream, {
      ...(from > 1
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from }
        : { deliver_policy: DeliverPolicy.All }),
      ack_policy: AckPolicy.None,
      inactive_threshold: 30e9,
      mem_storage: true,
      num_replicas: 1,
    });
    let messages: ConsumerMessages | undefined;
    try {
      const consumer = await this.events.js.consumers.get(this.stream, info.name);
      // A consumer that vanishes from the server (a restarted server forgets
      // in-memory consumers) must end the loop, so it starts over from the
      // members' positions; without the flag nats.js waits for it, forever.
      messages = await consumer.consume({ max_messages: 1000, abort_on_missing_resource: true, ...WATCHED_PULL });
      this.messages = messages;
      let stalled = false;
      watchHeartbeats(messages, () => {
        stalled = true;
      });
      if (wasBroken) {
        this.broken = false;
        for (const m of this.members) m.resume(streamEnd);
      }
      if (this.restart) messages.stop();
      let delivered = 0;
      for await (const m of messages) {
        if (m.info.deliverySequence !== ++delivered) throw new Error(`gap in delivery after ${this.reached}`);
        this.reached = m.seq;
        this.dispatching = this.dispatch(m);
        await this.dispatching;
        if (this.restart) break;
      }
      if (stalled) throw new Stalled(`consumer went quiet after ${this.reached}`);
    } finally {
      messages?.stop();
      this.messages = undefined;
      jsm.consumers.delete(this.stream, info.name).catch(() => {});
    }
  }

  /**
   * Offers one commit to each member that takes it, and waits for all of them
   * before the next: a slow one holds the feed back rather than losing what
   * the others would run ahead with. Members apply it side by side (each to
   * its own batch), so one's disk reads do not delay another's.
   */
  private async dispatch(m: JsMsg): Promise<void> {
    const taking: Array<Promise<void>> = [];
    for (const member of this.members) {
      if (member.applied >= m.seq) continue;
      if (!subjectFilter(member.filter)(m.subject)) member.pass(m.seq);
      else taking.push(member.take(m).catch((err: unknown) => this.expel(member, err)));
    }
    if (taking.length > 0) await Promise.all(taking);
  }

  /** A member that failed to apply or write: out of the feed until it joins again. */
  private expel(member: FeedMember, err: unknown): void {
    this.members = this.members.filter((other) => other !== member);
    member.failed(err);
  }
}

const feeds = new WeakMap<EventStore, Map<string, StreamFeed>>();

/** The feed of `stream` on this process's connection, made on first use. */
export function feedOf(events: EventStore, stream: string, logger: LoggerInstance): StreamFeed {
  let byStream = feeds.get(events);
  if (!byStream) {
    byStream = new Map();
    feeds.set(events, byStream);
  }
  let feed = byStream.get(stream);
  if (!feed) {
    feed = new StreamFeed(events, stream, logger);
    byStream.set(stream, feed);
  }
  return feed;
}
