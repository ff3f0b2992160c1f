// What a policy's durable consumer says about the events it was given: how
// far it has acknowledged (so a test knows an event was handled before it
// checks that nothing came of it), how many deliveries were redeliveries, and
// a way to stop a worker while it holds events it has not acknowledged.
import type { ChildProcess } from "node:child_process";
import type { ServiceBroker } from "moleculer";
import type { ConsumerInfo, NatsConnection } from "nats";
import { streamName } from "../src/event-store.js";
import { eventually, sleep } from "./index.js";
import { commitsOn } from "./stream.js";

/**
 * A policy's durable consumer: the service name with dashes and the aggregate
 * it reads ("mall-pay-order"), or the service name alone for a policy on the
 * whole stream.
 */
export interface Durable {
  nc: NatsConnection;
  system: string;
  durable: string;
}

export async function consumerInfo({ nc, system, durable }: Durable): Promise<ConsumerInfo> {
  const jsm = await nc.jetstreamManager();
  return jsm.consumers.info(streamName(system), durable);
}

/** The last sequence of a system's stream now (what a policy has yet to handle is at most this). */
export async function lastSeqOf(nc: NatsConnection, system: string): Promise<number> {
  const jsm = await nc.jetstreamManager();
  return (await jsm.streams.info(streamName(system))).state.last_seq;
}

/** The subjects a consumer takes: its filter, or its filters (a policy's types on a typed stream). */
function filtersOf(info: ConsumerInfo): string[] {
  const { filter_subject, filter_subjects } = info.config;
  return filter_subjects?.length ? filter_subjects : [filter_subject || ">"];
}

/** The last sequence on a consumer's subjects: its acknowledged floor never passes it. */
async function lastSeqOn(consumer: Durable): Promise<number> {
  const jsm = await consumer.nc.jetstreamManager();
  const stream = streamName(consumer.system);
  const lasts = filtersOf(await consumerInfo(consumer)).map((filter) =>
    jsm.streams.getMessage(stream, { last_by_subj: filter }).then(
      (m) => m.seq,
      () => 0, // nothing on these subjects yet
    ),
  );
  return Math.max(0, ...(await Promise.all(lasts)));
}

/**
 * Waits until the policy has acknowledged every event on its subjects up to
 * `seq` (default: the end of the stream now): whatever it was going to do
 * with them is done, so a check that nothing came of them can follow at once.
 */
export async function handledUpTo(consumer: Durable, seq?: number, timeout = 20_000): Promise<void> {
  const end = seq ?? (await lastSeqOf(consumer.nc, consumer.system));
  const upTo = Math.min(end, await lastSeqOn(consumer));
  await eventually(
    async () => {
      const info = await consumerInfo(consumer);
      if (info.ack_floor.stream_seq < upTo)
        throw new Error(`${consumer.durable} acknowledged up to ${info.ack_floor.stream_seq}, not yet ${upTo}`);
    },
    { timeout, interval: 25 },
  );
}

/**
 * Deliveries beyond the first of each event: the consumer's delivery count
 * less the events its filter matches in the stream. Read it once everything
 * was handled (`handledUpTo`); more than 0 means an event came again.
 */
export async function redeliveriesOf(consumer: Durable): Promise<number> {
  const info = await consumerInfo(consumer);
  const stored = await commitsOn(consumer.nc, consumer.system, filtersOf(info));
  return info.delivered.consumer_seq - stored.length;
}

/**
 * Runs `prepare(round)`, then `burst(round)`, and stops the worker (SIGSTOP) the moment the consumer
 * has events out that are not acknowledged; resolves with how many it holds
 * once stopped (more than 0). When the worker had acknowledged everything by
 * the time it stopped, it is continued and the next round runs, up to
 * `rounds`. The caller then kills the frozen worker: what it held is
 * redelivered to its successor.
 */
export async function freezeHoldingUnacked(
  consumer: Durable,
  worker: ChildProcess,
  steps: { prepare?: (round: number) => Promise<unknown>; burst: (round: number) => Promise<unknown> },
  rounds = 5,
): Promise<number> {
  for (let round = 1; round <= rounds; round++) {
    await steps.prepare?.(round);
    let done = false;
    const running = steps.burst(round).finally(() => {
      done = true;
    });
    let frozen = false;
    // Until a while after the burst ended: its last events may still be on their way.
    let grace = 0;
    while (!frozen && grace < 40) {
      if (done) grace++;
      const info = await consumerInfo(consumer);
      if (info.num_ack_pending > 0) {
        worker.kill("SIGSTOP");
        frozen = true;
      }
    }
    await running;
    if (frozen) {
      // Acks the worker wrote just before it stopped reach the server first.
      await sleep(200);
      const held = (await consumerInfo(consumer)).num_ack_pending;
      if (held > 0) return held;
      worker.kill("SIGCONT");
    }
  }
  throw new Error(`${consumer.durable}: the worker never held an unacknowledged event in ${rounds} rounds`);
}

/**
 * Waits until every policy in `durables` has handled the whole stream of a
 * system, including what their own handling appended; resolves with the
 * stream's last sequence then.
 */
export async function allHandled(
  nc: NatsConnection,
  system: string,
  durables: string[],
  timeout = 20_000,
): Promise<number> {
  for (let end = -1; ; ) {
    const now = await lastSeqOf(nc, system);
    if (now === end) return end;
    end = now;
    for (const durable of durables) await handledUpTo({ nc, system, durable }, end, timeout);
  }
}

/**
 * Waits until every projection (view, repository copy) of `service` has
 * applied its stream up to `seq`, on the instance the call reaches (or on
 * `nodeID`): what it answers now includes every event up to there.
 */
export async function projectedUpTo(
  broker: ServiceBroker,
  service: string,
  seq: number,
  opts: { nodeID?: string; timeout?: number } = {},
): Promise<void> {
  await eventually(
    async () => {
      const progress = await broker.call<{ projections: Array<{ name: string; seq: number; target: number }> }, object>(
        `${service}.progress`,
        {},
        opts.nodeID ? { nodeID: opts.nodeID } : {},
      );
      for (const p of progress.projections) {
        // A projection follows its own subjects: it is done when it reached `seq` or the last event it follows.
        if (p.seq < Math.min(seq, p.target)) throw new Error(`${service} ${p.name} at ${p.seq}, not yet ${seq}`);
      }
    },
    { timeout: opts.timeout ?? 20_000, interval: 25 },
  );
}
