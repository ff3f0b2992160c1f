// Shared pieces of the platform's integration tests: a tiny counter aggregate,
// a unique system (own stream) per test, and a Moleculer-free instance made of
// the real EventStore, LevelDB store, repository and follower projection.
import { join } from "node:path";
import type { Logger as LoggerInstance, ServiceBroker } from "moleculer";
import { connect, type NatsConnection } from "nats";
import { systemClock } from "../src/clock.js";
import type { Config } from "../src/config.js";
import { type Decider, type DomainEvent, refuse } from "../src/domain.js";
import {
  type EventEnvelope,
  EventStore,
  encodeCommit,
  streamName,
  streamOfSubject,
  subjectOf,
} from "../src/event-store.js";
import { healthOf } from "../src/health.js";
import { newId } from "../src/ids.js";
import type { Runtime } from "../src/node.js";
import { Projection } from "../src/projection.js";
import { Repository, type RepositoryDeclaration } from "../src/repository.js";
import { openStore, type Store } from "../src/store.js";
import { commitSubject, readFilter } from "../src/subjects.js";
import { type ConfigOverrides, natsUrl, tempDir, testConfig } from "../testing/index.js";

/** A system name no other test uses: its own stream `T…` over `t….>`. */
export const uniqueSystem = (): string => `t${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36)}`;

export type CounterState = { status: "Empty" } | { status: "Counting"; total: number; adds: number };
export type CounterCommand = { type: "Add"; by: number } | { type: "Reject" } | { type: "Nothing" };
export type CounterEvent = DomainEvent<"Added", { by: number }>;

/** A counter: Add appends Added; Reject and a non-positive Add are refused; Nothing changes nothing. */
export const counter: Decider<CounterState, CounterCommand, CounterEvent> = {
  name: "counter",
  initialState: { status: "Empty" },
  decide(_state, command) {
    switch (command.type) {
      case "Add":
        if (command.by <= 0) throw refuse.conflict("NotPositive", "only positive amounts");
        return [{ type: "Added", data: { by: command.by } }];
      case "Reject":
        throw refuse.conflict("Rejected", "this counter refuses");
      case "Nothing":
        return [];
    }
  },
  evolve(state, event) {
    const { total, adds } = state.status === "Counting" ? state : { total: 0, adds: 0 };
    return { status: "Counting", total: total + event.data.by, adds: adds + 1 };
  },
};

/** A logger that keeps what was logged (tests look at warnings and errors). */
export interface RecordingLogger extends LoggerInstance {
  lines: Array<{ level: string; text: string }>;
}

export function recordingLogger(): RecordingLogger {
  const lines: Array<{ level: string; text: string }> = [];
  const at =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push({ level, text: args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ") });
    };
  return {
    lines,
    fatal: at("fatal"),
    error: at("error"),
    warn: at("warn"),
    info: at("info"),
    debug: at("debug"),
    trace: at("trace"),
  } as RecordingLogger;
}

export interface Connected {
  nc: NatsConnection;
  events: EventStore;
  config: Config;
  close(): Promise<void>;
}

/** A NATS connection to the suite's server and an EventStore over it. */
export async function connectEvents(overrides: ConfigOverrides = {}): Promise<Connected> {
  const config = testConfig(overrides);
  const nc = await connect({ servers: natsUrl() });
  const events = new EventStore(nc, config);
  return { nc, events, config, close: () => nc.close() };
}

/** A node's runtime over the connection, for services a test wires onto its own broker. */
export function runtimeOf(c: Connected, broker: ServiceBroker): Runtime {
  return {
    config: c.config,
    broker,
    nc: c.nc,
    events: c.events,
    health: healthOf(broker),
    clock: systemClock,
    dataDir: (service) => join(c.config.DATA_DIR, service),
  };
}

/** Removes a test's stream (keeps the suite's server small); ignores a missing one. */
export async function dropStream(events: EventStore, system: string): Promise<void> {
  const jsm = await events.jsm();
  await jsm.streams.delete(streamName(system)).catch(() => {});
}

/** An envelope as a repository would store it. */
export function envelope(aggregateId: string, by: number, overrides: Partial<Omit<EventEnvelope, "data">> = {}) {
  return {
    id: newId(),
    type: "Added",
    aggregate: "counter",
    aggregateId,
    correlationId: aggregateId,
    occurredAt: new Date().toISOString(),
    version: 1,
    data: { by },
    ...overrides,
  } satisfies EventEnvelope<{ by: number }>;
}

/**
 * Publishes `count` one-event commits (`Added {by}`) spread over `aggregates`
 * counters, `parallel` at a time; returns what was published in order of `by`.
 */
export async function publishMany(
  events: EventStore,
  system: string,
  count: number,
  opts: { aggregates?: number; parallel?: number; by?: (i: number) => number } = {},
): Promise<Array<{ aggregateId: string; by: number }>> {
  const aggregates = opts.aggregates ?? 10;
  const parallel = opts.parallel ?? 100;
  const by = opts.by ?? ((i: number) => (i % 7) + 1);
  const published: Array<{ aggregateId: string; by: number }> = [];
  for (let start = 0; start < count; start += parallel) {
    const chunk: Array<Promise<unknown>> = [];
    for (let i = start; i < Math.min(count, start + parallel); i++) {
      const aggregateId = `c${i % aggregates}`;
      const e = envelope(aggregateId, by(i));
      published.push({ aggregateId, by: e.data.by });
      chunk.push(events.js.publish(subjectOf(system, "counter", aggregateId), encodeCommit([e]), { msgID: e.id }));
    }
    await Promise.all(chunk);
  }
  return published;
}

export interface Instance {
  dir: string;
  store: Store;
  repo: Repository<CounterState, CounterCommand, CounterEvent>;
  follower: Projection;
  stop(): Promise<void>;
}

/** One service instance of the counter: its own LevelDB folder, a repository and its follower projection. */
export async function startInstance(
  connected: Connected,
  system: string,
  opts: { dir?: string; retries?: number; declared?: RepositoryDeclaration<CounterState, CounterCommand> } = {},
): Promise<Instance> {
  const dir = opts.dir ?? tempDir();
  const store = await openStore(dir, "0");
  const stream = streamName(system);
  const repo = new Repository(
    connected.events,
    () => store,
    counter,
    {
      system,
      stream,
      retries: opts.retries ?? connected.config.COMMAND_RETRIES,
    },
    opts.declared,
  );
  const follower = new Projection(connected.events, store, stream, repo.projector(), recordingLogger());
  repo.freshness.follow(follower);
  await follower.start();
  return {
    dir,
    store,
    repo,
    follower,
    async stop() {
      await follower.stop();
      await store.close();
    },
  };
}

/** The subject a commit of one type is appended to on this aggregate's stream (typed or not). */
export async function commitSubjectIn(events: EventStore, aggregate: string, type = "Added"): Promise<string> {
  return commitSubject(aggregate, [type], await events.typed(streamOfSubject(aggregate)));
}

/** Number of messages stored on one aggregate (all its types) or under a filter of a stream. */
export async function countOn(events: EventStore, system: string, filter: string): Promise<number> {
  const jsm = await events.jsm();
  const stream = streamName(system);
  const subjects_filter = readFilter(filter, await events.typed(stream));
  const info = await jsm.streams.info(stream, { subjects_filter });
  const subjects = info.state.subjects ?? {};
  return Object.values(subjects).reduce((a, b) => a + b, 0);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
