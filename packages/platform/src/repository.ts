// Loads an aggregate from the instance's LevelDB, lets it decide, and appends
// the resulting commit to its subject with the expected sequence. The store is
// written only by the aggregate's follower projection, so there is a single
// writer per instance and other replicas' writes arrive the same way as our
// own. A command answers as soon as its commit is stored in the stream; what
// reads this instance's copy afterwards (a GET, a list, the next command on the
// same aggregate) first waits until the follower has applied it.
import type { Clock } from "./clock.js";
import type { Correlation } from "./correlation.js";
import { commandDeadline, DEADLINE_MARGIN_MS } from "./deadline.js";
import { type Decider, type DomainEvent, type Existing, exists, Refusal, type Stated } from "./domain.js";
import { aggregateBusy, unavailable } from "./errors.js";
import { type Commit, ConcurrencyError, type EventEnvelope, type EventStore, subjectOf } from "./event-store.js";
import { Freshness } from "./freshness.js";
import { idFrom, newId } from "./ids.js";
import { KeyedLock } from "./keyed-lock.js";
import { type KeyedRecord, KeyedRecords } from "./keyed-records.js";
import type { RowPage, RowQuery } from "./list.js";
import { currentDeadline, currentRequestId } from "./observability/request-scope.js";
import { eachRow, readPage } from "./page-scan.js";
import type { Projector } from "./projection.js";
import { type IndexSpec, SecondaryIndexes } from "./secondary-index.js";
import type { Store, WriteBatch } from "./store.js";
import { idOfSubject } from "./subjects.js";

/** What the instance stores per aggregate that has events: its state and the subject sequence it reflects. */
export interface Snapshot<S> {
  /** The last valid commit folded into `state` (what a command decided on it names as its predecessor). */
  seq: number;
  /** The subject's last message when it is a void one after `seq` (what JetStream's expected sequence needs). */
  last?: number;
  state: S;
}

/**
 * What a command's events are stamped with and when it may still be stored.
 * Inside an action, nothing needs saying: the events are correlated as the
 * repository declares, caused by the request, and stored only before its
 * caller's deadline (the request scope, observability/request-scope.ts).
 */
export interface ExecuteOptions {
  /** The spec's correlation key for the events (orderId, requestId…); by default the repository's `correlation`. */
  correlationId?: string;
  /** The event or request that caused this command; by default the request being served. */
  causationId?: string;
  /**
   * Makes event ids deterministic (e.g. `pay:<causing event id>`), so a
   * re-executed command publishes the same ids and the server drops the copy.
   */
  idSeed?: string;
  /** Time part of seeded ids (ms); defaults to the event time. */
  idTime?: number;
  /** Event time; defaults to now. */
  now?: string;
  /**
   * When the caller stops waiting (ms); past it the command is refused with
   * 503 and appends nothing. By default the deadline of the request being
   * served; `"none"` for a command stored even after its caller gave up.
   */
  deadline?: number | "none";
  /** A time the command must be stored by whatever the deadline (a hold that lapses): the earlier one counts. */
  storeBy?: number;
}

/** A command's options once the request scope has filled them in. */
interface Resolved extends Omit<ExecuteOptions, "deadline" | "storeBy"> {
  deadline?: number;
}

export interface Outcome<S extends Stated> {
  /** The state after the command: the aggregate exists once a command on it went through. */
  state: Existing<S>;
  /** The events this command appended; empty when it changed nothing. */
  events: EventEnvelope[];
}

export interface RepositoryOptions {
  system: string;
  stream: string;
  retries: number;
  /** Checks an event's data against its schema before it is stored. */
  validate?: (event: DomainEvent) => void;
  /** Schema version stamped on each event of a type (default 1). */
  versionOf?: (type: string) => number | undefined;
  /** "Now" stamped on events (occurredAt); default: the system clock. */
  clock?: Clock;
}

/** What a repository's owner declares about its commands. */
export interface RepositoryDeclaration<S extends Stated, C> {
  /** Reads the aggregate as it exists (undefined before its first event). */
  correlation?: Correlation<Existing<S>, C>;
  /** Fields of the state (or named values) lists filter on by equality: secondary indexes written with each copy. */
  indexes?: ReadonlyArray<IndexSpec<Existing<S>>>;
  /** Map fields that grow with the history, kept one key per entry so the state's row keeps its size. */
  records?: ReadonlyArray<KeyedRecord<Existing<S>, C>>;
}

