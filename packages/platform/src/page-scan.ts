// One page of a section's row keys, newest first (highest key first: ids are
// ULIDs), read by a range scan that starts just below a cursor. With equality
// filters it walks their index entries instead of the rows: one filter is one
// range, several are intersected by leapfrogging (each index seeks to the
// candidate the others agree on; an index on several fields answers its
// filters with one range), so a page reads the matching keys and the few it
// skips over, never the whole section.
import type { RowPage, RowQuery } from "./list.js";
import type { SecondaryIndexes } from "./secondary-index.js";
import type { Store } from "./store.js";

/** Equality filters by index name (undefined = no filter), the row key the previous page ended with, page size. */
export type PageRequest = RowQuery;

export interface KeyPage {
  keys: string[];
  /** Whether rows follow the last key (one more was found). */
  more: boolean;
}

/** Row keys of one range, descending. */
interface KeyIterator {
  next(): Promise<string | undefined>;
  /** Continues at the highest row key ≤ `rowKey`. */
  seek(rowKey: string): void;
  close(): Promise<void>;
}

export async function scanKeys(
  store: Store,
  rowSection: string,
  indexes: SecondaryIndexes<unknown, unknown>,
  req: PageRequest,
): Promise<KeyPage> {
  const wanted = req.limit + 1;
  const planned = indexes.rangesFor(req.where ?? {});
  if (planned === undefined) return { keys: [], more: false }; // a value no row can hold
  const ranges = planned.map((r) => ({ section: indexes.section, ...r }));
  if (ranges.length === 0) ranges.push({ section: rowSection, prefix: "", end: "\uffff" });

  const iterators = ranges.map((r) => openRange(store, r.section, r.prefix, r.end, req.after));
  try {
    const keys = await leapfrog(iterators, wanted);
    return { keys: keys.slice(0, req.limit), more: keys.length > req.limit };
  } finally {
    await Promise.all(iterators.map((it) => it.close()));
  }
}

/** Keys present in every range, highest first, until `wanted` are found or one range ends. */
async function leapfrog(iterators: KeyIterator[], wanted: number): Promise<string[]> {
  const found: string[] = [];
  const [first, ...others] = iterators as [KeyIterator, ...KeyIterator[]];
  let candidate = await first.next();
  while (candidate !== undefined && found.length < wanted) {
    let agreed = true;
    for (const it of others) {
      it.seek(candidate);
      const key = await it.next();
      if (key === undefined) return found;
      if (key !== candidate) {
        // Below the candidate: nothing between the two is in this range.
        candidate = key;
        agreed = false;
        break;
      }
    }
    if (agreed) {
      found.push(candidate);
      if (found.length === wanted) break;
      candidate = await first.next();
    } else {
      first.seek(candidate);
      candidate = await first.next();
    }
  }
  return found;
}

/** Row keys of one range (an index value's entries, or the rows themselves), descending, below `after`. */
function openRange(store: Store, section: string, prefix: string, end: string, after?: string): KeyIterator {
  const it = store.section(section).keys({
    gte: prefix,
    lt: after === undefined ? end : prefix + after,
    reverse: true,
  });
  return {
    async next() {
      const key = await it.next();
      if (key === undefined) return undefined;
      store.keysScanned++;
      return key.slice(prefix.length);
    },
    seek: (rowKey) => it.seek(prefix + rowKey),
    close: () => it.close(),
  };
}

/** Rows of one page, newest first, with the key to continue after when more follow. */
export async function readPage<Row>(
  store: Store,
  rowSection: string,
  indexes: SecondaryIndexes<unknown, unknown>,
  req: PageRequest,
  load: (key: string) => Promise<Row | undefined>,
): Promise<RowPage<Row>> {
  const { keys, more } = await scanKeys(store, rowSection, indexes, req);
  const rows = (await Promise.all(keys.map(load))).filter((r): r is Awaited<Row> => r !== undefined) as Row[];
  const last = keys[keys.length - 1];
  return more && last !== undefined ? { rows, next: last } : { rows };
}

/** Rows in bounded pages, for the rare reader that must see every matching row without holding them all. */
export async function* eachRow<Row>(
  page: (req: PageRequest) => Promise<RowPage<Row>>,
  where: Record<string, unknown> = {},
  pageSize = 500,
): AsyncGenerator<Row> {
  let after: string | undefined;
  do {
    const p = await page({ where, limit: pageSize, ...(after === undefined ? {} : { after }) });
    yield* p.rows;
    after = p.next;
  } while (after !== undefined);
}
