// Secondary indexes of a section (an aggregate's copies or a view's rows):
// one LevelDB key per (index, value, row key), written in the same batch as
// the row, so an index never disagrees with its rows. Within one value the
// entries are in row-key order, which lets a list page through them newest
// first by a range scan (see page-scan.ts).
//
// An index on a pair of fields (`["customerId", "status"]`) answers the two
// filters together with one range: without it, a customer's rows of one
// status are found by stepping between two indexes, which costs a seek per
// row of the customer's that has another status.
import type { WriteBatch } from "./store.js";

type Field<Row> = keyof Row & string;

/**
 * A field of the row, a named value computed from it (undefined = the row is
 * not in this index), or several fields filtered on together (named by them
 * joined with "+").
 */
export type IndexSpec<Row> =
  | Field<Row>
  | { name: string; of: (row: Row) => unknown }
  | readonly [Field<Row>, Field<Row>, ...Field<Row>[]];

/** One index as the page reader uses it: the filters it answers, and where one value's entries lie. */
export interface IndexRange {
  prefix: string;
  end: string;
}

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

/**
 * The entry value of several fields: each field's value, joined by SEP. No
 * field's value holds SEP and every entry of the index has as many parts, so
 * two different tuples never make the same value.
 */
function tupleValue(values: unknown[]): string | undefined {
  const parts: string[] = [];
  for (const v of values) {
    const part = indexValue(v);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  return parts.join(SEP);
}

interface Index<Row> {
  name: string;
  /** The filters this index answers: its own name, or the fields of a tuple. */
  filters: string[];
  valueOf(row: Row): string | undefined;
  valueOfFilters(where: Record<string, unknown>): string | undefined;
}

function indexOf<Row>(spec: IndexSpec<Row>): Index<Row> {
  if (typeof spec === "string") {
    return {
      name: spec,
      filters: [spec],
      valueOf: (row) => indexValue(row[spec as keyof Row]),
      valueOfFilters: (where) => indexValue(where[spec]),
    };
  }
  if (Array.isArray(spec)) {
    const fields = spec as readonly string[];
    return {
      name: fields.join("+"),
      filters: [...fields],
      valueOf: (row) => tupleValue(fields.map((f) => row[f as keyof Row])),
      valueOfFilters: (where) => tupleValue(fields.map((f) => where[f])),
    };
  }
  const { name, of } = spec as { name: string; of: (row: Row) => unknown };
  return {
    name,
    filters: [name],
    valueOf: (row) => indexValue(of(row)),
    valueOfFilters: (where) => indexValue(where[name]),
  };
}

export class SecondaryIndexes<Stored, Row = Stored> {
  /** The section that holds the entries, next to the rows' own. */
  readonly section: string;
  private readonly specs: Array<Index<Row>>;

  constructor(
    private readonly rowSection: string,
    specs: ReadonlyArray<IndexSpec<Row>>,
    /** The row as indexed, from what the section stores (an aggregate's state from its snapshot). */
    private readonly rowOf: (stored: Stored) => Row,
  ) {
    this.section = `idx:${rowSection}`;
    this.specs = specs.map(indexOf);
    const names = new Set(this.specs.map((s) => s.name));
    if (names.size !== this.specs.length) throw new Error(`${rowSection}: an index is declared twice`);
  }

  get names(): string[] {
    return this.specs.map((s) => s.name);
  }

  /**
   * The ranges that answer equality filters together: an index on several
   * fields takes the filters it covers (the widest first), single indexes the
   * rest. `undefined` when a filter's value is one no row can hold (the page
   * is empty); a filter no index answers is a programming error.
   */
  rangesFor(where: Record<string, unknown>): IndexRange[] | undefined {
    const left = new Set(Object.keys(where).filter((k) => where[k] !== undefined));
    const ranges: IndexRange[] = [];
    const widestFirst = [...this.specs].sort((a, b) => b.filters.length - a.filters.length);
    for (const index of widestFirst) {
      if (!index.filters.every((f) => left.has(f))) continue;
      const value = index.valueOfFilters(where);
      if (value === undefined) return undefined;
      for (const f of index.filters) left.delete(f);
      ranges.push({ prefix: entryPrefix(index.name, value), end: entryEnd(index.name, value) });
    }
    for (const name of left) throw new Error(`${this.rowSection} has no index "${name}"`);
    return ranges;
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
      const was = before === undefined ? undefined : spec.valueOf(before);
      const is = spec.valueOf(after);
      if (was === is) continue;
      if (was !== undefined) batch.del(this.section, entryPrefix(spec.name, was) + key);
      if (is !== undefined) batch.put(this.section, entryPrefix(spec.name, is) + key, 1);
    }
  }
}