export class Repository<S extends Stated, C, E extends DomainEvent> {
  readonly section: string;
  readonly indexes: SecondaryIndexes<Snapshot<Existing<S>>, Existing<S>>;
  private readonly records: KeyedRecords<Existing<S>, C>;
  // A command still queued behind another on the same aggregate (one waiting
  // on a slow dependency) at its deadline answers that the aggregate is busy:
  // nothing done, and no breaker blames the endpoint.
  private readonly locks = new KeyedLock((id) => aggregateBusy(`${this.decider.name} ${id}`));
  /** How current this instance's copy is, from its follower projection (given when the service starts). */
  readonly freshness = new Freshness();
  /** Commits this instance appended that its follower may not have applied yet, by aggregate id. */
  private readonly unapplied = new Map<string, number>();
  private lastAppended = 0;

  constructor(
    private readonly events: EventStore,
    private readonly store: () => Store,
    readonly decider: Decider<S, C, E>,
    private readonly opts: RepositoryOptions,
    private readonly declared: RepositoryDeclaration<S, C> = {},
  ) {
    this.section = `agg:${decider.name}`;
    this.indexes = new SecondaryIndexes(this.section, declared.indexes ?? [], (s) => s.state);
    this.records = new KeyedRecords<Existing<S>, C>(this.section, declared.records ?? []);
  }

  /** The projection that keeps this instance's copy of every aggregate current. */
  projector(): Projector {
    const { decider, section, indexes, records } = this;
    return {
      name: section,
      filter: `${this.opts.system}.${decider.name}.>`,
      sections: [section, indexes.section, records.section],
      layout: [indexes.layout, records.layout].filter(Boolean).join(";"),
      apply: (batch: WriteBatch, commit: Commit) => this.applyCommit(batch, commit),
      skip: (batch: WriteBatch, commit: Commit) => this.noteVoid(batch, commit),
    };
  }

  private async applyCommit(batch: WriteBatch, commit: Commit): Promise<void> {
    const id = idOfSubject(commit.subject);
    const current = await batch.get<Snapshot<Existing<S>>>(this.section, id);
    if (current && (current.last ?? current.seq) >= commit.seq) return;
    let state: S = current?.state ?? this.decider.initialState;
    for (const e of commit.events)
      state = this.decider.evolve(state, e as unknown as E, { at: e.occurredAt, seq: commit.seq });
    if (!exists(state)) return;
    const next = { seq: commit.seq, state: this.records.store(batch, id, state) };
    batch.put(this.section, id, next);
    this.indexes.update(batch, id, current, next);
  }

  /**
   * A void commit (a write that lost, see chain.ts) changes no state, but the
   * next append must name it as the subject's last message.
   */
  private async noteVoid(batch: WriteBatch, commit: Commit): Promise<void> {
    const id = idOfSubject(commit.subject);
    const current = await batch.get<Snapshot<Existing<S>>>(this.section, id);
    if (current && (current.last ?? current.seq) < commit.seq)
      batch.put(this.section, id, { ...current, last: commit.seq });
  }

  /** This instance's current state of one aggregate, including its own writes; undefined while it has no events. */
  async get(id: string): Promise<Existing<S> | undefined> {
    return (await this.snapshot(id))?.state;
  }

  private async snapshot(id: string): Promise<Snapshot<Existing<S>> | undefined> {
    const own = this.unapplied.get(id);
    await this.reach(own ?? 0);
    return this.store().get<Snapshot<Existing<S>>>(this.section, id);
  }

  /** Waits until this instance's copy has applied `seq` (503 when it cannot in time, see Freshness). */
  private reach(seq: number): Promise<void> {
    return this.freshness.reach(seq);
  }

  private remember(id: string, seq: number): void {
    this.unapplied.set(id, seq);
    this.lastAppended = Math.max(this.lastAppended, seq);
    void this.freshness.applied(seq).then(() => {
      if (this.unapplied.get(id) === seq) this.unapplied.delete(id);
    });
  }

  /**
   * The state including every write acknowledged anywhere (read-your-writes
   * across replicas): waits until the local copy has reached the subject's
   * last sequence. One look-up in the stream; used by GET one.
   */
  async getLatest(id: string): Promise<Existing<S> | undefined> {
    const last = await this.events.lastSeqOf(this.opts.stream, subjectOf(this.opts.system, this.decider.name, id));
    await this.reach(last);
    return this.get(id);
  }

