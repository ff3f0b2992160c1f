// Each service instance keeps its own LevelDB: the materialized state of its
// aggregates, its views and the stream positions they reflect. It is a cache of
// the stream, never the source of truth: deleted, it is rebuilt on start.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Level } from "level";
import QuickLRU from "quick-lru";
import { deepFreeze } from "./frozen.js";
import { KeyFilter } from "./key-filter.js";

export interface Row<T> {
  key: string;
  value: T;
}

/**
 * Rows kept in memory after they were written (per store): the last 10,000
 * to 20,000, as quick-lru keeps two generations of this size. A Map used as
 * an LRU (delete, set, evict its first key) cost 4.7 µs a write once full,
 * as finding the first key walks past every deleted entry; this 0.4–0.6 µs.
 */
const CACHE_GENERATION = 10_000;

export class Store {
  /**
   * The sections opened so far, each as the options that direct a batch's
   * operation into it (one object per section, reused for every operation).
   */
  private readonly sections = new Map<string, { sublevel: ReturnType<Store["open"]> }>();
  /**
   * Recently written rows of the sections read by key. Every write of a
   * section goes through this store (one projection writes it), so the cache
   * never holds a stale row. Rows read from disk are not added: a read racing
   * a write could put back the older value. What it holds is frozen
   * (frozen.ts): changed in place, a row here would no longer be the row in LevelDB.
   */
  private readonly cache = new QuickLRU<string, unknown>({ maxSize: CACHE_GENERATION });
  /**
   * Which keys a section holds (key-filter.ts), read in the background on its
   * first read: a projection meeting a new aggregate or row then knows it is
   * absent without asking the disk. Sections only ever written (index
   * entries, positions) have none: they would cost an insertion per entry
   * written for nothing.
   */
  private readonly keys = new Map<string, KeyFilter>();

  constructor(
    readonly db: Level<string, unknown>,
    readonly path: string,
  ) {}

  /** A named part of the store (`agg:order`, `view:orderStatuses`, `pos`). */
  section(name: string): ReturnType<Store["open"]> {
    return this.target(name).sublevel;
  }

  private target(name: string): { sublevel: ReturnType<Store["open"]> } {
    let t = this.sections.get(name);
    if (!t) {
      t = { sublevel: this.open(name) };
      this.sections.set(name, t);
    }
    return t;
  }

  private open(name: string) {
    return this.db.sublevel<string, unknown>(name, { valueEncoding: "json" });
  }

  async get<T>(section: string, key: string): Promise<T | undefined> {
    const cacheKey = `${section}\u0000${key}`;
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return cached as T;
    if (this.keysOf(section).knowsAbsent(key)) return undefined;
    // Read at once rather than on libuv's threads: the round trip to a
    // thread and back cost 60–70 µs of CPU here against 4–7 µs for the read
    // itself, as a row is nearly always in LevelDB's memtable or block cache
    // or the OS's page cache (docs/PERFORMANCE.md, "Where an order's CPU goes
    // now"). A section still opening is read the asynchronous way.
    const rows = this.section(section);
    if (rows.status === "open") return rows.getSync(key) as T | undefined;
    return (await rows.get(key)) as T | undefined;
  }

  private keysOf(section: string): KeyFilter {
    let index = this.keys.get(section);
    if (!index) {
      index = new KeyFilter(() => this.section(section).keys().all());
      this.keys.set(section, index);
    }
    return index;
  }

