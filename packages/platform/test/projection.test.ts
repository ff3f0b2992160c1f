import { rmSync } from "node:fs";
import { headers } from "nats";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PREV_HEADER } from "../src/chain.js";
import { encodeCommit, streamName, subjectOf } from "../src/event-store.js";
import { Projection, type Projector } from "../src/projection.js";
import { openStore, type Store } from "../src/store.js";
import { View } from "../src/view.js";
import { eventually, tempDir } from "../testing/index.js";
import {
  type Connected,
  connectEvents,
  dropStream,
  envelope,
  publishMany,
  recordingLogger,
  sleep,
  uniqueSystem,
} from "./helpers.js";

interface Totals {
  id: string;
  count: number;
  sum: number;
  lastSeen: string;
}

/** Indexes whose value changes with (almost) every event: each update moves the row's entries. */
const TOTALS_INDEXES = ["count", { name: "parity", of: (r: Totals) => (r.sum % 2 === 0 ? "even" : "odd") }] as const;

/** A view that is wrong if an event is applied twice or missed: a count and a sum per counter. */
const totalsOf = (store: () => Store, system: string, indexes: boolean | undefined = true) =>
  new View<Totals>(
    {
      name: "totals",
      key: (e) => e.aggregateId,
      on: {
        Added: (row, e) => ({
          id: e.aggregateId,
          count: (row?.count ?? 0) + 1,
          sum: (row?.sum ?? 0) + (e.data as { by: number }).by,
          lastSeen: e.id,
        }),
      },
      ...(indexes ? { indexes: TOTALS_INDEXES } : {}),
    },
    store,
    system,
  );

/** The index entries the rows call for, and those the store holds, equal: no entry missing, none stale. */
async function expectIndexesMatchRows(store: Store): Promise<void> {
  const rows = await store.list<Totals>("view:totals");
  const expected = rows
    .flatMap(({ key, value }) => [
      `count\u0000${value.count}\u0000${key}`,
      `parity\u0000${value.sum % 2 === 0 ? "even" : "odd"}\u0000${key}`,
    ])
    .sort();
  const entries = (await store.list("idx:view:totals")).map((e) => e.key).sort();
  expect(entries).toEqual(expected);
}

/** Expected rows (without lastSeen) from what was published. */
function expectedTotals(published: Array<{ aggregateId: string; by: number }>) {
  const rows = new Map<string, { id: string; count: number; sum: number }>();
  for (const p of published) {
    const r = rows.get(p.aggregateId) ?? { id: p.aggregateId, count: 0, sum: 0 };
    r.count++;
    r.sum += p.by;
    rows.set(p.aggregateId, r);
  }
  return [...rows.values()].sort((a, b) => a.id.localeCompare(b.id));
}

const withoutLastSeen = (rows: Totals[]) => rows.map(({ id, count, sum }) => ({ id, count, sum }));

