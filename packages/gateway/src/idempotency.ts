// Idempotency-Key for POST: the same caller sending the same key and the same
// request again gets the first response back, and the action runs once.
//
// Records live in a JetStream KV bucket ("idempotency") so every gateway
// replica sees them, with the bucket's TTL as the promise's lifetime. A
// record is claimed atomically (kv.create) before the action runs:
//   - done, same fingerprint      → replay the stored response
//   - any state, other fingerprint → 422
//   - pending, same fingerprint   → 409 (the first attempt is still running)
//   - pending past its lease       → the first gateway died; take over (CAS)
//   - released, same fingerprint   → an earlier attempt failed (5xx); claim again
// 2xx and 4xx answers are stored; a 5xx releases the claim so the client can
// retry. Services also derive ids from the key and the time the key was first
// seen (ctx.meta.idempotencyKey/idempotencyTime), so a retry after a timeout,
// or after a crash between the action and storing the answer, addresses the
// same resource and cannot create twice. That is why a release keeps the
// record (with its first-seen time) instead of deleting it.
import { createHash } from "node:crypto";
import { conflict, invalidValue, unavailable, validationError } from "@seed/platform";
import type { KV, NatsConnection } from "nats";
import type { PreparedResponse } from "./respond.js";

export const BUCKET = "idempotency";
export const MAX_KEY_LENGTH = 200;
/** Stored answers bigger than this are not kept (KV values must fit a NATS message). */
const MAX_STORED_BODY = 512 * 1024;
const WRONG_LAST_SEQUENCE = 10071;

export interface IdempotencyOptions {
  ttlHours: number;
  replicas: number;
  /** How long a pending claim is honoured before another attempt may take it over. */
  leaseMs: number;
  /**
   * Longest wait for one answer of the bucket (default nats.js's 5 s). The
   * request timeout: with NATS away a keyed request answers 503 as fast as
   * any other, instead of waiting out a longer client default.
   */
  timeoutMs?: number;
}

interface RecordBase {
  fingerprint: string;
  /** Last change of the record (ms). */
  at: number;
  /** When the key was first claimed (ms); kept for the key's whole life. */
  firstSeen: number;
}

type StoredRecord =
  | (RecordBase & { state: "pending" | "released" })
  | (RecordBase & { state: "done"; response: PreparedResponse });

export type ClaimResult = { outcome: "claimed"; claim: Claim } | { outcome: "replay"; response: PreparedResponse };

export interface Claim {
  kvKey: string;
  fingerprint: string;
  /** For ctx.meta.idempotencyTime. */
  firstSeen: number;
  /** KV revision of our claim: storing the answer or releasing only succeeds while the claim is still ours. */
  revision: number;
}

/** 1..200 characters, else 422. */
export function checkKey(key: string): void {
  if (key.length < 1 || key.length > MAX_KEY_LENGTH) {
    throw validationError(`Idempotency-Key must be 1..${MAX_KEY_LENGTH} characters`);
  }
}

/** JSON with sorted keys, so the same body in any key order has one fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** What makes two requests "the same": method, path, query and body. */
export function fingerprint(method: string, path: string, query: unknown, body: unknown): string {
  return createHash("sha256")
    .update(`${method} ${path}\n${canonical(query)}\n${canonical(body ?? null)}`)
    .digest("base64url");
}

/** KV keys must be subject tokens: hash caller and key into one. */
const kvKeyOf = (callerId: string, key: string): string =>
  createHash("sha256").update(callerId).update("\0").update(key).digest("hex");

const isWrongSequence = (err: unknown): boolean =>
  (err as { api_error?: { err_code?: number } })?.api_error?.err_code === WRONG_LAST_SEQUENCE;

function decode(data: Uint8Array): StoredRecord | undefined {
  try {
    const r = JSON.parse(Buffer.from(data).toString("utf8")) as StoredRecord;
    const known = r && (r.state === "pending" || r.state === "released" || r.state === "done");
    return known && typeof r.fingerprint === "string" && typeof r.firstSeen === "number" ? r : undefined;
  } catch {
    return undefined;
  }
}

const encode = (r: StoredRecord): Uint8Array => Buffer.from(JSON.stringify(r));

