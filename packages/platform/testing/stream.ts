// Reading a system's stream as it is stored: where the API cannot tell
// "once" from "twice" (an aggregate whose id is derived shows one row either
// way), the log can.
import type { NatsConnection } from "nats";
import { streamName } from "../src/event-store.js";
import { readCommits, type StoredCommit, validCommits } from "./chains.js";

/** Every commit stored on `filter` in a system's stream, void ones (writes that lost) included. */
export function commitsOn(nc: NatsConnection, system: string, filter: string | string[]): Promise<StoredCommit[]> {
  return readCommits(nc, streamName(system), filter);
}

/**
 * How many events of `type` the valid commits under `filter` hold, per value
 * of the event's `field` (the correlation key, e.g. `orderId`): one
 * `PaymentCanceled` per canceled order reads `{orderId → 1}`. A void commit
 * had no effect for any reader, so it is not counted.
 */
export async function eventCounts(
  nc: NatsConnection,
  system: string,
  filter: string,
  type: string,
  field: string,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const c of await validCommits(nc, streamName(system), filter)) {
    for (const e of c.events) {
      if (e.type !== type) continue;
      const key = String((e.data as Record<string, unknown>)[field]);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}