  /** One page of aggregates, newest id first, matching equality filters on declared indexes; includes own writes. */
  async page(query: RowQuery): Promise<RowPage<Existing<S>>> {
    await this.reach(this.lastAppended);
    const store = this.store();
    return readPage(
      store,
      this.section,
      this.indexes as SecondaryIndexes<unknown>,
      query,
      async (id) => (await store.get<Snapshot<Existing<S>>>(this.section, id))?.state,
    );
  }

  /** Every matching aggregate, read in bounded pages (a timer's sweep; never a list answer). */
  rows(where: Record<string, unknown> = {}): AsyncGenerator<Existing<S>> {
    return eachRow((q) => this.page(q), where);
  }

  /** The state a command decides on: this instance's copy with the records the command names loaded. */
  async decisionState(id: string, command: C): Promise<Snapshot<Existing<S>> | undefined> {
    const snapshot = await this.snapshot(id);
    if (!snapshot) return undefined;
    const state = await this.records.load(this.store(), id, snapshot.state, command);
    return { ...snapshot, state: state as Existing<S> };
  }

  /** Every aggregate this instance knows, in id (creation) order, all at once: for tests only. */
  async all(): Promise<Existing<S>[]> {
    await this.reach(this.lastAppended);
    return (await this.store().list<Snapshot<Existing<S>>>(this.section)).map((r) => r.value.state);
  }

  /**
   * Decides and appends a command on one aggregate. A lost race with another
   * writer reloads and decides again, a bounded number of times. A refusal from
   * `decide` is thrown as it is.
   */
  execute(id: string, command: C, opts: ExecuteOptions = {}): Promise<Outcome<S>> {
    const resolved = inRequestScope(opts);
    return this.locks.run(id, () => this.decideAndAppend(id, command, resolved), queuedUntil(resolved.deadline));
  }

  /**
   * Runs a multi-step command (e.g. a call to another service, then an append)
   * while no other command of this instance touches the aggregate.
   */
  exclusive<T>(
    id: string,
    work: (execute: (command: C, opts?: ExecuteOptions) => Promise<Outcome<S>>) => Promise<T>,
  ): Promise<T> {
    return this.locks.run(
      id,
      () => work((command, opts = {}) => this.decideAndAppend(id, command, inRequestScope(opts))),
      queuedUntil(currentDeadline()),
    );
  }

  private async decideAndAppend(id: string, command: C, opts: Resolved): Promise<Outcome<S>> {
    const subject = subjectOf(this.opts.system, this.decider.name, id);
    // The last void commit this command's seeded ids were found on: ids of the
    // next attempt are derived from it too, so they are not matched to it again.
    let voided: number | undefined;
    for (let attempt = 0; ; attempt++) {
      const snapshot = await this.decisionState(id, command);
      const now = opts.now ?? new Date(this.opts.clock?.now() ?? Date.now()).toISOString();
      let decided: E[];
      try {
        // An aggregate without events is the decider's initial state: "not found" is for decide to say.
        decided = this.decider.decide(snapshot?.state ?? this.decider.initialState, command, { now });
      } catch (err) {
        // Unknown here may only mean that another replica created it a moment ago.
        if (!(err instanceof Refusal && err.status === 404 && snapshot === undefined && attempt === 0)) throw err;
        const last = await this.events.lastSeqOf(this.opts.stream, subject);
        if (last === 0) throw err;
        await this.reach(last);
        continue;
      }
      if (decided.length === 0) {
        if (snapshot === undefined) throw new Error(`${this.decider.name} ${id}: command produced nothing`);
        return { state: snapshot.state, events: [] };
      }
      const correlationId = opts.correlationId ?? this.declared.correlation?.(id, command, snapshot?.state) ?? id;
      const envelopes = decided.map((e, i) => this.envelope(id, e, i, now, { ...opts, correlationId }, voided));
      if (opts.deadline !== undefined && Date.now() > opts.deadline - DEADLINE_MARGIN_MS) {
        throw unavailable("the caller stopped waiting; nothing was changed");
      }
      try {
        const prev = snapshot?.seq ?? 0;
        const basis = { prev, last: snapshot?.last ?? prev };
        const { seq, duplicate } = await this.events.appendCommit(subject, envelopes, basis);
        const decidedState = (): Existing<S> => {
          let state: S = snapshot?.state ?? this.decider.initialState;
          for (const e of decided) state = this.decider.evolve(state, e, { at: now, seq });
          // A command that appends brings its aggregate into being: events that leave it empty are a decider's bug.
          if (!exists(state)) throw new Error(`${this.decider.name} ${id}: its events left it empty`);
          return state;
        };
        if (duplicate) {
          // The same command (same seeded ids) was appended before: a redelivered
          // reaction or a retried request. Nothing new was stored, so answer
          // what is stored rather than applying the events a second time.
          await this.reach(seq);
          const stored = (await this.snapshot(id)) ?? snapshot;
          return { state: stored?.state ?? decidedState(), events: [] };
        }
        this.remember(id, seq);
        return { state: decidedState(), events: envelopes };
      } catch (err) {
        if (!(err instanceof ConcurrencyError)) throw err;
        if (err.voided !== undefined) voided = err.voided;
        if (attempt >= this.opts.retries) throw unavailable("too many concurrent changes, try again");
        const last = await this.events.lastSeqOf(this.opts.stream, subject);
        await this.reach(Math.max(last, err.voided ?? 0));
      }
    }
  }

