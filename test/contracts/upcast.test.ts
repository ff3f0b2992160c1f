// A new event version in a system whose stream still holds events of the old
// one: the follower, a view and a policy all see the old events in the new
// shape (the catalog's upcaster, applied where events are read), and new
// events are stamped with the new version.
import {
  defineEvents,
  type EventEnvelope,
  execute,
  type Runtime,
  ServiceKit,
  streamName,
  subjectOf,
} from "@seed/platform";
import type { Decider, DomainEvent } from "@seed/platform/domain";
import { TypeBoxValidator } from "@seed/platform/node";
import { eventually } from "@seed/platform/testing";
import { Type as T } from "@sinclair/typebox";
import { type Context, ServiceBroker } from "moleculer";
import { afterEach, beforeEach, expect, it } from "vitest";
import {
  type Connected,
  connectEvents,
  dropStream,
  runtimeOf,
  uniqueSystem,
} from "../../packages/platform/test/helpers.js";

// v1 stored `by` as a number; v2 (the current one) as `{ amount, unit }`.
const Added = T.Object({ by: T.Object({ amount: T.Integer({ minimum: 1 }), unit: T.String() }) });
const events = (system: string) =>
  defineEvents(system, {
    Added: {
      version: 2,
      schema: Added,
      upcasters: { 1: (d: { by: number }) => ({ by: { amount: d.by, unit: "ea" } }) },
    },
    Noted: { version: 1, schema: T.Object({ note: T.String() }) },
  });
type Event = DomainEvent<"Added", { by: { amount: number; unit: string } }>;

type Counter = { status: "Empty" } | { status: "Counting"; total: number };
const counter: Decider<Counter, { by: number }, Event> = {
  name: "counter",
  initialState: { status: "Empty" },
  decide: (_s, c) => [{ type: "Added", data: { by: { amount: c.by, unit: "ea" } } }],
  // Would answer NaN for a v1 event read as it is stored.
  evolve: (s, e) => ({ status: "Counting", total: (s.status === "Counting" ? s.total : 0) + e.data.by.amount }),
};

let c: Connected;
let system: string;
let broker: ServiceBroker | undefined;

beforeEach(async () => {
  c = await connectEvents({ POLICY_BACKOFF_MS: 20, POLICY_ACK_WAIT_MS: 1000 });
  system = uniqueSystem();
});
afterEach(async () => {
  await broker?.stop();
  await (await c.events.jsm()).consumers.delete(streamName(system), `${system}-counter`).catch(() => {});
  await dropStream(c.events, system);
  await c.close();
});

it("reads v1 events of the stream as v2 everywhere, and writes v2", async () => {
  const catalog = events(system);
  await c.events.ensureStream(system);
  const stored: EventEnvelope = {
    id: "01JB0000000000000000000001",
    type: "Added",
    aggregate: "counter",
    aggregateId: "k",
    correlationId: "k",
    occurredAt: "2025-01-01T00:00:00.000Z",
    version: 1,
    data: { by: 5 },
  };
  await c.events.appendCommit(subjectOf(system, "counter", "k"), [stored], 0);

  broker = new ServiceBroker({ logger: false, nodeID: `upcast-${system}`, validator: new TypeBoxValidator() });
  const kit = new ServiceKit(runtimeOf(c, broker), `${system}.counter`, { events: catalog });
  const counters = kit.aggregate(counter);
  const seen = kit.view<{ units: string[] }, Event>({
    name: "units",
    key: (e) => e.aggregateId,
    on: {
      Added: (row, e) => ({ units: [...(row?.units ?? []), `${e.version}:${e.data.by.amount}${e.data.by.unit}`] }),
    },
  });
  const reacted: EventEnvelope<Event["data"]>[] = [];
  type Notes = { status: "Empty" } | { status: "Noting"; n: number };
  const note: Decider<Notes, { note: string }, DomainEvent<"Noted", { note: string }>> = {
    name: "note",
    initialState: { status: "Empty" },
    decide: (_s, cmd) => [{ type: "Noted", data: { note: cmd.note } }],
    evolve: (s) => ({ status: "Noting", n: (s.status === "Noting" ? s.n : 0) + 1 }),
  };
  kit.aggregate(note);
  kit.react<Event>({
    Added: (e) => {
      reacted.push(e);
      return [execute(note, e.aggregateId, { note: `${e.data.by.amount}` })];
    },
  });
  broker.createService({
    name: `${system}.counter`,
    mixins: [kit.mixin()],
    actions: {
      add: (ctx: Context<{ by: number }>) => counters.execute("k", { by: ctx.params.by }, { correlationId: "k" }),
    },
  });
  await broker.start();

  // The follower folded the stored v1 event in its v2 shape.
  expect(await counters.get("k")).toEqual({ status: "Counting", total: 5 });
  const { events: appended } = await broker.call<{ events: EventEnvelope[] }, { by: number }>(`${system}.counter.add`, {
    by: 2,
  });
  expect(appended.map((e) => e.version)).toEqual([2]);
  expect(await counters.get("k")).toEqual({ status: "Counting", total: 7 });
  await eventually(async () => expect((await seen.get("k"))?.units).toEqual(["2:5ea", "2:2ea"]));
  await eventually(() => expect(reacted.map((e) => [e.version, e.data.by])).toHaveLength(2));
  expect(reacted.map((e) => [e.version, e.data.by])).toEqual([
    [2, { amount: 5, unit: "ea" }],
    [2, { amount: 2, unit: "ea" }],
  ]);

  // The stream itself still holds the v1 event as it was written.
  const jsm = await c.events.jsm();
  const first = await jsm.streams.getMessage(streamName(system), { seq: 1 });
  expect(JSON.parse(new TextDecoder().decode(first.data))[0]).toMatchObject({ version: 1, data: { by: 5 } });
});

it("refuses a reaction or a view on a type the contract does not declare", () => {
  const rt = { config: {}, broker: {}, events: {} } as unknown as Runtime;
  const kit = new ServiceKit(rt, `${system}.x`, { events: events(system) });
  expect(() => kit.react({ Removed: async () => {} } as never)).toThrow(/reads Removed, not declared/);
  expect(() => kit.view({ name: "v", key: () => "k", on: { Gone: () => ({}) } } as never)).toThrow(
    /view:v reads Gone, not declared/,
  );
});