describe("Projection", () => {
  let c: Connected;
  let system: string;
  let stream: string;
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    c = await connectEvents();
    system = uniqueSystem();
    stream = streamName(system);
    await c.events.ensureStream(system);
  });
  afterEach(async () => {
    for (const f of cleanups.splice(0).reverse()) await f();
    await dropStream(c.events, system);
    await c.close();
  });

  /** A store in `dir` (a fresh one by default) with the totals view and its projection (not started). */
  const setup = async (dir = tempDir(), wrap?: (p: Projector) => Projector, indexes?: boolean) => {
    const store = await openStore(dir, "0");
    const view = totalsOf(() => store, system, indexes);
    const logger = recordingLogger();
    const projection = new Projection(
      c.events,
      store,
      stream,
      wrap ? wrap(view.projector()) : view.projector(),
      logger,
    );
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await projection.stop();
      await store.close();
    };
    cleanups.push(close);
    return { dir, store, view, projection, logger, close };
  };

  it("catches up at start: ready once it has what was in the stream, then follows", async () => {
    const published = await publishMany(c.events, system, 300);
    const { projection, view } = await setup();
    expect(projection.ready).toBe(false);
    await projection.start();
    expect(projection.ready).toBe(true);
    expect(projection.seq).toBe(await c.events.lastSeq(stream));
    expect(withoutLastSeen(await view.all())).toEqual(expectedTotals(published));

    // Follows what comes later; waitFor resolves when it has it.
    const more = await publishMany(c.events, system, 50);
    expect(await projection.waitFor(await c.events.lastSeq(stream), 5000)).toBe(true);
    expect(withoutLastSeen(await view.all())).toEqual(expectedTotals([...published, ...more]));
    // A sequence not in the stream: false after the timeout; already applied: true at once.
    expect(await projection.waitFor(projection.seq + 1000, 100)).toBe(false);
    expect(await projection.waitFor(1, 1)).toBe(true);
    // Stopping answers pending waiters with false.
    const pending = projection.waitFor(projection.seq + 1000, 0);
    await projection.stop();
    expect(await pending).toBe(false);
  });

  it("a view skips void commits (those naming a predecessor already followed), also after a restart and a rebuild", async () => {
    const subject = subjectOf(system, "counter", "v");
    const publish = async (by: number, prev: number) => {
      const h = headers();
      h.set(PREV_HEADER, String(prev));
      return (await c.events.js.publish(subject, encodeCommit([envelope("v", by)]), { headers: h })).seq;
    };
    const first = await publish(1, 0);
    await publish(10, 0); // decided on the same (empty) state as `first`: void
    const dir = tempDir();
    const one = await setup(dir);
    await one.projection.start();
    expect(withoutLastSeen(await one.view.all())).toEqual([{ id: "v", count: 1, sum: 1 }]);
    await one.close();

    // Resumed from its position: the tip it kept judges what comes next.
    const second = await publish(2, first);
    await publish(20, first); // void: `second` already follows `first`
    await publish(200, 0); // void
    const again = await setup(dir);
    await again.projection.start();
    expect(withoutLastSeen(await again.view.all())).toEqual([{ id: "v", count: 2, sum: 3 }]);
    await publish(3, second);
    expect(await again.projection.waitFor(await c.events.lastSeq(stream), 5000)).toBe(true);
    expect(withoutLastSeen(await again.view.all())).toEqual([{ id: "v", count: 3, sum: 6 }]);
    await again.projection.rebuild();
    expect(withoutLastSeen(await again.view.all())).toEqual([{ id: "v", count: 3, sum: 6 }]);
  });

  it("a copy made before commits named their predecessor takes the next commit of an aggregate it has no tip for", async () => {
    const subject = subjectOf(system, "counter", "old");
    const first = (await c.events.js.publish(subject, encodeCommit([envelope("old", 1)]))).seq;
    const dir = tempDir();
    const one = await setup(dir);
    await one.projection.start();
    await one.close();
    // What such a copy holds: rows and a position, no tips, no mark of where it began keeping them.
    const store = await openStore(dir, "0");
    await store.clear("tip:view:totals");
    await store.delete("pos", "view:totals:chainedFrom");
    await store.close();

    const h = headers();
    h.set(PREV_HEADER, String(first));
    await c.events.js.publish(subject, encodeCommit([envelope("old", 2)]), { headers: h });
    const upgraded = await setup(dir);
    await upgraded.projection.start();
    expect(withoutLastSeen(await upgraded.view.all())).toEqual([{ id: "old", count: 2, sum: 3 }]);
  });

  it("getLatest: a row the stream has is found even before this copy applied it; a miss is confirmed", async () => {
    const { projection, view } = await setup();
    view.freshness.follow(projection);
    await projection.start();
    await publishMany(c.events, system, 1, { aggregates: 1 });
    // Asked at once: the copy waits until it holds what the stream holds.
    expect(await view.getLatest("c0")).toMatchObject({ id: "c0", count: 1 });
    expect(await view.getLatest("nowhere")).toBeUndefined();
    // A copy that cannot catch up does not answer "not found": 503, nothing done, try another replica.
    await projection.stop();
    await c.events.js.publish(`${system}.counter.late`, encodeCommit([envelope("late", 1)]));
    await expect(view.getLatest("late")).rejects.toMatchObject({ code: 503, data: { nothingDone: true } });
  });

  it("caughtUp: the whole view holds what the stream holds when asked, or the read answers 503", async () => {
    const { projection, view } = await setup();
    view.freshness.follow(projection);
    await projection.start();
    await publishMany(c.events, system, 3, { aggregates: 3 });
    await view.caughtUp();
    expect((await view.all()).map((r) => r.id).sort()).toEqual(["c0", "c1", "c2"]);
    await projection.stop();
    await c.events.js.publish(`${system}.counter.late`, encodeCommit([envelope("late", 1)]));
    await expect(view.caughtUp()).rejects.toMatchObject({ code: 503, data: { nothingDone: true } });
  });

  it("is ready at once on an empty stream", async () => {
    const { projection, view } = await setup();
    await projection.start();
    expect(projection.ready).toBe(true);
    expect(projection.seq).toBe(0);
    expect(await view.all()).toEqual([]);
  });

  it("only counts its own filter: events outside it do not hold readiness back", async () => {
    await publishMany(c.events, system, 20);
    // Something else in the same stream, after the view's events.
    await c.events.js.publish(`${system}.other.x`, new TextEncoder().encode("[]"));
    const store = await openStore(tempDir(), "0");
    const view = totalsOf(() => store, system);
    const projector = { ...view.projector(), filter: `${system}.counter.>` };
    const projection = new Projection(c.events, store, stream, projector, recordingLogger());
    cleanups.push(async () => {
      await projection.stop();
      await store.close();
    });
    await projection.start();
    expect(projection.ready).toBe(true);
    expect((await view.all()).reduce((n, r) => n + r.count, 0)).toBe(20);
  });

  it("applies each event exactly once across stops and restarts at arbitrary points", async () => {
    const dir = tempDir();
    const published: Array<{ aggregateId: string; by: number }> = [];
    const stoppedAt: number[] = [];
    let previous = 0;
    // 2,000 events in 10 rounds: in each, 100 arrive while the instance is down
    // and 100 while it runs; it is stopped after an arbitrary number of commits.
    for (let round = 0; round < 10; round++) {
      published.push(...(await publishMany(c.events, system, 100, { aggregates: 13 })));
      const stopAfter = round === 3 ? 0 : 1 + Math.floor(Math.random() * 150);
      let applied = 0;
      let reached!: () => void;
      const point = new Promise<void>((r) => {
        reached = r;
      });
      if (stopAfter === 0) reached(); // stopped while it is still starting
      const { projection, close } = await setup(dir, (p) => ({
        ...p,
        apply(batch, commit) {
          if (++applied === stopAfter) reached();
          return p.apply(batch, commit);
        },
      }));
      const starting = projection.start();
      const arriving = publishMany(c.events, system, 100, { aggregates: 13, parallel: 5 });
      await Promise.race([point, starting]);
      if (round % 2 === 0) {
        // The same object stopped and started again (one process)…
        await projection.stop();
        await starting;
        expect(projection.seq, `round ${round}: ${stoppedAt}`).toBeGreaterThanOrEqual(previous);
        const again = projection.start();
        await Promise.race([again, sleep(Math.floor(Math.random() * 15))]);
        await projection.stop();
        await again;
      }
      // …and the store closed and opened again (a new process).
      await close();
      await starting;
      published.push(...(await arriving));
      // The position only moves forward.
      expect(projection.seq, `round ${round}: ${stoppedAt}`).toBeGreaterThanOrEqual(previous);
      previous = projection.seq;
      stoppedAt.push(previous);
    }
    const { projection, view, store } = await setup(dir);
    await projection.start();
    const last = await c.events.lastSeq(stream);
    expect(last).toBe(2000);
    expect(await projection.waitFor(last, 5000)).toBe(true);
    const rows = await view.all();
    expect(
      rows.reduce((n, r) => n + r.count, 0),
      `stopped at ${stoppedAt}`,
    ).toBe(2000);
    expect(withoutLastSeen(rows)).toEqual(expectedTotals(published));
    await expectIndexesMatchRows(store);
    // It was really stopped mid-stream, at many points.
    expect(new Set(stoppedAt.filter((s) => s > 0 && s < 2000)).size, `stopped at ${stoppedAt}`).toBeGreaterThanOrEqual(
      5,
    );
  });

  it("a stop while it is starting does not leave start() hanging", async () => {
    await publishMany(c.events, system, 50);
    const { projection } = await setup();
    const starting = projection.start();
    await projection.stop();
    const settled = await Promise.race([starting.then(() => "settled"), sleep(2000).then(() => "hanging")]);
    expect(settled).toBe("settled");
    // And it can start for real afterwards.
    await projection.start();
    expect(projection.ready).toBe(true);
    expect(projection.seq).toBe(50);
  });

  it("answers a caller waiting for a commit only once the batch holding it is on disk", async () => {
    const { projection, store } = await setup();
    await projection.start();
    const write = store.write.bind(store);
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    store.write = async (ops) => {
      await held;
      return write(ops);
    };
    await publishMany(c.events, system, 3);
    const last = await c.events.lastSeq(stream);
    let answered = false;
    const waiting = projection.waitFor(last, 0).then((ok) => {
      answered = true;
      return ok;
    });
    await sleep(300);
    expect(answered).toBe(false);
    expect(projection.seq).toBeLessThan(last);
    release();
    expect(await waiting).toBe(true);
    expect(projection.seq).toBe(last);
  });

  it("a failure in the middle of a batch replays from the committed position, applying nothing twice", async () => {
    const published = await publishMany(c.events, system, 1500);
    let calls = 0;
    let failed = 0;
    // The projector fails once, deep in the first batch (after ~777 commits were put into it).
    const failOnce = (p: Projector): Projector => ({
      ...p,
      apply(batch, commit) {
        calls++;
        if (calls === 777 && failed === 0) {
          failed++;
          throw new Error("disk hiccup");
        }
        return p.apply(batch, commit);
      },
    });
    const { projection, view, logger, store } = await setup(undefined, failOnce);
    await projection.start();
    expect(failed).toBe(1);
    expect(logger.lines.some((l) => l.level === "error" && /disk hiccup/.test(l.text))).toBe(true);
    expect(projection.seq).toBe(await c.events.lastSeq(stream));
    expect(withoutLastSeen(await view.all())).toEqual(expectedTotals(published));
    await expectIndexesMatchRows(store);
  });

  it("a deleted LevelDB folder is rebuilt from the stream with identical rows", async () => {
    await publishMany(c.events, system, 1200, { aggregates: 37 });
    const first = await setup();
    await first.projection.start();
    const rows = await first.store.list("view:totals");
    const entries = await first.store.list("idx:view:totals");
    const seq = first.projection.seq;
    expect(rows).toHaveLength(37);
    expect(entries).toHaveLength(74);
    await first.close();

    rmSync(first.dir, { recursive: true, force: true });
    const again = await setup(first.dir);
    expect(await again.store.list("view:totals")).toEqual([]);
    await again.projection.start();
    expect(again.projection.seq).toBe(seq);
    expect(await again.store.list("view:totals")).toEqual(rows);
    expect(await again.store.list("idx:view:totals")).toEqual(entries);
  });

  it("a copy written before its indexes were declared is replayed on start, and then has every entry", async () => {
    const published = await publishMany(c.events, system, 300, { aggregates: 11 });
    const dir = tempDir();
    const plain = await setup(dir, undefined, false);
    await plain.projection.start();
    expect(await plain.store.list("idx:view:totals")).toEqual([]);
    await plain.close();

    const indexed = await setup(dir);
    await indexed.projection.start();
    expect(indexed.projection.seq).toBe(await c.events.lastSeq(stream));
    expect(withoutLastSeen(await indexed.view.all())).toEqual(expectedTotals(published));
    await expectIndexesMatchRows(indexed.store);
    // The same declarations next time: nothing is replayed.
    await indexed.close();
    let applied = 0;
    const counted = await setup(dir, (p) => ({
      ...p,
      apply(batch, commit) {
        applied++;
        return p.apply(batch, commit);
      },
    }));
    await counted.projection.start();
    expect(applied).toBe(0);
  });

  it("rebuild() forgets the rows and the position and replays them identically", async () => {
    await publishMany(c.events, system, 800, { aggregates: 20 });
    const { projection, store } = await setup();
    await projection.start();
    const rows = await store.list("view:totals");
    const seq = projection.seq;
    // Rows left from an older version of the view are gone after a rebuild.
    await store.section("view:totals").put("stale", { id: "stale", count: 99, sum: 99, lastSeen: "" });
    const entries = await store.list("idx:view:totals");
    await projection.rebuild();
    expect(projection.ready).toBe(true);
    expect(projection.seq).toBe(seq);
    expect(await store.list("view:totals")).toEqual(rows);
    expect(await store.list("idx:view:totals")).toEqual(entries);
    // And it keeps following afterwards.
    await publishMany(c.events, system, 10, { aggregates: 20 });
    expect(await projection.waitFor(await c.events.lastSeq(stream), 5000)).toBe(true);
    expect((await store.list<Totals>("view:totals")).reduce((n, r) => n + r.value.count, 0)).toBe(810);
  });

  it("recovers when its consumer disappears from the server (e.g. a nats-server restart) while events arrive", async () => {
    const { projection, view } = await setup();
    await projection.start();
    const jsm = await c.events.jsm();
    const publishing = publishMany(c.events, system, 600, { parallel: 20 });
    await sleep(30);
    // The ephemeral consumer lives in memory only: a server restart forgets it. Delete it under the projection.
    for (const ci of await jsm.consumers.list(stream).next()) await jsm.consumers.delete(stream, ci.name);
    const published = await publishing;
    const last = await c.events.lastSeq(stream);
    expect(await projection.waitFor(last, 8000)).toBe(true);
    expect(withoutLastSeen(await view.all())).toEqual(expectedTotals(published));
  });

  it("keeps following after an interruption between two batches (stop, events arrive, start)", async () => {
    const { projection, view } = await setup();
    await projection.start();
    const a = await publishMany(c.events, system, 100);
    await eventually(async () => expect(projection.seq).toBe(await c.events.lastSeq(stream)));
    await projection.stop();
    const b = await publishMany(c.events, system, 100);
    expect(projection.seq).toBe(100);
    await projection.start();
    expect(projection.seq).toBe(200);
    expect(withoutLastSeen(await view.all())).toEqual(expectedTotals([...a, ...b]));
  });
});
