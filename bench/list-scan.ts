// `node scripts/run.mjs bench:list-scan [-- 1000 100000 1000000]`: the read
// side of a list alone, at sizes a stream would take long to fill. Rows of
// an orderStatuses-like view are written into a fresh LevelDB the way its
// projection writes them (row and index entries in one batch, 2,000 rows a
// batch), then pages are read in-process: the newest page, a regular
// customer's own page (she placed a fifth of the orders, so her page is full
// at every size and only the size of the store changes), her page of one
// status, and the page of one order id. Each read is done a few times before
// it is timed, as a running service's would have been.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { idFrom } from "@seed/platform";
import { openStore, readPage, SecondaryIndexes, type Store } from "@seed/platform/testing";

interface Row {
  orderId: string;
  customerId: string;
  status: string;
}

const SECTION = "view:orderStatuses";
// As the mall's orderStatuses view declares them, the pair included.
const indexes = new SecondaryIndexes<Row>(
  SECTION,
  ["customerId", "orderId", "status", ["customerId", "status"]],
  (r) => r,
);
const READS = 300;
const WARM_UP = 30;
const REGULAR = "customer-regular";

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number;

async function fill(store: Store, rows: number): Promise<string[]> {
  const orderIds: string[] = [];
  for (let i = 0; i < rows; i += 2000) {
    const batch = store.batch();
    for (let n = i; n < Math.min(rows, i + 2000); n++) {
      const orderId = idFrom(`order:${n}`, 1_700_000_000_000 + n);
      const customerId = n % 5 === 0 ? REGULAR : `customer-${n % 1000}`;
      const row = { orderId, customerId, status: n % 3 === 0 ? "OrderPlaced" : "PayChecked" };
      batch.put(SECTION, orderId, row);
      indexes.update(batch, orderId, undefined, row);
      if (n % 997 === 0) orderIds.push(orderId);
    }
    await batch.commit();
  }
  return orderIds;
}

async function time(read: (i: number) => Promise<unknown>) {
  for (let i = 0; i < WARM_UP; i++) await read(i);
  const times: number[] = [];
  for (let i = 0; i < READS; i++) {
    const started = performance.now();
    await read(i);
    times.push(performance.now() - started);
  }
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

async function oneSize(rows: number) {
  const dir = mkdtempSync(join(tmpdir(), "bench-list-scan-"));
  const store = await openStore(dir, "0");
  try {
    const started = Date.now();
    const orderIds = await fill(store, rows);
    process.stderr.write(`[bench:list-scan] ${rows} rows written in ${Date.now() - started} ms\n`);
    const page = (where: Record<string, unknown>, limit: number) =>
      readPage(store, SECTION, indexes as SecondaryIndexes<unknown>, { where, limit }, (k) => store.get(SECTION, k));
    return {
      "newest page (limit 50)": await time(() => page({}, 50)),
      "a regular customer's own page (limit 50)": await time(() => page({ customerId: REGULAR }, 50)),
      "her page of one status (limit 50)": await time(() => page({ customerId: REGULAR, status: "OrderPlaced" }, 50)),
      "by orderId": await time((i) => page({ orderId: orderIds[i % orderIds.length] }, 50)),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const results: Record<string, Record<string, { p50: number; p99: number }>> = {};
for (const n of sizes.length > 0 ? sizes : [1000, 100_000, 1_000_000]) results[n] = await oneSize(n);
const cols = Object.keys(results);
console.log(`| read | ${cols.map((n) => `${Number(n).toLocaleString("en")} rows (p50 / p99 ms)`).join(" | ")} |`);
console.log(`|---|${cols.map(() => "---").join("|")}|`);
for (const q of Object.keys(Object.values(results)[0] ?? {})) {
  const cells = cols.map((n) => {
    const f = results[n]?.[q];
    return f ? `${f.p50.toFixed(2)} / ${f.p99.toFixed(2)}` : "–";
  });
  console.log(`| ${q} | ${cells.join(" | ")} |`);
}
