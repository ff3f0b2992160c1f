// Reading a system's stream as it is stored: where the API cannot tell
// "once" from "twice" (an aggregate whose id is derived shows one row either
// way), the log can.
import { AckPolicy, DeliverPolicy, type NatsConnection } from "nats";
import { decodeCommit, type EventEnvelope, streamName } from "../src/index.js";

export interface StoredCommit {
  subject: string;
  seq: number;
  events: EventEnvelope[];
}

/**
 * Every commit stored on `filter` in a system's stream, read with an
 * ephemeral consumer without acks: where the API cannot tell "once" from
 * "twice" (an aggregate whose id is derived shows one row either way), the
 * log can.
 */
export async function commitsOn(nc: NatsConnection, system: string, filter: string): Promise<StoredCommit[]> {
  const jsm = await nc.jetstreamManager();
  const stream = streamName(system);
  const info = await jsm.consumers.add(stream, {
    filter_subject: filter,
    deliver_policy: DeliverPolicy.All,
    ack_policy: AckPolicy.None,
    inactive_threshold: 30e9,
    mem_storage: true,
    num_replicas: 1,
  });
  const commits: StoredCommit[] = [];
  try {
    const wanted = info.num_pending;
    const consumer = await nc.jetstream().consumers.get(stream, info.name);
    while (commits.length < wanted) {
      const batch = await consumer.fetch({ max_messages: Math.min(1000, wanted - commits.length), expires: 5000 });
      let got = 0;
      for await (const m of batch) {
        commits.push({ subject: m.subject, seq: m.seq, events: decodeCommit(m.data) });
        got++;
      }
      if (got === 0) throw new Error(`${stream} ${filter}: read ${commits.length} of ${wanted} commits`);
    }
  } finally {
    await jsm.consumers.delete(stream, info.name).catch(() => {});
  }
  return commits;
}

/**
 * How many events of `type` are stored under `filter`, per value of the
 * event's `field` (the correlation key, e.g. `orderId`): one `PaymentCanceled`
 * per canceled order reads `{orderId → 1}`.
 */
export async function eventCounts(
  nc: NatsConnection,
  system: string,
  filter: string,
  type: string,
  field: string,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const c of await commitsOn(nc, system, filter)) {
    for (const e of c.events) {
      if (e.type !== type) continue;
      const key = String((e.data as Record<string, unknown>)[field]);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}
