// Wiring of one event-sourced service: its aggregates (repository + follower),
// its views, its policy, and their lifecycle inside a Moleculer service. A
// service file declares these in a few lines and keeps only its actions.
import { type Static, Type as T, type TSchema } from "@sinclair/typebox";
import type { Context, Logger as LoggerInstance, ServiceSchema } from "moleculer";
import type { Clock } from "./clock.js";
import type { EventCatalog } from "./contracts/events.js";
import type { Decider, DomainEvent, Stated } from "./domain.js";
import { notFound, unavailable } from "./errors.js";
import { type EventEnvelope, streamName } from "./event-store.js";
import type { Freshness } from "./freshness.js";
import { KeyedLock } from "./keyed-lock.js";
import type { Runtime } from "./node.js";
import { type LagSubject, recordLag, sampleLag, watchLag } from "./observability/metrics.js";
import { type DeliveryTracer, deliveryTracer } from "./observability/tracing.js";
import { type EventHandler, Policy, type PolicyOutcome } from "./policy.js";
import { type PolicyConsumers, policyConsumers } from "./policy-consumers.js";
import { Projection, type Projector } from "./projection.js";
import { carryOut, type Effect, type EffectPorts, type Reactions } from "./reaction.js";
import { Repository, type RepositoryDeclaration } from "./repository.js";
import { openStore, type Store } from "./store.js";
import { type Tick, Ticker } from "./ticker.js";
import { untilAnswered } from "./until-answered.js";
import { compileChecker } from "./validator.js";
import { View, type ViewDefinition } from "./view.js";

export interface KitOptions {
  /**
   * The system's event contract (`defineEvents`): appended events are checked
   * against it and stamped with its versions, events read are upcast by it,
   * and reactions and views may only name the types it declares.
   */
  events?: EventCatalog;
  /** Schemas of event data by type, for a kit without a versioned contract (all version 1). */
  eventSchemas?: Record<string, TSchema>;
}

/** Who reads which event types: every reaction and view a kit of this process declared. */
export interface EventConsumer {
  service: string;
  /** "policy" (reactions) or "view:<name>". */
  consumer: string;
  types: string[];
}

const consumers = new Map<string, EventConsumer>();

/** The event consumers declared in this process so far (contract tests check them against the catalogs). */
export function declaredConsumers(): EventConsumer[] {
  return [...consumers.values()];
}

const ReplayParams = T.Object({ seq: T.Integer({ minimum: 1 }) }, { additionalProperties: false });

export class ServiceKit {
  readonly system: string;
  readonly stream: string;
  private store?: Store;
  /** What this instance keeps a copy of: each projector, and the freshness of the repository or view it fills. */
  private readonly copies: Array<{ projector: Projector; freshness: Freshness }> = [];
  /** The repository of each aggregate this service declared, for the commands its reactions issue. */
  private readonly repositories = new Map<
    Decider<Stated, unknown, DomainEvent>,
    Repository<Stated, unknown, DomainEvent>
  >();
  private projections: Projection[] = [];
  private reactions?: Record<string, EventHandler>;
  /** The policy's consumers running here: one per aggregate it reacts to (see policy-consumers.ts). */
  private policies: Policy[] = [];
  private policyLayout?: PolicyConsumers;
  private readonly timed: Array<{ name: string; periodMs: number; tick: Tick }> = [];
  private tickers: Ticker[] = [];
  private readonly rebuilds = new KeyedLock();
  private logger?: LoggerInstance;
  /** Set with tracing on: the spans of this service's reactions and projections. */
  private tracer?: DeliveryTracer;
  private stopLagWatch?: () => void;
  /** Per projection, where a rebuild under way stands (position reached, stream end at its start). */
  private readonly rebuilding = new Map<string, { seq: number; target: number }>();

  constructor(
    private readonly rt: Runtime,
    readonly service: string,
    private readonly options: KitOptions = {},
  ) {
    this.system = service.split(".")[0] ?? service;
    this.stream = streamName(this.system);
  }

  private readonly storeRef = (): Store => {
    // Not started yet, or stopping: a request that slipped in is told to retry elsewhere.
    if (!this.store) throw unavailable(`${this.service} is not running here`);
    return this.store;
  };

