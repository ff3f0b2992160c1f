import { Type as T } from "@sinclair/typebox";
import { type Context, ServiceBroker } from "moleculer";
import { AckPolicy, DeliverPolicy } from "nats";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defineEvents } from "../src/contracts/events.js";
import { streamName, subjectOf } from "../src/event-store.js";
import type { Runtime } from "../src/node.js";
import { execute } from "../src/reaction.js";
import { ServiceKit } from "../src/service-kit.js";
import { TypeBoxValidator } from "../src/validator.js";
import { eventually } from "../testing/index.js";
import {
  type Connected,
  type CounterEvent,
  connectEvents,
  counter,
  countOn,
  dropStream,
  runtimeOf,
  uniqueSystem,
} from "./helpers.js";

const eventSchemas = { Added: T.Object({ by: T.Integer({ minimum: 1 }) }, { additionalProperties: false }) };

/** `<system>.counter` (aggregate + view) and `<system>.audit` (a policy that counts every Added once). */
function services(rt: Runtime, system: string) {
  const counterKit = new ServiceKit(rt, `${system}.counter`, { eventSchemas });
  const counters = counterKit.aggregate(counter);
  const totals = counterKit.view<{ id: string; sum: number }>({
    name: "totals",
    key: (e) => e.aggregateId,
    on: { Added: (row, e) => ({ id: e.aggregateId, sum: (row?.sum ?? 0) + (e.data as { by: number }).by }) },
    filter: `${system}.counter.>`,
  });
  const auditKit = new ServiceKit(rt, `${system}.audit`, { eventSchemas });
  const audit = { ...counter, name: "audit" };
  const audits = auditKit.aggregate(audit);
  auditKit.react<CounterEvent>({
    // The policy sees the whole system, its own events too.
    Added: (e) => (e.aggregate === "counter" ? [execute(audit, e.aggregateId, { type: "Add", by: 1 })] : []),
  });
  return {
    counterKit,
    auditKit,
    counters,
    audits,
    totals,
    schemas: [
      {
        name: `${system}.counter`,
        mixins: [counterKit.mixin()],
        actions: {
          add: (ctx: Context<{ id: string; by: number }>) =>
            counters.execute(ctx.params.id, { type: "Add", by: ctx.params.by }, { correlationId: ctx.params.id }),
        },
      },
      { name: `${system}.audit`, mixins: [auditKit.mixin()] },
    ],
  };
}

