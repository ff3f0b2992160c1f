import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cursorOf, keyOfCursor, type RowPage } from "../src/list.js";
import { eachRow, readPage } from "../src/page-scan.js";
import { SecondaryIndexes } from "../src/secondary-index.js";
import { openStore, type Store } from "../src/store.js";
import { tempDir } from "../testing/index.js";

interface Row {
  id: string;
  owner: string;
  status: string;
  shown: boolean;
}

const SECTION = "view:rows";
const indexes = new SecondaryIndexes<Row>(
  SECTION,
  ["owner", "status", { name: "visible", of: (r) => r.shown }],
  (r) => r,
);

/** The same rows with the owner and status filters also answered together, by an index on the pair. */
const paired = new SecondaryIndexes<Row>(
  SECTION,
  ["owner", "status", { name: "visible", of: (r) => r.shown }, ["owner", "status"]],
  (r) => r,
);

/** Writes rows the way a projection does: each row and its index entries in one batch. */
async function write(store: Store, rows: Row[], ix = indexes): Promise<void> {
  const batch = store.batch();
  for (const row of rows) {
    const previous = await batch.get<Row>(SECTION, row.id);
    batch.put(SECTION, row.id, row);
    ix.update(batch, row.id, previous, row);
  }
  await batch.commit();
}

const page = (
  store: Store,
  where: Record<string, unknown>,
  limit: number,
  after?: string,
  ix = indexes,
): Promise<RowPage<Row>> =>
  readPage(store, SECTION, ix as SecondaryIndexes<unknown>, { where, limit, ...(after ? { after } : {}) }, (k) =>
    store.get<Row>(SECTION, k),
  );

async function everyPage(store: Store, where: Record<string, unknown>, limit: number, ix = indexes): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const r of eachRow((q) => page(store, q.where ?? {}, q.limit, q.after, ix), where, limit)) rows.push(r);
  return rows;
}

const id = (n: number) => `r${String(n).padStart(6, "0")}`;

async function withStore(work: (store: Store) => Promise<void>): Promise<void> {
  const store = await openStore(tempDir(), "0");
  try {
    await work(store);
  } finally {
    await store.close();
  }
}

describe("secondary indexes", () => {
  it("follow inserts and updates that change an indexed field, and drop the entries a row no longer has", async () => {
    await withStore(async (store) => {
      await write(store, [
        { id: id(1), owner: "ann", status: "Placed", shown: true },
        { id: id(2), owner: "bob", status: "Placed", shown: false },
      ]);
      await write(store, [{ id: id(1), owner: "ann", status: "Canceled", shown: true }]);
      expect((await page(store, { status: "Placed" }, 10)).rows.map((r) => r.id)).toEqual([id(2)]);
      expect((await page(store, { status: "Canceled" }, 10)).rows.map((r) => r.id)).toEqual([id(1)]);
      expect((await page(store, { visible: true }, 10)).rows.map((r) => r.id)).toEqual([id(1)]);
      const entries = await store.list(indexes.section);
      expect(entries).toHaveLength(6); // 2 rows × 3 indexes, the old status entry deleted
    });
  });

  it("an index declared twice is refused", () => {
    expect(() => new SecondaryIndexes<Row>(SECTION, ["owner", "owner"], (r) => r)).toThrow(/twice/);
  });

  it("a filter on an undeclared index is a programming error, not an empty page", async () => {
    await withStore(async (store) => {
      await expect(page(store, { colour: "red" }, 10)).rejects.toThrow(/no index "colour"/);
    });
  });
});

