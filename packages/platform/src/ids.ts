// Ids are ULIDs: sortable, URL- and NATS-subject-safe (Crockford base32, no `.`, `*`, `>`).
import { hash, randomFillSync } from "node:crypto";
import { decodeTime, monotonicFactory } from "ulid";

/**
 * The random part of new ids, from the OS's secure generator filled 4 KiB at
 * a time: ulid's default asks it once per character (16 calls per id), a few
 * per cent of a busy node's CPU.
 */
const pool = new Uint32Array(1024);
let drawn = pool.length;
function random(): number {
  if (drawn === pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  return (pool[drawn++] as number) / 0x1_0000_0000;
}

const next = monotonicFactory(random);

export const newId = (): string => next();

const BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A ULID derived from a seed: the same seed always yields the same id. Used
 * where a command must be idempotent by construction (the Pay of an order, the
 * order created under an Idempotency-Key): a retry computes the same id and the
 * event store refuses to create it twice.
 */
export function idFrom(seed: string, timeMs: number): string {
  let time = "";
  let t = Math.max(0, Math.floor(timeMs));
  for (let i = 0; i < 10; i++) {
    time = BASE32[t % 32] + time;
    t = Math.floor(t / 32);
  }
  // One-shot: no Hash object per id (about 1.1 µs here against 1.7 µs).
  const digest = hash("sha256", seed, "buffer");
  let rand = "";
  for (let i = 0; i < 16; i++) rand += BASE32[(digest[i] ?? 0) % 32];
  return time + rand;
}

/** Time encoded in a ULID (ms since epoch). */
export const idTime = (id: string): number => decodeTime(id);

export const ULID_PATTERN = "^[0-9A-HJKMNP-TV-Z]{26}$";
