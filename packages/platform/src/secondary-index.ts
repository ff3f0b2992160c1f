// Secondary indexes of a section (an aggregate's copies or a view's rows):
// one LevelDB key per (index, value, row key), written in the same batch as
// the row, so an index never disagrees with its rows. Within one value the
// entries are in row-key order, which lets a list page through them newest
// first by a range scan (see page-scan.ts).
import type { WriteBatch } from "./store.js";

/** A field of the row, or a named value computed from it (undefined = the row is not in this index). */
export type IndexSpec<Row> = (keyof Row & string) | { name: string; of: (row: Row) => unknown };

/** Separates index name, value and row key inside an entry's key; never part of a value or a key. */
export const SEP = "\u0000";
/** Sorts after SEP: the upper bound of one value's entries. */
const AFTER_SEP = "\u0001";

/** How an equality filter's value is written into an entry's key (query strings and row fields alike). */
export function indexValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value.includes(SEP) ? undefined : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** The prefix shared by every entry of one index value. */
export const entryPrefix = (index: string, value: string): string => `${index}${SEP}${value}${SEP}`;
/** Just past the last entry of one index value. */
export const entryEnd = (index: string, value: string): string => `${index}${SEP}${value}${AFTER_SEP}`;

export class SecondaryIndexes<Stored, Row = Stored> {
  /** The section that holds the entries, next to the rows' own. */
  readonly section: string;
  private readonly specs: Array<{ name: string; of: (row: Row) => unknown }>;

  constructor(
    rowSection: string,
    specs: ReadonlyArray<IndexSpec<Row>>,
    /** The row as indexed, from what the section stores (an aggregate's state from its snapshot). */
    private readonly rowOf: (stored: Stored) => Row,
  ) {
    this.section = `idx:${rowSection}`;
    this.specs = specs.map((s) =>
      typeof s === "string" ? { name: s, of: (row: Row) => row[s as keyof Row] } : { name: s.name, of: s.of },
    );
    const names = new Set(this.specs.map((s) => s.name));
    if (names.size !== this.specs.length) throw new Error(`${rowSection}: an index is declared twice`);
  }

  get names(): string[] {
    return this.specs.map((s) => s.name);
  }

  has(name: string): boolean {
    return this.specs.some((s) => s.name === name);
  }

  /**
   * What the entries are made of. A copy written under another layout is
   * replayed from the stream (the projection compares it on start).
   */
  get layout(): string {
    return this.names.join(",");
  }

  /** Puts the entries of a row's new value and deletes those it no longer has, in the row's batch. */
  update(batch: WriteBatch, key: string, previous: Stored | undefined, next: Stored): void {
    if (this.specs.length === 0) return;
    const before = previous === undefined ? undefined : this.rowOf(previous);
    const after = this.rowOf(next);
    for (const spec of this.specs) {
      const was = before === undefined ? undefined : indexValue(spec.of(before));
      const is = indexValue(spec.of(after));
      if (was === is) continue;
      if (was !== undefined) batch.del(this.section, entryPrefix(spec.name, was) + key);
      if (is !== undefined) batch.put(this.section, entryPrefix(spec.name, is) + key, 1);
    }
  }
}
