// Each service instance keeps its own LevelDB: the materialized state of its
// aggregates, its views and the stream positions they reflect. It is a cache of
// the stream, never the source of truth: deleted, it is rebuilt on start.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Level } from "level";

export interface Row<T> {
  key: string;
  value: T;
}

export class Store {
  private readonly sections = new Map<string, ReturnType<Store["open"]>>();

  constructor(
    readonly db: Level<string, unknown>,
    readonly path: string,
  ) {}

  /** A named part of the store (`agg:order`, `view:orderStatuses`, `pos`). */
  section(name: string) {
    let s = this.sections.get(name);
    if (!s) {
      s = this.open(name);
      this.sections.set(name, s);
    }
    return s;
  }

  private open(name: string) {
    return this.db.sublevel<string, unknown>(name, { valueEncoding: "json" });
  }

  async get<T>(section: string, key: string): Promise<T | undefined> {
    return (await this.section(section).get(key)) as T | undefined;
  }

  /** Every row of a section in key order (ULID keys: creation order). */
  async list<T>(section: string): Promise<Array<Row<T>>> {
    const rows: Array<Row<T>> = [];
    for await (const [key, value] of this.section(section).iterator()) rows.push({ key, value: value as T });
    return rows;
  }

  batch(): WriteBatch {
    return new WriteBatch(this);
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

  constructor(private readonly store: Store) {}

  get size(): number {
    return this.pending.size;
  }

  async get<T>(section: string, key: string): Promise<T | undefined> {
    const p = this.pending.get(`${section}\u0000${key}`);
    if (p) return (p.value ?? undefined) as T | undefined;
    return this.store.get<T>(section, key);
  }

  put(section: string, key: string, value: unknown): void {
    this.pending.set(`${section}\u0000${key}`, { section, key, value });
  }

  async commit(): Promise<void> {
    if (this.pending.size === 0) return;
    const ops = [...this.pending.values()].map((op) => ({
      type: "put" as const,
      sublevel: this.store.section(op.section),
      key: op.key,
      value: op.value,
    }));
    await this.store.db.batch(ops);
    this.pending.clear();
  }
}