  private envelope(
    id: string,
    e: E,
    index: number,
    now: string,
    opts: Resolved & { correlationId: string },
    voided: number | undefined,
  ): EventEnvelope {
    this.opts.validate?.(e);
    // Seeded ids name their aggregate too: the stream drops a repeated id on
    // any subject, so two aggregates must never derive the same one. After the
    // seeded commit turned out void, the void one's sequence is part of the
    // seed: every re-execution walks the same ids to the commit that counts.
    const seed = opts.idSeed && voided !== undefined ? `${opts.idSeed}:after:${voided}` : opts.idSeed;
    return {
      id: seed ? idFrom(`${this.decider.name}:${id}:${seed}:${index}`, opts.idTime ?? Date.parse(now)) : newId(),
      type: e.type,
      aggregate: this.decider.name,
      aggregateId: id,
      correlationId: opts.correlationId,
      ...(opts.causationId ? { causationId: opts.causationId } : {}),
      occurredAt: now,
      version: this.opts.versionOf?.(e.type) ?? 1,
      data: e.data,
    };
  }
}

/**
 * How long before its deadline a command stops waiting for its aggregate's
 * lock. Its "busy" answer must reach the caller before the caller's own
 * timer fires, or the caller counts a timeout against this endpoint (and its
 * breaker may open for every other aggregate served here). The answer crosses
 * NATS into a process whose event loop may be held a while by other work;
 * there, timers run before the sockets are read, so an answer that arrived
 * during a long enough pause still loses to the timer. 100 ms
 * (DEADLINE_MARGIN_MS) was seen to lose that race on a loaded two-core
 * machine, 250 ms was not.
 */
const LOCK_WAIT_MARGIN_MS = 250;

/** Until when a command waits for its aggregate's lock, if it has a deadline. */
const queuedUntil = (deadline: number | undefined) =>
  deadline === undefined ? undefined : deadline - LOCK_WAIT_MARGIN_MS;

/**
 * A command's options with what the request being served gives: its cause
 * (X-Request-Id) unless a policy names one, and its caller's deadline. Read
 * when the command is issued, where the request's scope is the caller's.
 */
function inRequestScope(opts: ExecuteOptions): Resolved {
  const { deadline, storeBy, causationId, ...rest } = opts;
  const cause = causationId ?? currentRequestId();
  const by = commandDeadline(currentDeadline(), deadline, storeBy);
  return { ...rest, ...(cause ? { causationId: cause } : {}), ...(by !== undefined ? { deadline: by } : {}) };
}

/**
 * Options for a command a policy issues in reaction to an event: same
 * correlation, caused by the event, and event ids derived from it so that a
 * redelivered event re-publishes the same ids (dropped by the server).
 */
export function causedBy(event: EventEnvelope, reactor: string): ExecuteOptions {
  return {
    correlationId: event.correlationId,
    causationId: event.id,
    idSeed: `${reactor}:${event.id}`,
    idTime: Date.parse(event.occurredAt),
  };
}
