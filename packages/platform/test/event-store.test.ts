import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ConcurrencyError,
  encodeCommit,
  replicationRefusal,
  streamName,
  subjectOf,
  versionAtLeast,
} from "../src/event-store.js";
import { type Connected, connectEvents, countOn, dropStream, envelope, uniqueSystem } from "./helpers.js";

const NS = 1e9;

describe("EventStore", () => {
  let c: Connected;
  let system: string;

  beforeEach(async () => {
    c = await connectEvents();
    system = uniqueSystem();
  });
  afterEach(async () => {
    await dropStream(c.events, system);
    await c.close();
  });

  it("names one stream per system and one subject per aggregate", () => {
    expect(streamName("mall")).toBe("MALL");
    expect(subjectOf("mall", "order", "01ABC")).toBe("mall.order.01ABC");
  });

  it("ensureStream creates the stream with the configured limits", async () => {
    await c.events.ensureStream(system);
    const info = await (await c.events.jsm()).streams.info(streamName(system));
    expect(info.config.subjects).toEqual([`${system}.>`]);
    expect(info.config.storage).toBe("file");
    expect(info.config.retention).toBe("limits");
    expect(info.config.num_replicas).toBe(1);
    expect(info.config.duplicate_window).toBe(c.config.STREAM_DUPLICATE_WINDOW_SECONDS * NS);
    expect(info.config.max_age).toBe(0);
    expect(info.config.max_bytes).toBe(-1);
    // A second call with the same config changes nothing.
    await c.events.ensureStream(system);
    const again = await (await c.events.jsm()).streams.info(streamName(system));
    expect(again.created).toBe(info.created);
    expect(again.config).toEqual(info.config);
  });

  it("ensureStream brings the limits in line when the config changes, keeping the events", async () => {
    await c.events.ensureStream(system);
    await c.events.appendCommit(subjectOf(system, "counter", "a"), [envelope("a", 1)], 0);

    const changed = await connectEvents({
      STREAM_DUPLICATE_WINDOW_SECONDS: 120,
      STREAM_MAX_AGE_DAYS: 7,
      STREAM_MAX_BYTES: 50_000_000,
    });
    try {
      await changed.events.ensureStream(system);
      const info = await (await changed.events.jsm()).streams.info(streamName(system));
      expect(info.config.duplicate_window).toBe(120 * NS);
      expect(info.config.max_age).toBe(7 * 86_400 * NS);
      expect(info.config.max_bytes).toBe(50_000_000);
      expect(info.config.num_replicas).toBe(1);
      expect(info.config.subjects).toEqual([`${system}.>`]);
      expect(info.state.messages).toBe(1);
    } finally {
      await changed.close();
    }
  });

  it("ensureStream passes STREAM_REPLICAS to the server (a single server refuses more than 1)", async () => {
    const three = await connectEvents({ STREAM_REPLICAS: 3 });
    try {
      await expect(three.events.ensureStream(system)).rejects.toThrow(/replicas > 1 not supported/);
    } finally {
      await three.close();
    }
  });

  it("ensureStream is safe when several nodes create the stream at once", async () => {
    const others = await Promise.all([connectEvents(), connectEvents(), connectEvents()]);
    try {
      await Promise.all([c, ...others].map((o) => o.events.ensureStream(system)));
      const info = await (await c.events.jsm()).streams.info(streamName(system));
      expect(info.config.subjects).toEqual([`${system}.>`]);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });

  it("ensureDeadLetters makes the DEADLETTER stream over deadletter.>", async () => {
    await c.events.ensureDeadLetters();
    const info = await (await c.events.jsm()).streams.info("DEADLETTER");
    expect(info.config.subjects).toEqual(["deadletter.>"]);
  });

  it("append with expected sequence 0 creates; a second create fails with ConcurrencyError", async () => {
    await c.events.ensureStream(system);
    const subject = subjectOf(system, "counter", "x");
    const seq = (await c.events.appendCommit(subject, [envelope("x", 1)], 0)).seq;
    expect(seq).toBeGreaterThan(0);
    await expect(c.events.appendCommit(subject, [envelope("x", 2)], 0)).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(c.events.appendCommit(subject, [envelope("x", 2)], 0)).rejects.toMatchObject({ subject });
    expect(await countOn(c.events, system, subject)).toBe(1);
  });

  it("on a typed stream the subject names the type, and one expected sequence covers every type of an aggregate", async () => {
    await c.events.ensureStream(system);
    const stream = streamName(system);
    expect(await c.events.typed(stream)).toBe(versionAtLeast(c.nc.info?.version ?? "0.0.0", [2, 11, 0]));
    if (!(await c.events.typed(stream))) return; // an older server: one subject per aggregate (the test below)
    const subject = subjectOf(system, "counter", "t");
    const added = (await c.events.appendCommit(subject, [envelope("t", 1)], 0)).seq;
    // Another type decided on the empty aggregate: refused, though its own subject is empty.
    const closed = [envelope("t", 0, { type: "Closed" })];
    await expect(c.events.appendCommit(subject, closed, 0)).rejects.toBeInstanceOf(ConcurrencyError);
    const after = (await c.events.appendCommit(subject, closed, added)).seq;
    const mixed = (await c.events.appendCommit(subject, [envelope("t", 2), ...closed], after)).seq;
    const jsm = await c.events.jsm();
    const subjects = await Promise.all(
      [added, after, mixed].map(async (seq) => (await jsm.streams.getMessage(stream, { seq })).subject),
    );
    expect(subjects).toEqual([`${subject}.Added`, `${subject}.Closed`, `${subject}._`]);
    expect(await c.events.lastSeqOf(stream, subject)).toBe(mixed);
    expect(await countOn(c.events, system, subject)).toBe(3);
  });

  it("a stream made before subjects named types keeps one subject per aggregate", async () => {
    const stream = streamName(system);
    await (await c.events.jsm()).streams.add({ name: stream, subjects: [`${system}.>`] });
    await c.events.ensureStream(system);
    expect(await c.events.typed(stream)).toBe(false);
    const subject = subjectOf(system, "counter", "l");
    const first = (await c.events.appendCommit(subject, [envelope("l", 1)], 0)).seq;
    await expect(c.events.appendCommit(subject, [envelope("l", 2)], 0)).rejects.toBeInstanceOf(ConcurrencyError);
    const m = await (await c.events.jsm()).streams.getMessage(stream, { seq: first });
    expect(m.subject).toBe(subject);
    expect(await c.events.lastSeqOf(stream, subject)).toBe(first);
  });

  it("a stale expected sequence fails; the current one succeeds", async () => {
    await c.events.ensureStream(system);
    const subject = subjectOf(system, "counter", "x");
    const s1 = (await c.events.appendCommit(subject, [envelope("x", 1)], 0)).seq;
    const s2 = (await c.events.appendCommit(subject, [envelope("x", 2)], s1)).seq;
    expect(s2).toBeGreaterThan(s1);
    await expect(c.events.appendCommit(subject, [envelope("x", 3)], s1)).rejects.toBeInstanceOf(ConcurrencyError);
    // A sequence from the future is as wrong as a stale one.
    await expect(c.events.appendCommit(subject, [envelope("x", 3)], s2 + 100)).rejects.toBeInstanceOf(ConcurrencyError);
    const s3 = (await c.events.appendCommit(subject, [envelope("x", 3)], s2)).seq;
    expect(s3).toBeGreaterThan(s2);
    expect(await countOn(c.events, system, subject)).toBe(3);
  });

  it("expected sequences are per aggregate subject, not per stream", async () => {
    await c.events.ensureStream(system);
    const a = subjectOf(system, "counter", "a");
    const b = subjectOf(system, "counter", "b");
    const o = subjectOf(system, "other", "a");
    const sa = (await c.events.appendCommit(a, [envelope("a", 1)], 0)).seq;
    const sb = (await c.events.appendCommit(b, [envelope("b", 1)], 0)).seq;
    const so = (await c.events.appendCommit(o, [envelope("a", 1, { aggregate: "other" })], 0)).seq;
    expect([sa, sb, so]).toEqual([sa, sa + 1, sa + 2]);
    // a's last sequence is still sa although the stream moved on.
    await c.events.appendCommit(a, [envelope("a", 2)], sa);
    expect(await c.events.lastSeqOf(streamName(system), a)).toBe(so + 1);
    expect(await c.events.lastSeqOf(streamName(system), b)).toBe(sb);
    expect(await c.events.lastSeqOf(streamName(system), o)).toBe(so);
    expect(await c.events.lastSeq(streamName(system))).toBe(so + 1);
  });

  it("a re-published commit (same first event id) is dropped by the server", async () => {
    await c.events.ensureStream(system);
    const subject = subjectOf(system, "counter", "d");
    const commit = [envelope("d", 1), envelope("d", 2)];
    const first = await c.events.appendCommit(subject, commit, 0);
    expect(first.duplicate).toBe(false);
    const s1 = first.seq;
    // Same msg id: answered with the original sequence, whichever check the server makes first.
    const again = (await c.events.appendCommit(subject, commit, 0)).seq;
    expect(again).toBe(s1);
    expect(await c.events.appendCommit(subject, commit, 0)).toEqual({ seq: s1, duplicate: true });
    const raw = await c.events.js.publish(subject, encodeCommit(commit), { msgID: commit[0]?.id });
    expect(raw.duplicate).toBe(true);
    expect(raw.seq).toBe(s1);
    expect(await countOn(c.events, system, subject)).toBe(1);
    const info = await (await c.events.jsm()).streams.info(streamName(system));
    expect(info.state.messages).toBe(1);
  });

  it("stores a commit's events as one message, in order", async () => {
    await c.events.ensureStream(system);
    const subject = subjectOf(system, "counter", "m");
    const commit = [envelope("m", 1), envelope("m", 2), envelope("m", 3)];
    const seq = (await c.events.appendCommit(subject, commit, 0)).seq;
    const m = await (await c.events.jsm()).streams.getMessage(streamName(system), { seq });
    expect(m.subject).toBe((await c.events.typed(streamName(system))) ? `${subject}.Added` : subject);
    expect(m.header?.get("Nats-Msg-Id")).toBe(commit[0]?.id);
    expect(JSON.parse(new TextDecoder().decode(m.data))).toEqual(commit);
  });

  it("refuses an empty commit", async () => {
    await expect(c.events.appendCommit(subjectOf(system, "counter", "e"), [], 0)).rejects.toThrow(/empty commit/);
  });

  it("lastSeqOf is 0 for a subject without messages, also with a wildcard filter", async () => {
    await c.events.ensureStream(system);
    const stream = streamName(system);
    expect(await c.events.lastSeqOf(stream, subjectOf(system, "counter", "nobody"))).toBe(0);
    expect(await c.events.lastSeqOf(stream, `${system}.counter.>`)).toBe(0);
    const seq = (await c.events.appendCommit(subjectOf(system, "counter", "one"), [envelope("one", 1)], 0)).seq;
    await c.events.appendCommit(subjectOf(system, "other", "one"), [envelope("one", 1, { aggregate: "other" })], 0);
    // Projections use a wildcard filter to find where they must catch up to.
    expect(await c.events.lastSeqOf(stream, `${system}.counter.>`)).toBe(seq);
    expect(await c.events.lastSeqOf(stream, `${system}.>`)).toBe(seq + 1);
    expect(await c.events.lastSeqOf(stream, subjectOf(system, "counter", "nobody"))).toBe(0);
  });

  it("lastSeq fails on a missing stream", async () => {
    await expect(c.events.lastSeq(streamName(system))).rejects.toThrow();
  });

  it("a replicated stream needs 2.9 (appends verified) or 2.11 and later (checked by the server), not 2.10", () => {
    for (const ok of ["2.9.10", "2.11.0", "2.11.4", "2.15.1", "3.0.0-beta"])
      expect(replicationRefusal(ok)).toBeUndefined();
    expect(replicationRefusal("2.8.4")).toMatch(/cannot verify appends/);
    expect(replicationRefusal("1.4.1")).toMatch(/cannot verify appends/);
    expect(replicationRefusal("2.10.27")).toMatch(/without storing it/);
    expect(versionAtLeast("2.10.0", [2, 9, 21])).toBe(true);
    expect(versionAtLeast("2.9.20", [2, 9, 21])).toBe(false);
  });
});
