// A CQRS view: rows keyed by a correlation key, each event folded in by a pure
// reducer. Declared in a few lines in the service that owns the view.
import type { DomainEvent } from "./domain.js";
import { notReadyHere } from "./errors.js";
import type { Commit, EventEnvelope } from "./event-store.js";
import { Freshness } from "./freshness.js";
import type { RowPage, RowQuery } from "./list.js";
import { eachRow, readPage } from "./page-scan.js";
import type { Projector } from "./projection.js";
import { type IndexSpec, SecondaryIndexes } from "./secondary-index.js";
import type { Store, WriteBatch } from "./store.js";

export type Reducer<Row, Data = unknown> = (row: Row | undefined, event: EventEnvelope<Data>) => Row | undefined;

/** Reducers typed by the system's events: each gets the data of its own event type. */
export type Reducers<Row, E extends DomainEvent> = {
  [K in E["type"]]?: Reducer<Row, Extract<E, { type: K }>["data"]>;
};

export interface ViewDefinition<Row, E extends DomainEvent = DomainEvent> {
  /** The view's name from the spec, e.g. "orderStatuses". */
  name: string;
  /** The row an event belongs to; undefined = not for this view. */
  key: (event: EventEnvelope<E["data"]>) => string | undefined;
  /** One reducer per event type; events without one are ignored. */
  on: Reducers<Row, E>;
  /** Subject filter; default the whole system (`<system>.>`). */
  filter?: string;
  /** Fields (or named values) lists filter on by equality: each is a secondary index written with the row. */
  indexes?: ReadonlyArray<IndexSpec<Row>>;
}

export class View<Row, E extends DomainEvent = DomainEvent> {
  readonly section: string;
  readonly indexes: SecondaryIndexes<Row>;
  /** How current this instance's copy of the view is (its projection is given when the service starts). */
  readonly freshness = new Freshness();

  constructor(
    readonly definition: ViewDefinition<Row, E>,
    private readonly store: () => Store,
    private readonly system: string,
  ) {
    this.section = `view:${definition.name}`;
    this.indexes = new SecondaryIndexes<Row>(this.section, definition.indexes ?? [], (row) => row);
  }

  projector(): Projector {
    const { definition: def, section, indexes } = this;
    return {
      name: section,
      filter: def.filter ?? `${this.system}.>`,
      sections: [section, indexes.section],
      layout: indexes.layout,
      apply: async (batch: WriteBatch, commit: Commit) => {
        // Events come off the stream untyped; the reducer map is keyed by their type.
        const reducers = def.on as Record<string, Reducer<Row> | undefined>;
        for (const event of commit.events) {
          const reduce = reducers[event.type];
          if (!reduce) continue;
          const key = def.key(event as EventEnvelope<E["data"]>);
          if (key === undefined) continue;
          const previous = await batch.get<Row>(section, key);
          const next = reduce(previous, event);
          if (next === undefined) continue;
          batch.put(section, key, next);
          indexes.update(batch, key, previous, next);
        }
      },
    };
  }

  /** One row as this copy has it (fast; may be behind the stream). */
  get(key: string): Promise<Row | undefined> {
    this.ensureReady();
    return this.store().get<Row>(this.section, key);
  }

  /**
   * One row, for a client asking for it by key. A row this copy lacks is
   * "not found" only if the stream lacks it too: a copy may be behind (its
   * consumer reads from a server that has just come back), and another
   * replica may already have told the client the row exists. One look-up in
   * the stream per miss; a copy that cannot catch up in time answers 503 and
   * the call goes to another replica.
   */
  async getLatest(key: string): Promise<Row | undefined> {
    const row = await this.get(key);
    if (row !== undefined) return row;
    await this.freshness.reachStreamEnd();
    return this.store().get<Row>(this.section, key);
  }

  /**
   * Read-your-writes for a whole view: waits until this copy holds every
   * event the stream holds now on the view's subjects (one look-up in the
   * stream), so what a client was already told exists is found here too
   * (503 when the copy cannot catch up in time). For reads and decisions
   * that must not see an old copy; `get` and `all` afterwards read it.
   */
  caughtUp(): Promise<void> {
    return this.freshness.reachStreamEnd();
  }

  /** One page of rows, newest key first, matching equality filters on declared indexes. */
  page(query: RowQuery): Promise<RowPage<Row>> {
    this.ensureReady();
    const store = this.store();
    return readPage(store, this.section, this.indexes as SecondaryIndexes<unknown>, query, (key) =>
      store.get<Row>(this.section, key),
    );
  }

  /** Every matching row, read in bounded pages (a timer's sweep; never a list answer). */
  rows(where: Record<string, unknown> = {}): AsyncGenerator<Row> {
    return eachRow((q) => this.page(q), where);
  }

  /** Every row in key order, all at once: for tests and fixed-size views only. */
  async all(): Promise<Row[]> {
    this.ensureReady();
    return (await this.store().list<Row>(this.section)).map((r) => r.value);
  }

  private ensureReady(): void {
    if (!this.freshness.ready) throw notReadyHere("this view is being rebuilt, try again shortly");
  }
}
