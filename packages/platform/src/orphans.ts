// Two writes that belong together but cannot be one append: something is
// taken first (a payment, a room's hold) and then what owns it is stored (a
// contract, a maintenance). A node dying in between, or a call timing out,
// leaves the first without its owner. Two rules end that within a bounded time:
//
// - the owner is stored within `storeWindowMs(afterMs)` of the first write, or
//   never (`ownerStoreBy` gives the deadline of that append, and refuses once
//   it has passed);
// - a reconciliation ticking on every replica (`watchOrphans`) finds what has
//   waited longer than `afterMs` without an owner in the stream, and gives it
//   back through its aggregate's decision, with seeded event ids, so two
//   replicas ticking at once append once.
//
// The gap between the two (at least a second, a quarter of `afterMs`) is the
// margin for an append already on its way and for the clocks of different nodes.
// Every system that takes something before storing its owner counts its windows with these.
import type { Clock } from "./clock.js";
import { DEADLINE_MARGIN_MS } from "./deadline.js";
import { subjectOf } from "./event-store.js";
import type { Runtime } from "./node.js";
import type { ServiceKit } from "./service-kit.js";

/** How long after the first write its owner may still be stored. */
export const storeWindowMs = (afterMs: number): number =>
  Math.max(Math.floor(afterMs / 2), afterMs - Math.max(1000, Math.floor(afterMs / 4)));

/** How often the reconciliation looks for orphans. */
export const reconcilePeriod = (afterMs: number): number => Math.max(200, Math.min(5000, Math.floor(afterMs / 4)));

/**
 * The deadline (ms, this process's real time, as append deadlines are) of
 * storing the owner of something taken at `since` (ms, service clock), or
 * undefined when its window is over: the caller refuses to store.
 */
export function ownerStoreBy(since: number, afterMs: number, clock: Clock): number | undefined {
  const left = since + storeWindowMs(afterMs) - clock.now();
  return left > DEADLINE_MARGIN_MS ? Date.now() + left : undefined;
}

/** One thing waiting for its owner, as the reconciliation sees it. */
export interface Waiting {
  /** Names what waits (remembered once its owner is found, so the stream is asked once). */
  key: string;
  /** When it started waiting (ms, service clock). */
  since: number;
  /** The owner's aggregate in the same system's stream. */
  owner: { aggregate: string; id: string };
}

export interface OrphanWatch<T> {
  /** The ticker's name (logs). */
  name: string;
  /** How long something may wait for its owner. */
  afterMs: number;
  /** What may be waiting now (e.g. every approved payment), read from the service's own copy. */
  candidates: () => AsyncIterable<T>;
  /** How `t` waits, or undefined when it does not (any more). */
  waiting: (t: T) => Waiting | undefined;
  /** Gives back what waited too long: a command its aggregate decides, with a seeded id. */
  release: (t: T, now: number) => Promise<void>;
}

/**
 * Ticks on every replica of the kit's service: releases each candidate that
 * has waited more than `afterMs` and whose owner the stream itself (not a
 * lagging copy) does not hold.
 */
export function watchOrphans<T>(rt: Runtime, kit: ServiceKit, watch: OrphanWatch<T>): void {
  // Owners found: an owner stored once is never unstored. Kept only while its key still waits.
  let owned = new Set<string>();
  const ownerStored = async ({ aggregate, id }: Waiting["owner"]) =>
    (await rt.events.lastSeqOf(kit.stream, subjectOf(kit.system, aggregate, id))) > 0;

  kit.every(watch.name, reconcilePeriod(watch.afterMs), async (now) => {
    const stillOwned = new Set<string>();
    for await (const t of watch.candidates()) {
      const w = watch.waiting(t);
      if (!w) continue;
      if (owned.has(w.key)) {
        stillOwned.add(w.key);
        continue;
      }
      if (w.since + watch.afterMs > now) continue;
      if (await ownerStored(w.owner)) {
        stillOwned.add(w.key);
        continue;
      }
      await watch.release(t, now);
    }
    owned = stillOwned;
  });
}
