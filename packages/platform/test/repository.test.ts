import { headers } from "nats";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PREV_HEADER } from "../src/chain.js";
import { Refusal } from "../src/domain.js";
import { ApiError } from "../src/errors.js";
import { ConcurrencyError, encodeCommit, streamName, subjectOf } from "../src/event-store.js";
import { idTime } from "../src/ids.js";
import { causedBy, type Snapshot } from "../src/repository.js";
import {
  type Connected,
  type CounterState,
  commitSubjectIn,
  connectEvents,
  countOn,
  dropStream,
  envelope,
  type Instance,
  sleep,
  startInstance,
  uniqueSystem,
} from "./helpers.js";

describe("Repository", () => {
  let c: Connected;
  let system: string;
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    c = await connectEvents();
    system = uniqueSystem();
    await c.events.ensureStream(system);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const f of cleanups.splice(0).reverse()) await f();
    await dropStream(c.events, system);
    await c.close();
  });

  const instance = async (connected: Connected = c, opts: { dir?: string; retries?: number } = {}) => {
    const i = await startInstance(connected, system, opts);
    cleanups.push(() => i.stop());
    return i;
  };
  const connection = async () => {
    const other = await connectEvents();
    cleanups.push(() => other.close());
    return other;
  };
  const subject = (id: string) => subjectOf(system, "counter", id);

  it("execute appends one commit and the instance's LevelDB holds the new state with its sequence", async () => {
    const a = await instance();
    const out = await a.repo.execute("k1", { type: "Add", by: 3 }, { correlationId: "corr-1" });
    expect(out.state).toEqual({ status: "Counting", total: 3, adds: 1 });
    expect(out.events).toHaveLength(1);
    expect(out.events[0]).toMatchObject({
      type: "Added",
      aggregate: "counter",
      aggregateId: "k1",
      correlationId: "corr-1",
      version: 1,
      data: { by: 3 },
    });
    expect(out.events[0]?.causationId).toBeUndefined();

    // Answered once stored in the stream; reads through the repository wait
    // for the follower, so the write is readable right away, and then the
    // instance's LevelDB holds it with its sequence.
    const seq = await c.events.lastSeqOf(streamName(system), subject("k1"));
    expect(await a.repo.get("k1")).toEqual({ status: "Counting", total: 3, adds: 1 });
    expect(await a.store.get<Snapshot<CounterState>>("agg:counter", "k1")).toEqual({
      seq,
      state: { status: "Counting", total: 3, adds: 1 },
    });

    const out2 = await a.repo.execute("k1", { type: "Add", by: 4 }, { correlationId: "corr-1" });
    expect(out2.state).toEqual({ status: "Counting", total: 7, adds: 2 });
    expect(await a.repo.get("k1")).toEqual({ status: "Counting", total: 7, adds: 2 });
    expect(await a.repo.getLatest("k1")).toEqual({ status: "Counting", total: 7, adds: 2 });
    expect(await a.repo.get("nobody")).toBeUndefined();
    expect(await a.repo.getLatest("nobody")).toBeUndefined();
    expect(await countOn(c.events, system, subject("k1"))).toBe(2);

    await a.repo.execute("k2", { type: "Add", by: 1 }, { correlationId: "corr-2" });
    expect(await a.repo.all()).toEqual([
      { status: "Counting", total: 7, adds: 2 },
      { status: "Counting", total: 1, adds: 1 },
    ]);
  });

  it("a refusal is thrown as it is and appends nothing", async () => {
    const a = await instance();
    await expect(a.repo.execute("r", { type: "Reject" }, { correlationId: "r" })).rejects.toBeInstanceOf(Refusal);
    expect(await countOn(c.events, system, subject("r"))).toBe(0);
    expect(await a.repo.get("r")).toBeUndefined();

    await a.repo.execute("r", { type: "Add", by: 2 }, { correlationId: "r" });
    const err = await a.repo.execute("r", { type: "Add", by: -1 }, { correlationId: "r" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Refusal);
    expect(err).toMatchObject({ status: 409, rule: "NotPositive" });
    expect(await countOn(c.events, system, subject("r"))).toBe(1);
    expect(await a.repo.getLatest("r")).toEqual({ status: "Counting", total: 2, adds: 1 });
  });

  it("a command that decides nothing appends nothing and answers the current state", async () => {
    const a = await instance();
    await expect(a.repo.execute("n", { type: "Nothing" }, { correlationId: "n" })).rejects.toThrow(/produced nothing/);
    await a.repo.execute("n", { type: "Add", by: 5 }, { correlationId: "n" });
    const out = await a.repo.execute("n", { type: "Nothing" }, { correlationId: "n" });
    expect(out).toEqual({ state: { status: "Counting", total: 5, adds: 1 }, events: [] });
    expect(await countOn(c.events, system, subject("n"))).toBe(1);
  });

  it("a void commit (one that names a predecessor already followed) counts for no reader; the next command names the valid tip", async () => {
    const a = await instance();
    const first = await a.repo.execute("v", { type: "Add", by: 1 }, { correlationId: "v" });
    const tip = await c.events.lastSeqOf(streamName(system), subject("v"));
    // What a replicated stream may store: a second commit decided on the state before `tip`.
    const h = headers();
    h.set(PREV_HEADER, "0");
    const lostSubject = await commitSubjectIn(c.events, subject("v"));
    const lost = await c.events.js.publish(lostSubject, encodeCommit([envelope("v", 100)]), { headers: h });
    expect(first.events).toHaveLength(1);

    const out = await a.repo.execute("v", { type: "Add", by: 2 }, { correlationId: "v" });
    expect(out.state).toEqual({ status: "Counting", total: 3, adds: 2 });
    const last = await c.events.lastSeqOf(streamName(system), subject("v"));
    const stored = await (await c.events.jsm()).streams.getMessage(streamName(system), { seq: last });
    expect(stored.seq).toBeGreaterThan(lost.seq);
    expect(stored.header.get(PREV_HEADER)).toBe(String(tip));
    // A copy made from the stream skips it too, and the writer knows the subject's last message.
    const late = await instance(await connection());
    expect(await late.repo.get("v")).toEqual({ status: "Counting", total: 3, adds: 2 });
    expect(await a.store.get<Snapshot<CounterState>>("agg:counter", "v")).toEqual({
      seq: stored.seq,
      state: { status: "Counting", total: 3, adds: 2 },
    });
  });

  it("another instance (own LevelDB, own connection) sees the write: getLatest waits for it", async () => {
    const a = await instance();
    const b = await instance(await connection());
    await a.repo.execute("x", { type: "Add", by: 2 }, { correlationId: "x" });
    expect(await b.repo.getLatest("x")).toEqual({ status: "Counting", total: 2, adds: 1 });
    // b decides on top of a's write (its local copy is current), a on top of b's.
    await b.repo.execute("x", { type: "Add", by: 3 }, { correlationId: "x" });
    expect(await a.repo.getLatest("x")).toEqual({ status: "Counting", total: 5, adds: 2 });
    // A late instance catches up from the stream before it starts.
    const late = await instance(await connection());
    expect(late.follower.ready).toBe(true);
    expect(await late.repo.get("x")).toEqual({ status: "Counting", total: 5, adds: 2 });
  });

  it('an instance whose copy cannot catch up answers 503, never "not found" for what exists', async () => {
    const a = await instance();
    const b = await instance(await connection());
    await b.follower.stop(); // b's copy stops following (as when cut off or rebuilding)
    await a.repo.execute("y", { type: "Add", by: 1 }, { correlationId: "y" });
    await expect(b.repo.getLatest("y")).rejects.toMatchObject({ code: 503 });
    // A command on b must not decide on a copy that lacks a's write either.
    await expect(b.repo.execute("y", { type: "Add", by: 1 }, { correlationId: "y" })).rejects.toMatchObject({
      code: 503,
    });
    expect(await a.repo.getLatest("y")).toEqual({ status: "Counting", total: 1, adds: 1 });
  });

  it("two instances racing 50 commands on one aggregate lose no update", async () => {
    const other = await connection();
    const a = await instance();
    const b = await instance(other);
    // Count the lost races (the real appends run; this only watches them).
    let lost = 0;
    for (const store of [c.events, other.events]) {
      const append = store.appendCommit.bind(store);
      vi.spyOn(store, "appendCommit").mockImplementation(async (...args) => {
        try {
          return await append(...args);
        } catch (err) {
          if (err instanceof ConcurrencyError) lost++;
          throw err;
        }
      });
    }
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 === 0 ? a : b).repo
          .execute("hot", { type: "Add", by: i + 1 }, { correlationId: "hot" })
          .then(() => i + 1),
      ),
    );
    const ok = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const failed = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    for (const err of failed) {
      // Only the bounded "too many concurrent changes" answer may come back.
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ code: 503, type: "ServiceUnavailable" });
    }
    expect(ok.length).toBeGreaterThanOrEqual(40);
    expect(lost).toBeGreaterThan(0); // they did race
    const expected = { status: "Counting", total: ok.reduce((s, by) => s + by, 0), adds: ok.length };
    expect(await countOn(c.events, system, subject("hot"))).toBe(ok.length);
    expect(await a.repo.getLatest("hot")).toEqual(expected);
    expect(await b.repo.getLatest("hot")).toEqual(expected);
  });

  it("gives up after `retries` lost races with 503 and appends nothing for that command", async () => {
    // An instance that never retries, racing one that keeps writing.
    const slow = await instance(c, { retries: 0 });
    const fast = await instance(await connection());
    await fast.repo.execute("z", { type: "Add", by: 1 }, { correlationId: "z" });
    await slow.follower.waitFor(await c.events.lastSeqOf(streamName(system), subject("z")), 2000);
    // Make slow's local copy stale: stop its follower, write elsewhere, start it again only after the attempt.
    await slow.follower.stop();
    await fast.repo.execute("z", { type: "Add", by: 1 }, { correlationId: "z" });
    const err = await slow.repo.execute("z", { type: "Add", by: 100 }, { correlationId: "z" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 503, type: "ServiceUnavailable" });
    expect(await countOn(c.events, system, subject("z"))).toBe(2);
    await slow.follower.start();
    expect(await slow.repo.getLatest("z")).toEqual({ status: "Counting", total: 2, adds: 2 });
  });

  it("causedBy gives deterministic ids: a re-executed reaction adds nothing", async () => {
    const a = await instance();
    const b = await instance(await connection());
    const cause = envelope("order-1", 1, { type: "OrderPlaced", aggregate: "order", correlationId: "order-1" });
    const opts = causedBy(cause, "counter-on-order");
    expect(opts).toMatchObject({ correlationId: "order-1", causationId: cause.id });

    const first = await a.repo.execute("pay-1", { type: "Add", by: 5 }, opts);
    expect(first.events[0]).toMatchObject({ correlationId: "order-1", causationId: cause.id });
    expect(idTime(first.events[0]?.id ?? "")).toBe(Date.parse(cause.occurredAt));

    // The same reaction again, on the same instance and on another one (a redelivered event).
    const again = await a.repo.execute("pay-1", { type: "Add", by: 5 }, causedBy(cause, "counter-on-order"));
    const elsewhere = await b.repo.execute("pay-1", { type: "Add", by: 5 }, causedBy(cause, "counter-on-order"));
    // Same ids → the server dropped both copies; the answers say nothing was appended.
    expect(again.events).toEqual([]);
    expect(elsewhere.events).toEqual([]);

    expect(await countOn(c.events, system, subject("pay-1"))).toBe(1);
    expect(await a.repo.getLatest("pay-1")).toEqual({ status: "Counting", total: 5, adds: 1 });
    expect(await b.repo.getLatest("pay-1")).toEqual({ status: "Counting", total: 5, adds: 1 });
    // The answer of a re-execution is the state that is stored, not a second application.
    expect(again.state).toEqual({ status: "Counting", total: 5, adds: 1 });
    expect(elsewhere.state).toEqual({ status: "Counting", total: 5, adds: 1 });

    // A different reactor (or a different cause) is a different command.
    await a.repo.execute("pay-1", { type: "Add", by: 5 }, causedBy(cause, "another-reactor"));
    expect(await a.repo.getLatest("pay-1")).toEqual({ status: "Counting", total: 10, adds: 2 });
  });

  it("the same seed on two aggregates gives two different ids: neither append is taken for a copy", async () => {
    const a = await instance();
    const seeded = { correlationId: "order-9", idSeed: "cancel:order-9", idTime: 1_700_000_000_000 };
    const one = await a.repo.execute("k-one", { type: "Add", by: 1 }, seeded);
    const two = await a.repo.execute("k-two", { type: "Add", by: 2 }, seeded);
    expect(one.events).toHaveLength(1);
    expect(two.events).toHaveLength(1);
    expect(one.events[0]?.id).not.toBe(two.events[0]?.id);
    expect(await countOn(c.events, system, subject("k-two"))).toBe(1);
    expect(await a.repo.getLatest("k-two")).toEqual({ status: "Counting", total: 2, adds: 1 });
  });

  it("exclusive runs a multi-step command while no other command of the instance touches the aggregate", async () => {
    const a: Instance = await instance();
    const order: string[] = [];
    const long = a.repo.exclusive("e", async (execute) => {
      order.push("long:start");
      await execute({ type: "Add", by: 1 }, { correlationId: "e" });
      await sleep(50);
      await execute({ type: "Add", by: 1 }, { correlationId: "e" });
      order.push("long:end");
    });
    const short = a.repo.execute("e", { type: "Add", by: 10 }, { correlationId: "e" }).then((o) => {
      order.push("short");
      return o;
    });
    await Promise.all([long, short]);
    expect(order).toEqual(["long:start", "long:end", "short"]);
    expect((await short).state).toEqual({ status: "Counting", total: 12, adds: 3 });
  });
});