  /**
   * Writes rows atomically (WriteBatch.commit); a value of undefined deletes the key.
   * A chained batch hands LevelDB each key and value as they are; an array of
   * operation objects made the binding read every object's fields through
   * N-API, a fifth more CPU a key (docs/PERFORMANCE.md, "Where an order's CPU goes now").
   */
  async write(ops: Array<{ section: string; key: string; value: unknown }>): Promise<void> {
    const batch = this.db.batch();
    try {
      for (const op of ops) {
        const into = this.target(op.section);
        if (op.value === undefined) batch.del(op.key, into);
        // Frozen from its encoding on, so the row kept in memory stays the row written.
        else batch.put(op.key, deepFreeze(op.value), into);
      }
    } catch (err) {
      await batch.close();
      throw err;
    }
    await batch.write();
    // Cache and key index change together, with no await between. Only
    // sections read by key (those with a key index) are kept: index entries,
    // a third of what an order writes, are never read by key, and cached they
    // pushed rows out of memory long before the rows' next events came.
    for (const op of ops) {
      const keys = this.keys.get(op.section);
      if (!keys) continue;
      const cacheKey = `${op.section}\u0000${op.key}`;
      if (op.value === undefined) {
        this.cache.delete(cacheKey);
        continue;
      }
      this.cache.set(cacheKey, op.value);
      keys.add(op.key);
    }
  }

  async delete(section: string, key: string): Promise<void> {
    this.cache.delete(`${section}\u0000${key}`);
    // The section keeps its key filter (only a section with one has rows in
    // the cache, and only writes through one keep those rows current); the
    // key stays perhaps present there, and a read finds it gone.
    await this.section(section).del(key);
  }

  /** Empties a section (a rebuild). */
  async clear(section: string): Promise<void> {
    const prefix = `${section}\u0000`;
    for (const k of [...this.cache.keys()]) if (k.startsWith(prefix)) this.cache.delete(k);
    this.keys.delete(section);
    await this.section(section).clear();
  }

  /** Keys read by range scans so far (lists), for tests and benchmarks that check a list reads only what it shows. */
  keysScanned = 0;

  /** Every row of a section in key order (ULID keys: creation order). */
  async list<T>(section: string): Promise<Array<Row<T>>> {
    const rows: Array<Row<T>> = [];
    for await (const [key, value] of this.section(section).iterator()) rows.push({ key, value: value as T });
    return rows;
  }

  /** A batch of writes; `after` = a batch still being written, which its reads see through. */
  batch(after?: WriteBatch): WriteBatch {
    return new WriteBatch(this, after);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

const LOCKED = "LEVEL_LOCKED";

/**
 * Opens `<dir>/<instance>`. Without a fixed instance name, the first free slot
 * (0, 1, 2…) is taken: replicas on one machine each get their own folder, and a
 * restarted replica finds its folder again.
 */
export async function openStore(dir: string, instance?: string): Promise<Store> {
  for (let slot = 0; slot < 64; slot++) {
    const path = join(dir, instance ?? String(slot));
    await mkdir(path, { recursive: true });
    const db = new Level<string, unknown>(path, { valueEncoding: "json" });
    try {
      await db.open();
      return new Store(db, path);
    } catch (err) {
      const e = err as { code?: string; cause?: { code?: string } };
      if (instance !== undefined || (e.cause?.code ?? e.code) !== LOCKED) throw err;
    }
  }
  throw new Error(`no free store slot under ${dir}`);
}

/**
 * Writes collected during one projection step and committed atomically with
 * the new stream position. Reads see the pending writes first.
 */
export class WriteBatch {
  private readonly pending = new Map<string, { section: string; key: string; value: unknown }>();

  constructor(
    private readonly store: Store,
    /** The batch written before this one, while its write is under way (emptied once written). */
    private readonly after?: WriteBatch,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  async get<T>(section: string, key: string): Promise<T | undefined> {
    const k = `${section}\u0000${key}`;
    const p = this.pending.get(k) ?? this.after?.pending.get(k);
    if (p) return (p.value ?? undefined) as T | undefined;
    return this.store.get<T>(section, key);
  }

  put(section: string, key: string, value: unknown): void {
    this.pending.set(`${section}\u0000${key}`, { section, key, value });
  }

  /** Deletes a key when the batch is written (index entries whose row moved on). */
  del(section: string, key: string): void {
    this.pending.set(`${section}\u0000${key}`, { section, key, value: undefined });
  }

  async commit(): Promise<void> {
    if (this.pending.size === 0) return;
    await this.store.write([...this.pending.values()]);
    this.pending.clear();
  }
}
