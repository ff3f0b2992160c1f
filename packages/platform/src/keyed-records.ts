// Map fields of an aggregate's state that would grow with its history (the
// orders a product took stock for) kept as one LevelDB key per entry instead
// of inside the state's row. The follower writes each new entry in the batch
// of the state it belongs to and stores the field empty, so the row keeps its
// size; a command gets the entries it names loaded into the field before
// `decide` sees the state. `decide` and `evolve` stay as they are: they read
// and extend the field as a map.
import type { Store, WriteBatch } from "./store.js";

/** A map field of the state kept entry by entry, and the entries a command's decision reads. */
export interface KeyedRecord<S, C> {
  field: keyof S & string;
  /** Keys of the field a command looks at (e.g. its order id). */
  needs: (command: C) => string[];
}

const SEP = "\u0000";

export class KeyedRecords<S, C> {
  readonly section: string;

  constructor(
    aggregateSection: string,
    private readonly records: ReadonlyArray<KeyedRecord<S, C>>,
  ) {
    this.section = `rec:${aggregateSection}`;
  }

  /** What the follower writes besides rows; a change replays the copy (see Projector.layout). */
  get layout(): string {
    return this.records.length === 0 ? "" : `records:${this.records.map((r) => r.field).join(",")}`;
  }

  /**
   * Puts the entries the state's fields hold (only those its last commit
   * added: the stored state holds none) and answers the state to store, its
   * fields emptied.
   */
  store(batch: WriteBatch, id: string, state: S): S {
    if (this.records.length === 0) return state;
    const stored = { ...state } as Record<string, unknown>;
    for (const { field } of this.records) {
      const entries = stored[field] as Record<string, unknown> | undefined;
      if (entries === undefined) continue;
      for (const [key, value] of Object.entries(entries)) batch.put(this.section, keyOf(id, field, key), value);
      stored[field] = {};
    }
    return stored as S;
  }

  /** The state with the entries `command` needs loaded into its fields. */
  async load(store: Store, id: string, state: S | undefined, command: C): Promise<S | undefined> {
    if (state === undefined || this.records.length === 0) return state;
    const loaded = { ...state } as Record<string, unknown>;
    for (const { field, needs } of this.records) {
      const entries: Record<string, unknown> = { ...(loaded[field] as Record<string, unknown> | undefined) };
      for (const key of needs(command)) {
        const value = await store.get(this.section, keyOf(id, field, key));
        if (value !== undefined) entries[key] = value;
      }
      loaded[field] = entries;
    }
    return loaded as S;
  }
}

const keyOf = (id: string, field: string, key: string) => `${id}${SEP}${field}${SEP}${key}`;
