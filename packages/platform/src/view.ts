// A CQRS view: rows keyed by a correlation key, each event folded in by a pure
// reducer. Declared in a few lines in the service that owns the view.
import type { Commit, EventEnvelope } from "./event-store.js";
import type { Projector } from "./projection.js";
import type { Store, WriteBatch } from "./store.js";

export type Reducer<Row> = (row: Row | undefined, event: EventEnvelope) => Row | undefined;

export interface ViewDefinition<Row> {
  /** The view's name from the spec, e.g. "orderStatuses". */
  name: string;
  /** The row an event belongs to; undefined = not for this view. */
  key: (event: EventEnvelope) => string | undefined;
  /** One reducer per event type; events without one are ignored. */
  on: Record<string, Reducer<Row>>;
  /** Subject filter; default the whole system (`<system>.>`). */
  filter?: string;
}

export class View<Row> {
  readonly section: string;

  constructor(
    readonly definition: ViewDefinition<Row>,
    private readonly store: () => Store,
    private readonly system: string,
  ) {
    this.section = `view:${definition.name}`;
  }

  projector(): Projector {
    const { definition: def, section } = this;
    return {
      name: section,
      filter: def.filter ?? `${this.system}.>`,
      sections: [section],
      apply: async (batch: WriteBatch, commit: Commit) => {
        for (const event of commit.events) {
          const reduce = def.on[event.type];
          if (!reduce) continue;
          const key = def.key(event);
          if (key === undefined) continue;
          const next = reduce(await batch.get<Row>(section, key), event);
          if (next !== undefined) batch.put(section, key, next);
        }
      },
    };
  }

  get(key: string): Promise<Row | undefined> {
    return this.store().get<Row>(this.section, key);
  }

  async all(): Promise<Row[]> {
    return (await this.store().list<Row>(this.section)).map((r) => r.value);
  }
}
