import { describe, expect, it } from "vitest";
import { openStore } from "../src/store.js";
import { tempDir } from "../testing/index.js";

describe("WriteBatch", () => {
  it("a batch made while another is written reads through it: before, during and after that write", async () => {
    const store = await openStore(tempDir(), "0");
    try {
      const first = store.batch();
      first.put("rows", "a", { n: 1 });
      const next = store.batch(first);
      expect(await next.get("rows", "a")).toEqual({ n: 1 });
      const writing = first.commit();
      expect(await next.get("rows", "a")).toEqual({ n: 1 });
      await writing;
      expect(await next.get("rows", "a")).toEqual({ n: 1 });
      // Its own writes win over the batch before it.
      next.put("rows", "a", { n: 2 });
      expect(await next.get("rows", "a")).toEqual({ n: 2 });
      await next.commit();
      expect(await store.get("rows", "a")).toEqual({ n: 2 });
    } finally {
      await store.close();
    }
  });
});

describe("Store", () => {
  it("reads the latest value of every row, whether it is still kept in memory or only on disk", async () => {
    const store = await openStore(tempDir(), "0");
    try {
      const expected = new Map<string, number | undefined>();
      const write = async (ops: Array<[string, number | undefined]>) => {
        await store.write(
          ops.map(([key, n]) => ({ section: "rows", key, value: n === undefined ? undefined : { n } })),
        );
        for (const [key, n] of ops) expected.set(key, n);
      };
      /** 500 rows named prefix + from, from + 1, …, each holding its number. */
      const rows = (prefix: string, from = 0) =>
        Array.from({ length: 500 }, (_, i): [string, number] => [`${prefix}${from + i}`, from + i]);
      const changed = /^(k(1|2|12000|13000|24999)|m0-0)$/;
      // Every row written more than once, and one in fifty of the rest.
      const expectLatest = async () => {
        const checked = [...expected].filter(([key], i) => changed.test(key) || i % 50 === 0);
        for (const [key, n] of checked)
          expect(await store.get("rows", key), key).toEqual(n === undefined ? undefined : { n });
      };
      // More rows than memory keeps (two generations of 10,000), in batches of 500.
      for (let b = 0; b < 50; b++) await write(rows("k", b * 500));
      // Rewrites and deletes of rows of every age: only on disk (k1, k2),
      // in the older generation (k12000, k13000), in the newer one (k24999).
      await write([
        ["k1", -1],
        ["k12000", -12000],
        ["k24999", -24999],
        ["k2", undefined],
        ["k13000", undefined],
      ]);
      await expectLatest();
      // Once everything has moved through both generations, rows written
      // after the section's keys were loaded (by the reads above) included.
      for (let b = 0; b < 50; b++) await write(rows(`m${b}-`));
      await write([["k12000", -2]]);
      await expectLatest();
    } finally {
      await store.close();
    }
  });

  it("keeps rows in memory however many index entries are written beside them", async () => {
    const store = await openStore(tempDir(), "0");
    try {
      await store.write([{ section: "rows", key: "r", value: { n: 1 } }]);
      expect(await store.get("rows", "r")).toEqual({ n: 1 });
      await store.write([{ section: "rows", key: "r", value: { n: 2 } }]);
      // More index entries than memory keeps rows (two generations of 10,000): never read by key, never kept.
      for (let b = 0; b < 30; b++) {
        await store.write(
          Array.from({ length: 1000 }, (_, i) => ({ section: "idx:rows", key: `n\u0000${b}\u0000${i}`, value: 1 })),
        );
      }
      const rows = store.section("rows");
      const [read, readSync] = [rows.get.bind(rows), rows.getSync.bind(rows)];
      let fromDisk = 0;
      rows.get = ((key: string) => {
        fromDisk++;
        return read(key);
      }) as typeof rows.get;
      rows.getSync = ((key: string) => {
        fromDisk++;
        return readSync(key);
      }) as typeof rows.getSync;
      expect(await store.get("rows", "r")).toEqual({ n: 2 });
      expect(fromDisk).toBe(0);
    } finally {
      await store.close();
    }
  });

  it("a row rewritten after another row of its section was deleted reads as rewritten", async () => {
    const store = await openStore(tempDir(), "0");
    try {
      // Read once, the section's rows are kept in memory as they are written.
      expect(await store.get("rows", "a")).toBeUndefined();
      await store.write([
        { section: "rows", key: "a", value: { n: 1 } },
        { section: "rows", key: "b", value: { n: 1 } },
      ]);
      expect(await store.get("rows", "a")).toEqual({ n: 1 });
      await store.delete("rows", "b");
      await store.write([{ section: "rows", key: "a", value: { n: 2 } }]);
      expect(await store.get("rows", "a")).toEqual({ n: 2 });
      expect(await store.get("rows", "b")).toBeUndefined();
      await store.write([{ section: "rows", key: "b", value: { n: 3 } }]);
      expect(await store.get("rows", "b")).toEqual({ n: 3 });
    } finally {
      await store.close();
    }
  });

  it("a row kept in memory cannot be changed in place: the change throws and the row stays as written", async () => {
    const store = await openStore(tempDir(), "0");
    try {
      expect(await store.get("rows", "a")).toBeUndefined();
      await store.write([{ section: "rows", key: "a", value: { n: 1, history: [{ step: 1 }] } }]);
      const kept = await store.get<{ n: number; history: Array<{ step: number }> }>("rows", "a");
      if (!kept) throw new Error("row a not found");
      expect(() => {
        kept.n = 2;
      }).toThrow(TypeError);
      expect(() => kept.history.push({ step: 2 })).toThrow(TypeError);
      expect(await store.get("rows", "a")).toEqual({ n: 1, history: [{ step: 1 }] });
    } finally {
      await store.close();
    }
  });

  it("writes all of a batch or none of it, across sections, and stays usable after one failed", async () => {
    const store = await openStore(tempDir(), "0");
    try {
      await store.write([
        { section: "rows", key: "a", value: { n: 1 } },
        { section: "idx:rows", key: "n\u00001\u0000a", value: 1 },
      ]);
      // A value JSON cannot encode fails the batch before anything is written.
      const failing = store.write([
        { section: "rows", key: "a", value: { n: 2 } },
        { section: "idx:rows", key: "n\u00001\u0000a", value: undefined },
        { section: "rows", key: "b", value: { n: 10n } },
      ]);
      await expect(failing).rejects.toThrow(/BigInt/);
      expect(await store.get("rows", "a")).toEqual({ n: 1 });
      expect(await store.get("idx:rows", "n\u00001\u0000a")).toBe(1);
      expect(await store.get("rows", "b")).toBeUndefined();

      await store.write([
        { section: "rows", key: "a", value: { n: 2 } },
        { section: "idx:rows", key: "n\u00001\u0000a", value: undefined },
      ]);
      expect(await store.get("rows", "a")).toEqual({ n: 2 });
      expect(await store.get("idx:rows", "n\u00001\u0000a")).toBeUndefined();
      // On disk too, not only in the store's memory.
      expect(await store.db.sublevel("rows", { valueEncoding: "json" }).get("a")).toEqual({ n: 2 });
      expect(await store.db.sublevel("idx:rows", { valueEncoding: "json" }).get("n\u00001\u0000a")).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