  /** Records what a consumer reads, and refuses a type the system's contract does not declare. */
  private consumes(consumer: string, types: string[]): void {
    const catalog = this.options.events;
    const unknown = catalog ? types.filter((t) => catalog.versionOf(t) === undefined) : [];
    if (unknown.length > 0) {
      throw new Error(`${this.service} ${consumer} reads ${unknown.join(", ")}, not declared by ${catalog?.system}`);
    }
    consumers.set(`${this.service} ${consumer}`, { service: this.service, consumer, types });
  }

  /**
   * A repository for an aggregate this service owns, decided by `decider`;
   * `declared.correlation` says which id its events are correlated by when it
   * is not the aggregate's.
   */
  aggregate<S extends Stated, C, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    declared: RepositoryDeclaration<S, C> = {},
  ): Repository<S, C, E> {
    const schemas: Record<string, TSchema> = this.options.events?.schemas ?? this.options.eventSchemas ?? {};
    const validate = (e: DomainEvent) => {
      const schema = schemas[e.type];
      if (!schema) throw new Error(`event ${e.type} has no schema`);
      // Policies take an event's declared aggregate's subjects only: appended elsewhere, they would miss it.
      const declared = this.options.events?.aggregateOf(e.type);
      if (declared !== undefined && declared !== decider.name) {
        throw new Error(`event ${e.type} belongs to ${declared}, not ${decider.name}`);
      }
      const r = compileChecker(schema)(e.data);
      if (r !== true)
        throw new Error(
          `event ${e.type} does not match its schema: ${r.map((i) => `${i.path} ${i.message}`).join("; ")}`,
        );
    };
    const repo = new Repository(
      this.rt.events,
      this.storeRef,
      decider,
      {
        system: this.system,
        stream: this.stream,
        retries: this.rt.config.COMMAND_RETRIES,
        validate,
        clock: this.rt.clock,
        ...(this.options.events ? { versionOf: this.options.events.versionOf } : {}),
      },
      declared,
    );
    this.copies.push({ projector: repo.projector(), freshness: repo.freshness });
    this.repositories.set(
      decider as unknown as Decider<Stated, unknown, DomainEvent>,
      repo as unknown as Repository<Stated, unknown, DomainEvent>,
    );
    return repo;
  }

  /** A view this service keeps (a CQRS read model). */
  view<Row, E extends DomainEvent = DomainEvent>(definition: ViewDefinition<Row, E>): View<Row, E> {
    this.consumes(`view:${definition.name}`, Object.keys(definition.on));
    const view = new View(definition, this.storeRef, this.system);
    this.copies.push({ projector: view.projector(), freshness: view.freshness });
    return view;
  }

  /**
   * What this service does when events happen (its policy): each reaction
   * gives its effects for an event and `reads`, and the kit carries them out
   * before the event is acknowledged. One durable consumer per service.
   */
  react<E extends DomainEvent, R = void>(reactions: Reactions<E, R>, ...given: R extends void ? [] : [reads: R]): void {
    this.consumes("policy", Object.keys(reactions));
    const reads = given[0] as R;
    const ports: EffectPorts = {
      reactor: this.service,
      execute: (effect, options) => this.repositoryOf(effect.aggregate).execute(effect.id, effect.command, options),
      call: (action, params) => this.rt.broker.call(action, params),
    };
    // Events come off the stream untyped; the reaction map is keyed by their type.
    const byType = reactions as Record<string, (event: EventEnvelope, reads: R) => Effect[] | Promise<Effect[]>>;
    this.reactions = Object.fromEntries(
      Object.entries(byType).map(([type, reaction]) => [
        type,
        async (event: EventEnvelope) => carryOut(await reaction(event, reads), event, ports),
      ]),
    );
  }

  private repositoryOf(aggregate: Decider<Stated, unknown, DomainEvent>): Repository<Stated, unknown, DomainEvent> {
    const repository = this.repositories.get(aggregate);
    if (!repository)
      throw new Error(`${this.service} reacts with a command on ${aggregate.name}, not one of its aggregates`);
    return repository;
  }

  /**
   * Work that comes due with time: `tick(now)` runs every `periodMs` on every
   * replica once the service is running (see Ticker: it must be idempotent).
   */
  every(name: string, periodMs: number, tick: Tick): void {
    this.timed.push({ name, periodMs, tick });
  }

  /** "Now" for this service (the node's clock; tests move it). */
  get clock(): Clock {
    return this.rt.clock;
  }

  /** This instance's LevelDB while it runs (operators and tests look at what a read cost). */
  get localStore(): Store | undefined {
    return this.store;
  }

  /** Lifecycle hooks to mix into the Moleculer service. */
  mixin(): Partial<ServiceSchema> {
    const kit = this;
    return {
      actions: {
        /** Runs every ticker of this instance once now, after one running (a test that moved the clock, operators). */
        tick: {
          visibility: "public",
          async handler() {
            for (const t of kit.tickers) await t.runNow();
            return { tickers: kit.tickers.length };
          },
        },
        /** Forgets this instance's views and aggregate copies and replays them from the stream (operators, tests). */
        rebuild: {
          visibility: "public",
          handler() {
            // One rebuild at a time: two interleaved would leave two writers.
            return kit.rebuilds.run("rebuild", async () => {
              for (const p of kit.projections) kit.rebuilding.set(p.projector.name, { seq: 0, target: p.seq });
              try {
                // All at once: the stream feed then reads the stream again once for all of them, not once each.
                await Promise.all(kit.projections.map((p) => p.rebuild()));
              } finally {
                kit.rebuilding.clear();
              }
              return Object.fromEntries(kit.projections.map((p) => [p.projector.name, p.seq]));
            });
          },
        },
        /**
         * Where this instance's projections stand: position, last event on
         * their subjects, lag; its policy's consumer (pending, ack pending,
         * redelivered) and dead letters. Polled by the REPL during a rebuild.
         */
        progress: {
          visibility: "public",
          async handler() {
            const sample = await sampleLag(kit.rt.events, kit.lagSubject());
            recordLag(kit.rt.broker, kit.service, sample);
            const projections = sample.projections.map((p) => {
              const rebuild = kit.rebuilding.get(p.name);
              return rebuild
                ? { ...p, ...rebuild, lag: Math.max(0, rebuild.target - rebuild.seq), rebuilding: true }
                : { ...p, rebuilding: false };
            });
            return { service: kit.service, nodeID: kit.rt.broker.nodeID, ...sample, projections };
          },
        },
        /** Handles a dead letter of this service's policy again, after a fix (operators). */
        replayDeadLetter: {
          visibility: "public",
          params: ReplayParams,
          handler(ctx: Context<Static<typeof ReplayParams>>) {
            if (!kit.reactions) throw notFound(`policy of ${kit.service}`);
            // Dead letters are filed under the policy, whichever of its consumers gave up:
            // any of them, holding every reaction, can handle one again.
            const policy = kit.policies[0];
            if (!policy) throw unavailable(`${kit.service} is not running here`);
            return policy.replay(ctx.params.seq);
          },
        },
      },
      async started() {
        await kit.start();
      },
      async stopped() {
        await kit.stop();
      },
    };
  }

  private async start(): Promise<void> {
    const { rt } = this;
    this.logger = rt.broker.getLogger(this.service);
    this.tracer = deliveryTracer(rt.broker, this.service);
    const patience = { logger: this.logger };
    const guarantee = await untilAnswered(this.stream, () => rt.events.ensureStream(this.system), patience);
    // Which guarantee holds depends on the stream and the server: said once at
    // start and kept on /health/ready, where an operator looks.
    const writes = `one writer per aggregate version: ${guarantee} (${this.stream}, ${rt.config.STREAM_REPLICAS} replica(s), nats-server ${rt.nc.info?.version ?? "unknown"})`;
    this.logger.info(`${this.service}: ${writes}`);
    rt.health.register(`${this.service} writes`, () => ({ ok: true, detail: writes }));
    await untilAnswered("dead letters", () => rt.events.ensureDeadLetters(), patience);
    this.store = await openStore(rt.dataDir(this.service), rt.config.NODE_ID || undefined);
    this.projections = this.copies.map(({ projector, freshness }) => {
      const projection = new Projection(
        rt.events,
        this.storeRef(),
        this.stream,
        projector,
        this.logger as LoggerInstance,
        this.options.events?.upcast,
      );
      // A rebuild reports its progress after every write (the REPL's progress bar).
      projection.trace = this.tracer;
      projection.onProgress = (seq, target) => {
        if (this.rebuilding.has(projector.name)) this.rebuilding.set(projector.name, { seq, target });
      };
      rt.health.register(`${this.service} ${projector.name}`, () =>
        projection.ready ? { ok: true } : { ok: false, detail: `catching up (at ${projection.seq})` },
      );
      // A repository answers reads once its own follower has applied its writes;
      // a view answers 503 while it is rebuilt.
      freshness.follow(projection);
      return projection;
    });
    await Promise.all(this.projections.map((p) => p.start()));
    if (this.reactions) await this.startPolicy(this.reactions);
    this.tickers = this.timed.map(
      (t) => new Ticker(`${this.service} ${t.name}`, t.periodMs, t.tick, rt.clock, this.logger as LoggerInstance),
    );
    for (const t of this.tickers) t.start();
    this.stopLagWatch = watchLag(rt.broker, rt.events, () => this.lagSubject());
  }

  /**
   * Starts one runner per consumer of the policy, then deletes the durable
   * they replace: each new one started after what it had acknowledged.
   */
  private async startPolicy(reactions: Record<string, EventHandler>): Promise<void> {
    const { rt } = this;
    const catalog = this.options.events;
    const layout = policyConsumers(this.service, Object.keys(reactions), (t) => catalog?.aggregateOf(t));
    this.policyLayout = layout;
    const observe = policyMetrics(rt, layout.policy);
    this.policies = layout.consumers.map(
      ({ durable, filter, types }) =>
        new Policy(
          rt.events,
          {
            durable,
            policy: layout.policy,
            ...(layout.replaces ? { replaces: layout.replaces } : {}),
            stream: this.stream,
            filter,
            types,
            reactions,
            maxDeliver: rt.config.POLICY_MAX_DELIVER,
            ackWaitMs: rt.config.POLICY_ACK_WAIT_MS,
            backoffMs: rt.config.POLICY_BACKOFF_MS,
            concurrency: rt.config.POLICY_CONCURRENCY,
            deadLetterSubject: `deadletter.${this.system}.${layout.policy}`,
            observe,
            ...(catalog?.upcast ? { upcast: catalog.upcast } : {}),
            ...(this.tracer ? { trace: this.tracer } : {}),
          },
          this.logger as LoggerInstance,
        ),
    );
    for (const policy of this.policies) await policy.start();
    if (layout.replaces) {
      const jsm = await rt.events.jsm();
      await jsm.consumers.delete(this.stream, layout.replaces).catch(() => false); // gone already: nothing to do
    }
  }

  /** What the lag gauges and the progress action look at. */
  private lagSubject(): LagSubject {
    return {
      service: this.service,
      stream: this.stream,
      projections: this.projections.map((p) => ({ name: p.projector.name, filter: p.projector.filter, seq: p.seq })),
      policy:
        this.policies.length > 0 && this.policyLayout
          ? { name: this.policyLayout.policy, consumers: this.policyLayout.consumers.map((c) => c.durable) }
          : undefined,
    };
  }

  private async stop(): Promise<void> {
    this.stopLagWatch?.();
    await Promise.all(this.tickers.map((t) => t.stop()));
    await Promise.all(this.policies.map((p) => p.stop()));
    this.policies = [];
    await Promise.all(this.projections.map((p) => p.stop()));
    for (const { projector } of this.copies) this.rt.health.unregister(`${this.service} ${projector.name}`);
    this.rt.health.unregister(`${this.service} writes`);
    const store = this.store;
    this.store = undefined;
    await store?.close();
  }
}

const POLICY_METRICS: Record<PolicyOutcome, string> = {
  handled: "seed_policy_events_handled_total",
  retried: "seed_policy_retries_total",
  deadLettered: "seed_policy_dead_letters_total",
};

/** Counters per policy on this node: events handled, retries after a failure, dead letters. */
function policyMetrics(rt: Runtime, policy: string): ((outcome: PolicyOutcome) => void) | undefined {
  const metrics = rt.broker.isMetricsEnabled() ? rt.broker.metrics : undefined;
  if (!metrics) return undefined;
  for (const [outcome, name] of Object.entries(POLICY_METRICS)) {
    if (!metrics.getMetric(name)) {
      metrics.register({ type: "counter", name, labelNames: ["policy"], description: `policy events ${outcome}` });
    }
  }
  return (outcome) => metrics.increment(POLICY_METRICS[outcome], { policy });
}
