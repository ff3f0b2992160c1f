import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listDeadLetters } from "../src/dead-letters.js";
import { refuse } from "../src/domain.js";
import { conflict } from "../src/errors.js";
import { type EventEnvelope, encodeCommit, streamName, subjectOf } from "../src/event-store.js";
import { Policy, type PolicyOptions } from "../src/policy.js";
import { eventually } from "../testing/index.js";
import {
  type Connected,
  connectEvents,
  dropStream,
  envelope,
  publishMany,
  type RecordingLogger,
  recordingLogger,
  sleep,
  uniqueSystem,
} from "./helpers.js";

describe("Policy", () => {
  let c: Connected;
  let system: string;
  let stream: string;
  let durable: string;
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    c = await connectEvents();
    system = uniqueSystem();
    stream = streamName(system);
    durable = `${system}-reactor`;
    await c.events.ensureStream(system);
    await c.events.ensureDeadLetters();
  });
  afterEach(async () => {
    for (const f of cleanups.splice(0).reverse()) await f();
    await dropStream(c.events, system);
    await c.close();
  });

  const deadLetterSubject = () => `deadletter.${system}.${durable}`;

  /** A started policy on `connected` (the test's connection by default). */
  const startPolicy = async (
    reactions: PolicyOptions["reactions"],
    opts: Partial<PolicyOptions> & { connected?: Connected; logger?: RecordingLogger } = {},
  ) => {
    const { connected = c, logger = recordingLogger(), ...rest } = opts;
    const policy = new Policy(
      connected.events,
      {
        durable,
        stream,
        filter: `${system}.>`,
        reactions,
        maxDeliver: 5,
        ackWaitMs: 1000,
        backoffMs: 50,
        deadLetterSubject: deadLetterSubject(),
        ...rest,
      },
      logger,
    );
    await policy.start();
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await policy.stop();
    };
    cleanups.push(stop);
    return { policy, logger, stop };
  };

  const consumerInfo = async (name = durable) => (await c.events.jsm()).consumers.info(stream, name);

  /** Waits until the consumer has acknowledged the stream up to `last` with nothing pending or held. */
  const settledConsumer = (last: number, name = durable) =>
    eventually(
      async () => {
        const info = await consumerInfo(name);
        expect(info.ack_floor.stream_seq).toBe(last);
        expect(info.num_ack_pending).toBe(0);
        expect(info.num_pending).toBe(0);
        return info;
      },
      { timeout: 10_000 },
    );

  const publish = async (id: string, events: EventEnvelope[]) => {
    const ack = await c.events.js.publish(subjectOf(system, "counter", id), encodeCommit(events), {
      msgID: events[0]?.id,
    });
    return ack.seq;
  };

  it("runs the reaction once per event and acknowledges it", async () => {
    const seen: string[] = [];
    const { policy } = await startPolicy({
      Added: async (e) => {
        seen.push(e.id);
      },
    });
    await publishMany(c.events, system, 30);
    // A commit with an event the policy does not react to, and one with two events.
    await publish("mixed", [envelope("mixed", 1, { type: "Ignored" }), envelope("mixed", 2)]);
    await eventually(() => expect(seen).toHaveLength(31));
    expect(new Set(seen).size).toBe(31);
    await eventually(async () => {
      const info = await consumerInfo();
      expect(info.num_ack_pending).toBe(0);
      expect(info.num_pending).toBe(0);
      expect(info.ack_floor.stream_seq).toBe(31);
      expect(info.num_redelivered).toBe(0);
    });
    expect(policy.handled).toBe(31);
    expect(policy.deadLettered).toBe(0);
  });

  it("retries a failing reaction with a growing delay until it succeeds", async () => {
    const attempts: number[] = [];
    const { policy, logger } = await startPolicy(
      {
        Added: async () => {
          attempts.push(performance.now());
          if (attempts.length < 4) throw new Error(`flaky dependency (attempt ${attempts.length})`);
        },
      },
      { backoffMs: 100, maxDeliver: 6 },
    );
    await publish("r", [envelope("r", 1)]);
    await eventually(() => expect(policy.handled).toBe(1), { timeout: 5000 });
    expect(attempts).toHaveLength(4);
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] as number));
    // 100, 200, 400 ms: each wait at least its delay, and each longer than the last.
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(gaps[2]).toBeGreaterThanOrEqual(390);
    expect(gaps[1]).toBeGreaterThan(gaps[0] as number);
    expect(gaps[2]).toBeGreaterThan(gaps[1] as number);
    expect(logger.lines.filter((l) => l.level === "warn" && /retry in/.test(l.text))).toHaveLength(3);
    await eventually(async () => expect((await consumerInfo()).num_ack_pending).toBe(0));
    expect(policy.deadLettered).toBe(0);
  });

  it("after max deliveries sends the event to the dead-letter subject with its error; others keep flowing", async () => {
    const handledAt = new Map<number, number>();
    const poisonAttempts: number[] = [];
    let fixed = false;
    const { policy } = await startPolicy(
      {
        Added: async (e) => {
          const by = (e.data as { by: number }).by;
          if (by === 13 && !fixed) {
            poisonAttempts.push(performance.now());
            throw new Error("payment gateway down: 13 is unlucky");
          }
          handledAt.set(by, performance.now());
        },
      },
      { maxDeliver: 3, backoffMs: 150 },
    );
    const poison = [envelope("p", 13)];
    await publish("a", [envelope("a", 1)]);
    const poisonSeq = await publish("p", poison);
    for (let by = 2; by <= 10; by++) await publish(`o${by}`, [envelope(`o${by}`, by)]);

    await eventually(() => expect(policy.deadLettered).toBe(1), { timeout: 5000 });
    expect(poisonAttempts).toHaveLength(3);
    expect(handledAt.size).toBe(10);
    // The poison's retries did not hold the others back.
    expect(Math.max(...handledAt.values())).toBeLessThan(poisonAttempts[2] as number);

    const jsm = await c.events.jsm();
    const dead = await jsm.streams.getMessage("DEADLETTER", { last_by_subj: deadLetterSubject() });
    expect(dead.header?.get("Seed-Error")).toBe("payment gateway down: 13 is unlucky");
    expect(dead.header?.get("Seed-Subject")).toBe(subjectOf(system, "counter", "p"));
    expect(dead.header?.get("Seed-Seq")).toBe(String(poisonSeq));
    expect(dead.header?.get("Seed-Policy")).toBe(durable);
    expect(dead.header?.get("Seed-Stream")).toBe(stream);
    expect(JSON.parse(new TextDecoder().decode(dead.data))).toEqual(poison);

    // Terminated: not delivered again. Nothing is outstanding on the consumer,
    // and its only deliveries beyond one per event are the poison's two retries.
    const info = await settledConsumer(11);
    expect(info.delivered.consumer_seq - 11).toBe(2);
    expect(poisonAttempts).toHaveLength(3);
    // Exactly one dead letter for this policy.
    const dl = await jsm.streams.info("DEADLETTER", { subjects_filter: deadLetterSubject() });
    expect(dl.state.subjects?.[deadLetterSubject()]).toBe(1);

    // Listed for operators with its error; after a fix, replayed once and gone.
    const listed = (await listDeadLetters(c.events, { system })).filter((d) => d.policy === durable);
    expect(listed).toEqual([
      expect.objectContaining({
        seq: dead.seq,
        subject: subjectOf(system, "counter", "p"),
        eventSeq: poisonSeq,
        error: "payment gateway down: 13 is unlucky",
        eventTypes: ["Added"],
      }),
    ]);
    await expect(policy.replay(dead.seq)).rejects.toThrow(/13 is unlucky/); // not fixed yet: stays
    expect(await listDeadLetters(c.events, { system })).toHaveLength(1);
    fixed = true;
    expect(await policy.replay(dead.seq)).toEqual({ seq: poisonSeq, subject: subjectOf(system, "counter", "p") });
    expect(handledAt.get(13)).toBeDefined();
    expect(await listDeadLetters(c.events, { system })).toEqual([]);
  });

  it("treats a refused command as done: acknowledged, not retried, not dead-lettered", async () => {
    const calls: string[] = [];
    const { policy } = await startPolicy({
      Added: async (e) => {
        calls.push(e.aggregateId);
        if (e.aggregateId === "refused") throw refuse.conflict("AlreadyPaid", "already paid");
        if (e.aggregateId === "conflict") throw conflict("OutOfStock", "no stock");
      },
    });
    await publish("refused", [envelope("refused", 1)]);
    await publish("conflict", [envelope("conflict", 1)]);
    await publish("fine", [envelope("fine", 1)]);
    await eventually(() => expect(policy.handled).toBe(3));
    // all three acknowledged, none delivered twice
    const info = await settledConsumer(3);
    expect(info.delivered.consumer_seq).toBe(3);
    expect(calls).toEqual(["refused", "conflict", "fine"]);
    expect(info.num_redelivered).toBe(0);
    expect(policy.deadLettered).toBe(0);
  });

  it("handles events of different aggregates at once, and each aggregate's events in order", async () => {
    const seen = new Map<string, number[]>();
    let running = 0;
    let mostAtOnce = 0;
    await startPolicy(
      {
        Added: async (e) => {
          running++;
          mostAtOnce = Math.max(mostAtOnce, running);
          await sleep(Math.random() * 5);
          const list = seen.get(e.aggregateId) ?? [];
          list.push((e.data as { by: number }).by);
          seen.set(e.aggregateId, list);
          running--;
        },
      },
      { concurrency: 8 },
    );
    const published = await publishMany(c.events, system, 200, { aggregates: 10, parallel: 1, by: (i) => i + 1 });
    await eventually(() => expect([...seen.values()].flat()).toHaveLength(200), { timeout: 8000 });
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(8);
    for (const [aggregateId, order] of seen) {
      expect(order).toEqual(published.filter((p) => p.aggregateId === aggregateId).map((p) => p.by));
    }
  });

  it("two replicas with the same durable share the events: each is handled by exactly one", async () => {
    const other = await connectEvents();
    cleanups.push(() => other.close());
    const byReplica: Record<"a" | "b", string[]> = { a: [], b: [] };
    const reaction = (replica: "a" | "b") => async (e: EventEnvelope) => {
      await sleep(2);
      byReplica[replica].push(e.id);
    };
    const a = await startPolicy({ Added: reaction("a") });
    const b = await startPolicy({ Added: reaction("b") }, { connected: other });
    await publishMany(c.events, system, 200, { aggregates: 50 });
    await eventually(() => expect(byReplica.a.length + byReplica.b.length).toBe(200), { timeout: 8000 });
    expect(new Set([...byReplica.a, ...byReplica.b]).size).toBe(200);
    expect(byReplica.a.length).toBeGreaterThan(0);
    expect(byReplica.b.length).toBeGreaterThan(0);
    expect(a.policy.handled + b.policy.handled).toBe(200);
    await eventually(async () => expect((await consumerInfo()).num_ack_pending).toBe(0));
  });

  it("a stopped replica's unacknowledged events go to the other replica, none handled twice", async () => {
    const other = await connectEvents();
    cleanups.push(() => other.close());
    const handled: Array<{ replica: string; id: string }> = [];
    const slow = async (e: EventEnvelope) => {
      await sleep(25);
      handled.push({ replica: "a", id: e.id });
    };
    const a = await startPolicy({ Added: slow }, { ackWaitMs: 1000 });
    await publishMany(c.events, system, 100);
    // a has taken a batch and works through it slowly; stop it in the middle.
    await eventually(() => expect(handled.length).toBeGreaterThanOrEqual(5));
    const stopAsked = performance.now();
    const handledWhenAsked = handled.length;
    await a.stop();
    // stop() finishes the event in hand, not the whole batch a had taken.
    expect(handled.length).toBeLessThanOrEqual(handledWhenAsked + 1);
    expect(performance.now() - stopAsked).toBeLessThan(500);

    const b = await startPolicy(
      {
        Added: async (e) => {
          handled.push({ replica: "b", id: e.id });
        },
      },
      { connected: other, ackWaitMs: 1000 },
    );
    await eventually(() => expect(new Set(handled.map((h) => h.id)).size).toBe(100), { timeout: 8000 });
    // every event acknowledged, none held by anyone: nothing can come again
    await settledConsumer(100);
    expect(handled).toHaveLength(100);
    expect(handled.filter((h) => h.replica === "b").length).toBeGreaterThan(0);
    expect(b.policy.handled + a.policy.handled).toBe(100);
  });

  it("brings an existing durable's ack wait in line with the config on start", async () => {
    const first = await startPolicy({ Added: async () => {} }, { ackWaitMs: 1000 });
    expect((await consumerInfo()).config.ack_wait).toBe(1000 * 1e6);
    await first.stop();
    await startPolicy({ Added: async () => {} }, { ackWaitMs: 2500 });
    const info = await consumerInfo();
    expect(info.config.ack_wait).toBe(2500 * 1e6);
    expect(info.config.filter_subject).toBe(`${system}.>`);
  });

  it("a durable replacing another starts after what that one acknowledged, and the former's events stay handled once", async () => {
    const seen: string[] = [];
    const former = await startPolicy({ Added: async (e) => void seen.push(e.id) });
    await publishMany(c.events, system, 10);
    await settledConsumer(10);
    await former.stop();
    await publishMany(c.events, system, 5);
    // The policy now reads only the counter's subjects, under a new name.
    await startPolicy(
      { Added: async (e) => void seen.push(e.id) },
      { durable: `${durable}-counter`, replaces: durable, filter: `${system}.counter.>` },
    );
    // Everything handled and acknowledged: a second handling would show now.
    const info = await settledConsumer(15, `${durable}-counter`);
    expect(seen).toHaveLength(15);
    expect(new Set(seen).size).toBe(15);
    expect(info.config.opt_start_seq).toBe(11);
    expect(info.config.filter_subject).toBe(`${system}.counter.>`);
  });
});