describe("ServiceKit", () => {
  let c: Connected;
  let system: string;
  let broker: ServiceBroker;

  beforeEach(async () => {
    c = await connectEvents({ POLICY_BACKOFF_MS: 20, POLICY_ACK_WAIT_MS: 1000 });
    system = uniqueSystem();
  });
  afterEach(async () => {
    await broker?.stop();
    await dropStream(c.events, system);
    for (const durable of [`${system}-audit`, `${system}-audit-counter`]) {
      await (await c.events.jsm()).consumers.delete(streamName(system), durable).catch(() => {});
    }
    await c.close();
  });

  const startBroker = async () => {
    broker = new ServiceBroker({ logger: false, nodeID: `kit-${system}`, validator: new TypeBoxValidator() });
    const rt = runtimeOf(c, broker);
    const wired = services(rt, system);
    for (const schema of wired.schemas) broker.createService(schema);
    await broker.start();
    return { ...wired, rt };
  };

  it("wires stream, store, follower, view and policy into a service's lifecycle", async () => {
    const { counters, audits, totals, rt } = await startBroker();
    // Started: the stream exists, every projection reports ready.
    expect((await (await c.events.jsm()).streams.info(streamName(system))).config.subjects).toEqual([`${system}.>`]);
    const ready = rt.health.readiness();
    expect(ready.ready).toBe(true);
    expect(Object.keys(ready.checks).sort()).toEqual(
      [
        `${system}.audit agg:audit`,
        `${system}.audit writes`,
        `${system}.counter agg:counter`,
        `${system}.counter view:totals`,
        `${system}.counter writes`,
      ].sort(),
    );
    // A single replica: the server's check is serialized, and the node says so.
    expect(ready.checks[`${system}.counter writes`]?.detail).toMatch(
      /^one writer per aggregate version: expected sequence checked by the server \(T.*, 1 replica\(s\), nats-server 2\./,
    );

    for (let i = 1; i <= 5; i++) await broker.call(`${system}.counter.add`, { id: "k", by: i });
    await broker.call(`${system}.counter.add`, { id: "m", by: 7 });
    expect(await counters.get("k")).toEqual({ status: "Counting", total: 15, adds: 5 });
    await eventually(async () =>
      expect(await totals.all()).toEqual([
        { id: "k", sum: 15 },
        { id: "m", sum: 7 },
      ]),
    );
    // The policy reacted to each Added of a counter exactly once.
    await eventually(async () =>
      expect(await audits.getLatest("k")).toEqual({ status: "Counting", total: 5, adds: 5 }),
    );
    expect(await audits.getLatest("m")).toEqual({ status: "Counting", total: 1, adds: 1 });

    // rebuild replays every projection of the service and answers their positions.
    const positions = await broker.call<Record<string, number>, Record<string, never>>(`${system}.counter.rebuild`, {});
    expect(Object.keys(positions).sort()).toEqual(["agg:counter", "view:totals"]);
    expect(await totals.all()).toEqual([
      { id: "k", sum: 15 },
      { id: "m", sum: 7 },
    ]);

    await broker.stop();
    expect(rt.health.readiness().checks).toEqual({});
  });

  it("checks every event against its schema before appending", async () => {
    await startBroker();
    await expect(broker.call(`${system}.counter.add`, { id: "f", by: 1.5 })).rejects.toThrow(
      /event Added does not match its schema: \/by/,
    );
    expect(await countOn(c.events, system, subjectOf(system, "counter", "f"))).toBe(0);
  });

  it("a restarted node finds its LevelDB again and the policy does not react twice", async () => {
    const first = await startBroker();
    await broker.call(`${system}.counter.add`, { id: "k", by: 2 });
    await eventually(async () =>
      expect(await first.audits.getLatest("k")).toEqual({ status: "Counting", total: 1, adds: 1 }),
    );
    await broker.stop();

    const second = await startBroker();
    expect(await second.counters.get("k")).toEqual({ status: "Counting", total: 2, adds: 1 });
    await broker.call(`${system}.counter.add`, { id: "k", by: 3 });
    await eventually(async () =>
      expect(await second.audits.getLatest("k")).toEqual({ status: "Counting", total: 2, adds: 2 }),
    );
    expect(await countOn(c.events, system, subjectOf(system, "audit", "k"))).toBe(2);
  });

  it("a policy over a declared aggregate takes that aggregate's subjects only, in place of its former durable", async () => {
    const jsm = await c.events.jsm();
    await c.events.ensureStream(system);
    // The durable an earlier version kept on the whole stream.
    const former = `${system}-audit`;
    await jsm.consumers.add(streamName(system), {
      durable_name: former,
      filter_subject: `${system}.>`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
    const events = defineEvents(system, { Added: { version: 1, schema: eventSchemas.Added, aggregate: "counter" } });
    broker = new ServiceBroker({ logger: false, nodeID: `kit-${system}`, validator: new TypeBoxValidator() });
    const rt = runtimeOf(c, broker);
    const auditKit = new ServiceKit(rt, `${system}.audit`, { events });
    const audits = auditKit.aggregate({ ...counter, name: "audit" });
    auditKit.react<CounterEvent>({ Added: () => [] });
    broker.createService({ name: `${system}.audit`, mixins: [auditKit.mixin()] });
    await broker.start();

    const durables: Record<string, string[]> = {};
    for await (const info of jsm.consumers.list(streamName(system))) {
      const { durable_name, filter_subject, filter_subjects } = info.config;
      if (durable_name) durables[durable_name] = filter_subjects ?? [filter_subject ?? ""];
    }
    // On a typed stream, only the type it reacts to (and commits of mixed types).
    const filters = (await c.events.typed(streamName(system)))
      ? [`${system}.counter.*.Added`, `${system}.counter.*._`]
      : [`${system}.counter.>`];
    expect(durables).toEqual({ [`${system}-audit-counter`]: filters });
    // Added belongs to the counter: appended by another aggregate, the policy would never see it.
    await expect(audits.execute("k", { type: "Add", by: 1 }, { correlationId: "k" })).rejects.toThrow(
      /event Added belongs to counter, not audit/,
    );
  });
});