export class IdempotencyStore {
  private kv: Promise<KV> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly opts: IdempotencyOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Opens (creating if needed) the bucket; retried on the next use after a failure. */
  open(): Promise<KV> {
    this.kv ??= this.nc
      .jetstream(this.opts.timeoutMs ? { timeout: this.opts.timeoutMs } : {})
      .views.kv(BUCKET, { ttl: this.opts.ttlHours * 3_600_000, replicas: this.opts.replicas, history: 1 })
      .catch((err: unknown) => {
        this.kv = undefined;
        throw err;
      });
    return this.kv;
  }

  private async bucket(): Promise<KV> {
    try {
      return await this.open();
    } catch {
      // Without the store a retry could run twice: refuse rather than guess.
      throw unavailable("idempotency store unavailable, try again shortly");
    }
  }

  async claim(callerId: string, key: string, print: string): Promise<ClaimResult> {
    const kv = await this.bucket();
    const kvKey = kvKeyOf(callerId, key);
    const pending = (firstSeen: number): Uint8Array =>
      encode({ state: "pending", fingerprint: print, at: this.now(), firstSeen });
    const claimed = (firstSeen: number, revision: number): ClaimResult => ({
      outcome: "claimed",
      claim: { kvKey, fingerprint: print, firstSeen, revision },
    });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const now = this.now();
        return claimed(now, await kv.create(kvKey, pending(now)));
      } catch (err) {
        if (!isWrongSequence(err)) throw unavailable("idempotency store unavailable, try again shortly");
      }
      const entry = await kv.get(kvKey).catch(() => {
        throw unavailable("idempotency store unavailable, try again shortly");
      });
      if (entry?.operation !== "PUT") continue; // released meanwhile: claim again
      const rec = decode(entry.value);
      // Past the key's window (first seen more than the TTL ago, on the
      // services' clock): forgotten, a new request; the bucket's TTL only
      // cleans up after it.
      if (rec && this.now() - rec.firstSeen >= this.opts.ttlHours * 3_600_000) {
        try {
          const now = this.now();
          return claimed(now, await kv.update(kvKey, pending(now), entry.revision));
        } catch (err) {
          if (!isWrongSequence(err)) throw unavailable("idempotency store unavailable, try again shortly");
          continue;
        }
      }
      if (rec && rec.fingerprint !== print) {
        throw invalidValue("IdempotencyKeyReused", "this Idempotency-Key was already used with a different request");
      }
      if (rec?.state === "done") return { outcome: "replay", response: rec.response };
      if (rec?.state === "pending" && this.now() - rec.at < this.opts.leaseMs) {
        throw conflict("IdempotencyKeyInProgress", "request with this Idempotency-Key is in progress");
      }
      // Released after a failure, or claimed by an attempt that never finished
      // (its gateway died): claim it again atomically, keeping its first-seen time.
      const firstSeen = rec?.firstSeen ?? this.now();
      try {
        return claimed(firstSeen, await kv.update(kvKey, pending(firstSeen), entry.revision));
      } catch (err) {
        if (!isWrongSequence(err)) throw unavailable("idempotency store unavailable, try again shortly");
      }
    }
    throw conflict("IdempotencyKeyInProgress", "request with this Idempotency-Key is in progress");
  }

  /** Stores the answer to replay. Returns false if it could not (the caller logs). */
  async complete(claim: Claim, response: PreparedResponse): Promise<boolean> {
    if (response.body.length > MAX_STORED_BODY) {
      await this.release(claim);
      return false;
    }
    try {
      const kv = await this.open();
      const { fingerprint: print, firstSeen } = claim;
      // Only over our own claim: an attempt that took over after our lease ran out may have answered already.
      const done = encode({ state: "done", fingerprint: print, at: this.now(), firstSeen, response });
      await kv.update(claim.kvKey, done, claim.revision);
      return true;
    } catch {
      return false;
    }
  }

  /** Frees a claim whose request failed for a reason worth retrying (5xx). */
  async release(claim: Claim): Promise<void> {
    try {
      const kv = await this.open();
      const { fingerprint: print, firstSeen } = claim;
      const released = encode({ state: "released", fingerprint: print, at: this.now(), firstSeen });
      await kv.update(claim.kvKey, released, claim.revision);
    } catch {
      // The lease runs out instead.
    }
  }
}
