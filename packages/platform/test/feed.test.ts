import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeCommit, streamName } from "../src/event-store.js";
import { Projection, type Projector } from "../src/projection.js";
import { openStore, type Store } from "../src/store.js";
import { tempDir } from "../testing/index.js";
import {
  type Connected,
  connectEvents,
  dropStream,
  envelope,
  recordingLogger,
  sleep,
  uniqueSystem,
} from "./helpers.js";

/**
 * A projector that keeps every sequence it applied and a count of its applies:
 * a lost commit is a missing key, one applied twice makes the count exceed the keys.
 */
const ledger = (name: string, filter: string): Projector => ({
  name,
  filter,
  sections: [name, `${name}:count`],
  async apply(batch, commit) {
    batch.put(name, String(commit.seq).padStart(8, "0"), commit.subject);
    batch.put(`${name}:count`, "n", ((await batch.get<number>(`${name}:count`, "n")) ?? 0) + 1);
  },
});

/** What a ledger holds: the sequences applied, and how many applies there were. */
async function held(store: Store, name: string): Promise<{ seqs: number[]; applies: number }> {
  const seqs = (await store.list(name)).map((e) => Number(e.key));
  return { seqs, applies: (await store.get<number>(`${name}:count`, "n")) ?? 0 };
}

describe("the stream feed", () => {
  let c: Connected;
  let system: string;
  let stream: string;
  /** Every commit published: its sequence and subject. */
  let published: Array<{ seq: number; subject: string }>;
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    c = await connectEvents();
    system = uniqueSystem();
    stream = streamName(system);
    published = [];
    await c.events.ensureStream(system);
  });
  afterEach(async () => {
    for (const f of cleanups.splice(0).reverse()) await f();
    await dropStream(c.events, system);
    await c.close();
  });

  /** `count` one-event commits, alternating between the counter and the tally aggregates. */
  const publish = async (count: number, parallel = 20) => {
    for (let start = 0; start < count; start += parallel) {
      const chunk = [];
      for (let i = start; i < Math.min(count, start + parallel); i++) {
        const subject = `${system}.${i % 2 === 0 ? "counter" : "tally"}.a${i % 5}`;
        chunk.push(
          c.events.js.publish(subject, encodeCommit([envelope(`a${i % 5}`, 1)])).then(({ seq }) => ({ seq, subject })),
        );
      }
      published.push(...(await Promise.all(chunk)));
    }
  };

  /** The sequences a filter takes, in order. */
  const expectedFor = (aggregate: string | undefined) =>
    published
      .filter((p) => aggregate === undefined || p.subject.startsWith(`${system}.${aggregate}.`))
      .map((p) => p.seq)
      .sort((a, b) => a - b);

  /** A ledger projection in a store of its own (not started). */
  const projection = async (name: string, filter: string, dir = tempDir()) => {
    const store = await openStore(dir, "0");
    const p = new Projection(c.events, store, stream, ledger(name, filter), recordingLogger());
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await p.stop();
      await store.close();
    };
    cleanups.push(close);
    return { dir, store, projection: p, close };
  };

  /** Ephemeral consumers the server holds on a stream (the projections'; policies are durable). */
  const ephemeralConsumers = async (name = stream, events = c.events) => {
    const jsm = await events.jsm();
    let n = 0;
    // A consumer being deleted can be listed as null for a moment.
    for await (const ci of jsm.consumers.list(name)) if (ci && !ci.config.durable_name) n++;
    return n;
  };

  const expectLedgers = async (
    ledgers: Array<{ store: Store; name: string; aggregate: string | undefined }>,
  ): Promise<void> => {
    for (const { store, name, aggregate } of ledgers) {
      const { seqs, applies } = await held(store, name);
      expect(seqs, name).toEqual(expectedFor(aggregate));
      expect(applies, `${name}: applied once each`).toBe(seqs.length);
    }
  };

  it("serves projections of different filters and positions through one consumer, each getting its own commits once", async () => {
    await publish(200);
    // One of them has been here before and stopped half-way: it starts from its own position.
    const early = await projection("early", `${system}.counter.>`);
    await early.projection.start();
    await early.close();
    await publish(200);

    const again = await projection("early", `${system}.counter.>`, early.dir);
    const tally = await projection("tally", `${system}.tally.>`);
    const all = await projection("all", `${system}.>`);
    await Promise.all([again.projection.start(), tally.projection.start(), all.projection.start()]);
    expect(await ephemeralConsumers()).toBe(1);

    await publish(300, 7);
    const last = await c.events.lastSeq(stream);
    for (const p of [again, tally, all]) expect(await p.projection.waitFor(last, 5000)).toBe(true);
    expect(await ephemeralConsumers()).toBe(1);
    await expectLedgers([
      { store: again.store, name: "early", aggregate: "counter" },
      { store: tally.store, name: "tally", aggregate: "tally" },
      { store: all.store, name: "all", aggregate: undefined },
    ]);
    // Positions are how far each has read the stream: a filter the last commits missed is not left behind.
    for (const p of [again, tally, all]) expect(p.projection.seq).toBe(last);
  });

  it("rebuilds one projection while the others keep following, losing and repeating nothing", async () => {
    await publish(400);
    const counter = await projection("counter", `${system}.counter.>`);
    const all = await projection("all", `${system}.>`);
    await Promise.all([counter.projection.start(), all.projection.start()]);

    const arriving = publish(400, 5);
    await sleep(20);
    await all.projection.rebuild();
    expect(all.projection.ready).toBe(true);
    await arriving;
    const last = await c.events.lastSeq(stream);
    for (const p of [counter, all]) expect(await p.projection.waitFor(last, 5000)).toBe(true);
    expect(await ephemeralConsumers()).toBe(1);
    await expectLedgers([
      { store: counter.store, name: "counter", aggregate: "counter" },
      { store: all.store, name: "all", aggregate: undefined },
    ]);
  });

  it("when its consumer is deleted on the server, every projection resumes without loss or repeat", async () => {
    const counter = await projection("counter", `${system}.counter.>`);
    const tally = await projection("tally", `${system}.tally.>`);
    await Promise.all([counter.projection.start(), tally.projection.start()]);
    const jsm = await c.events.jsm();
    const arriving = publish(600, 20);
    for (let i = 0; i < 3; i++) {
      await sleep(25);
      // A restarted server forgets in-memory consumers: delete it under the feed.
      for (const ci of await jsm.consumers.list(stream).next()) await jsm.consumers.delete(stream, ci.name);
    }
    await arriving;
    const last = await c.events.lastSeq(stream);
    for (const p of [counter, tally]) expect(await p.projection.waitFor(last, 10_000)).toBe(true);
    for (const p of [counter, tally]) expect(p.projection.ready).toBe(true);
    await expectLedgers([
      { store: counter.store, name: "counter", aggregate: "counter" },
      { store: tally.store, name: "tally", aggregate: "tally" },
    ]);
    expect(await ephemeralConsumers()).toBe(1);
  });

  it("holds one consumer per stream per process, and none once its projections stop", async () => {
    const other = uniqueSystem();
    await c.events.ensureStream(other);
    cleanups.push(() => dropStream(c.events, other));
    const second = await connectEvents(); // another process
    cleanups.push(() => second.close());
    const starts: Array<Promise<void>> = [];
    const all: Projection[] = [];
    for (const [events, sys] of [
      [c.events, system],
      [c.events, other],
      [second.events, system],
    ] as const) {
      for (const name of ["a", "b", "c"]) {
        const store = await openStore(tempDir(), "0");
        const p = new Projection(events, store, streamName(sys), ledger(name, `${sys}.>`), recordingLogger());
        cleanups.push(async () => {
          await p.stop();
          await store.close();
        });
        all.push(p);
        starts.push(p.start());
      }
    }
    await Promise.all(starts);
    expect(await ephemeralConsumers(stream)).toBe(2); // this process and the other
    expect(await ephemeralConsumers(streamName(other))).toBe(1);
    for (const p of all) await p.stop();
    // Deleted as each feed's last projection leaves (asynchronously: the server may take a moment).
    for (let i = 0; i < 40 && (await ephemeralConsumers(stream)) > 0; i++) await sleep(50);
    expect(await ephemeralConsumers(stream)).toBe(0);
    expect(await ephemeralConsumers(streamName(other))).toBe(0);
  });

  it("a projection that fails takes its commits again from its written position; the others go on", async () => {
    await publish(300);
    let failures = 0;
    const flaky = await openStore(tempDir(), "0");
    const base = ledger("flaky", `${system}.>`);
    const failing = new Projection(
      c.events,
      flaky,
      stream,
      {
        ...base,
        apply(batch, commit) {
          if (commit.seq === 150 && failures === 0) {
            failures++;
            throw new Error("disk hiccup");
          }
          return base.apply(batch, commit);
        },
      },
      recordingLogger(),
    );
    cleanups.push(async () => {
      await failing.stop();
      await flaky.close();
    });
    const steady = await projection("steady", `${system}.counter.>`);
    await Promise.all([failing.start(), steady.projection.start()]);
    await publish(100);
    const last = await c.events.lastSeq(stream);
    for (const p of [failing, steady.projection]) expect(await p.waitFor(last, 5000)).toBe(true);
    expect(failures).toBe(1);
    await expectLedgers([
      { store: flaky, name: "flaky", aggregate: undefined },
      { store: steady.store, name: "steady", aggregate: "counter" },
    ]);
  });
});
