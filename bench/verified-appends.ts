// What verifying an append costs on the command path: appends per second
// through the EventStore (verified where the stream is replicated) against
// the same publish without the verifying read, on a standalone nats-server
// (1 replica) and on a 3-node cluster (1 and 3 replicas). Each writer appends
// to its own aggregate one commit after the other, as a command does.
//   node --import tsx bench/verified-appends.ts [seconds per case, default 3]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, headers, type NatsConnection } from "nats";
import { PREV_HEADER } from "../packages/platform/src/chain.js";
import { loadConfig } from "../packages/platform/src/config.js";
import { type EventEnvelope, EventStore, encodeCommit, subjectOf } from "../packages/platform/src/event-store.js";
import { newId } from "../packages/platform/src/ids.js";
import { startNatsCluster } from "../packages/platform/src/nats-cluster.js";
import { freePort, startNatsServer } from "../packages/platform/src/nats-server.js";

const SECONDS = Number(process.argv[2] ?? 3);

const commit = (aggregateId: string): EventEnvelope[] => [
  {
    id: newId(),
    type: "Added",
    aggregate: "counter",
    aggregateId,
    correlationId: aggregateId,
    occurredAt: new Date().toISOString(),
    version: 1,
    data: { by: 1 },
  },
];

type Append = (subject: string, events: EventEnvelope[], last: number) => Promise<number>;

/** Appends per second of `writers` aggregates written at once, each one commit after the other. */
async function rate(append: Append, system: string, writers: number): Promise<number> {
  let done = 0;
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const subject = subjectOf(system, "counter", `w${w}-${newId()}`);
      let last = 0;
      while (performance.now() < until) {
        last = await append(subject, commit(subject), last);
        done++;
      }
    }),
  );
  return Math.round(done / SECONDS);
}

async function measure(where: string, url: string, replicas: number): Promise<void> {
  const nc: NatsConnection = await connect({ servers: url.split(",") });
  const events = new EventStore(nc, loadConfig({ NATS_URL: url, STREAM_REPLICAS: String(replicas) }));
  const system = `bench${replicas}${Math.random().toString(36).slice(2, 6)}`;
  const guarantee = await events.ensureStream(system);
  // The same publish as the store's, without the verifying read.
  const unverified: Append = async (subject, events, last) => {
    const h = headers();
    h.set(PREV_HEADER, String(last));
    const ack = await nc.jetstream().publish(subject, encodeCommit(events), {
      msgID: events[0]?.id as string,
      headers: h,
      expect: { lastSubjectSequence: last },
    });
    return ack.seq;
  };
  const verified: Append = async (subject, e, last) => (await events.appendCommit(subject, e, last)).seq;
  for (const writers of [1, 32]) {
    // In the order A B B A, averaged: a loaded machine drifts, and what runs first warms up.
    const plain1 = await rate(unverified, system, writers);
    const checked1 = await rate(verified, system, writers);
    const checked = Math.round((checked1 + (await rate(verified, system, writers))) / 2);
    const plain = Math.round((plain1 + (await rate(unverified, system, writers))) / 2);
    console.log(
      `${where.padEnd(12)} R${replicas} ${String(writers).padStart(2)} writer(s): ` +
        `publish only ${String(plain).padStart(5)}/s, EventStore (${guarantee}) ${String(checked).padStart(5)}/s`,
    );
  }
  await (await events.jsm()).streams.delete(system.toUpperCase());
  await nc.close();
}

const base = mkdtempSync(join(tmpdir(), "seed-bench-verify-"));
try {
  const single = await startNatsServer({ storeDir: join(base, "single"), port: await freePort() });
  await measure("standalone", single.url, 1);
  await single.stop();
  const cluster = await startNatsCluster({ baseDir: join(base, "cluster"), name: `bv${process.pid}-` });
  await measure("3-node", cluster.url, 1);
  await measure("3-node", cluster.url, 3);
  await cluster.stop();
} finally {
  rmSync(base, { recursive: true, force: true });
}