describe("cursor paging", () => {
  it("pages newest first and reads only the keys of the page, filtered or not", async () => {
    await withStore(async (store) => {
      const rows = Array.from({ length: 2000 }, (_, i) => ({
        id: id(i),
        owner: i % 100 === 0 ? "ann" : `other${i % 7}`,
        status: i % 2 === 0 ? "Placed" : "Closed",
        shown: true,
      }));
      await write(store, rows);
      let before = store.keysScanned;
      const first = await page(store, {}, 10);
      expect(first.rows.map((r) => r.id)).toEqual(
        rows
          .slice(-10)
          .reverse()
          .map((r) => r.id),
      );
      expect(store.keysScanned - before).toBe(11); // the page and one more, to know more follow

      before = store.keysScanned;
      const anns = await page(store, { owner: "ann" }, 50);
      expect(anns.rows).toHaveLength(20);
      expect(anns.next).toBeUndefined();
      expect(store.keysScanned - before).toBe(20); // ann's entries, nobody else's

      // Two filters: ann's rows are all "Placed" (i % 100 === 0), so the intersection is hers.
      before = store.keysScanned;
      const annsPlaced = await page(store, { owner: "ann", status: "Placed" }, 5);
      expect(annsPlaced.rows.map((r) => r.id)).toEqual(
        rows
          .filter((r) => r.owner === "ann")
          .slice(-5)
          .reverse()
          .map((r) => r.id),
      );
      expect(store.keysScanned - before).toBeLessThanOrEqual(12); // 6 candidates, each confirmed once
    });
  });

  it("an index on a pair reads a customer's rows of one status as one range, skipping none of her others", async () => {
    await withStore(async (store) => {
      // Ann's rows alternate between two statuses: stepping between two single
      // indexes would seek past each of her rows of the other status.
      const rows = Array.from({ length: 400 }, (_, i) => ({
        id: id(i),
        owner: i % 2 === 0 ? "ann" : "bob",
        status: i % 4 === 0 ? "Placed" : "Closed",
        shown: true,
      }));
      await write(store, rows, paired);
      const expected = rows
        .filter((r) => r.owner === "ann" && r.status === "Placed")
        .reverse()
        .slice(0, 10)
        .map((r) => r.id);
      let before = store.keysScanned;
      const single = await page(store, { owner: "ann", status: "Placed" }, 10);
      const leapfrogged = store.keysScanned - before;
      before = store.keysScanned;
      const pairedPage = await page(store, { owner: "ann", status: "Placed" }, 10, undefined, paired);
      expect(pairedPage.rows.map((r) => r.id)).toEqual(expected);
      expect(single.rows.map((r) => r.id)).toEqual(expected);
      expect(store.keysScanned - before).toBe(11); // the page and one more, in one range
      expect(leapfrogged).toBeGreaterThan(20);
      // The pair's entries follow a status change, as a single index's do.
      await write(store, [{ id: id(396), owner: "ann", status: "Closed", shown: true }], paired);
      expect((await page(store, { owner: "ann", status: "Placed" }, 1, undefined, paired)).rows[0]?.id).toBe(id(392));
      // With one of the pair's fields alone, the single index answers.
      expect((await page(store, { status: "Placed" }, 3, undefined, paired)).rows.map((r) => r.id)).toEqual([
        id(392),
        id(388),
        id(384),
      ]);
    });
  });

  it("stays stable while rows are inserted between pages: nothing twice, nothing older skipped", async () => {
    await withStore(async (store) => {
      await write(
        store,
        Array.from({ length: 30 }, (_, i) => ({ id: id(i * 2), owner: "ann", status: "Placed", shown: true })),
      );
      const seen: string[] = [];
      let after: string | undefined;
      let n = 1000;
      do {
        const p = await page(store, { owner: "ann" }, 7, after);
        seen.push(...p.rows.map((r) => r.id));
        // Newer rows arrive while the client pages (they belong to the first page of a later read).
        await write(store, [{ id: id(n++), owner: "ann", status: "Placed", shown: true }]);
        after = p.next;
      } while (after);
      expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => id((29 - i) * 2)));
    });
  });

  it.each([
    ["single indexes", indexes],
    ["an index on a pair beside them", paired],
  ])("property: a filtered read in pages equals filtering the whole set, newest first (%s)", async (_, ix) => {
    const rowArb = fc.record({
      n: fc.integer({ min: 0, max: 300 }),
      owner: fc.constantFrom("ann", "bob", "cy"),
      status: fc.constantFrom("Placed", "Closed", "Canceled"),
      shown: fc.boolean(),
    });
    const whereArb = fc.record(
      {
        owner: fc.constantFrom("ann", "bob", "cy"),
        status: fc.constantFrom("Placed", "Closed"),
        visible: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { maxLength: 60 }),
        whereArb,
        fc.integer({ min: 1, max: 9 }),
        async (writes, where, limit) => {
          await withStore(async (store) => {
            // Rows written in several batches; a later write of the same id is an update.
            for (let i = 0; i < writes.length; i += 10) {
              await write(
                store,
                writes.slice(i, i + 10).map((w) => ({ id: id(w.n), owner: w.owner, status: w.status, shown: w.shown })),
                ix,
              );
            }
            const latest = new Map<string, Row>();
            for (const w of writes)
              latest.set(id(w.n), { id: id(w.n), owner: w.owner, status: w.status, shown: w.shown });
            const expected = [...latest.values()]
              .filter((r) => (where.owner ?? r.owner) === r.owner)
              .filter((r) => (where.status ?? r.status) === r.status)
              .filter((r) => (where.visible ?? r.shown) === r.shown)
              .sort((a, b) => (a.id < b.id ? 1 : -1));
            expect(await everyPage(store, where, limit, ix)).toEqual(expected);
          });
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("cursors", () => {
  it("name a row key opaquely and refuse what this service could not have made", () => {
    expect(keyOfCursor(cursorOf("01JD0000000000000000000000"))).toBe("01JD0000000000000000000000");
    for (const bad of ["", "AAAA", "=", "abc=", cursorOf("\u0000x"), "_w"]) {
      expect(() => keyOfCursor(bad), bad).toThrow(expect.objectContaining({ code: 422 }));
    }
  });
});
