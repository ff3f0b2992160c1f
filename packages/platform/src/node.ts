// A node is one process: a Moleculer broker on the NATS transporter running a
// chosen subset of services, plus what they share (JetStream connection, event
// store, health). `npm start` runs one node with everything; `npm run node`
// starts more nodes that join the same NATS (replicas).

import { join } from "node:path";
import { type BrokerOptions, ServiceBroker, type ServiceSchema } from "moleculer";
import { connect, type NatsConnection } from "nats";
import { type Clock, systemClock } from "./clock.js";
import type { Config } from "./config.js";
import type { EventCatalog } from "./contracts/events.js";
import { EventStore } from "./event-store.js";
import { type Health, healthOf } from "./health.js";
import type { Role } from "./http.js";
import { timeAppends } from "./observability/metrics.js";
import { opsService } from "./observability/ops-service.js";
import type { SystemSettings } from "./settings.js";
import { watchVitals } from "./vitals.js";

/** What every service factory receives. */
export interface Runtime {
  config: Config;
  broker: ServiceBroker;
  nc: NatsConnection;
  events: EventStore;
  health: Health;
  /** "Now" for every service of the node; tests inject a ManualClock. */
  clock: Clock;
  /** Folder for a service's LevelDB on this node: `DATA_DIR/<service>`. */
  dataDir(service: string): string;
}

export type ServiceFactory = (rt: Runtime) => ServiceSchema;

/**
 * What a node knows of a system before loading its code: enough to read the
 * configuration, choose the services it runs and know every role. Cheap to
 * import (no service code); the system's module is loaded only when a node
 * runs one of its services or serves its routes.
 */
export interface SystemManifest {
  /** Prefix of routes and subjects, e.g. "shop". */
  name: string;
  /** Names of its services, e.g. "shop.pay". */
  services: readonly string[];
  /** Roles its routes and services name. */
  roles: readonly Role[];
  /** Its environment variables (`defineSettings`). */
  settings?: SystemSettings;
}

/** A business system as the platform sees it: its services (whose actions declare its HTTP routes), its roles and settings. */
export interface SystemModule {
  /** Prefix of routes and subjects, e.g. "shop". */
  name: string;
  /** Service name from the spec → factory, e.g. "shop.pay" → payService. */
  services: Record<string, ServiceFactory>;
  /** The system's event contract (`defineEvents`), checked against contracts/events/<name>.json. */
  events?: EventCatalog;
  /** Roles its routes and services name; a user's roles are checked against those of the systems a gateway serves. */
  roles: readonly Role[];
  /** Its environment variables (`defineSettings`), merged into the config by `loadConfig(env, systems)`. */
  settings?: SystemSettings;
}

export interface StartNodeOptions {
  config: Config;
  brokerOptions: BrokerOptions;
  systems: SystemModule[];
  /** The gateway's factory; it runs when SERVICES selects "api". */
  gateway?: (systems: SystemModule[]) => ServiceFactory;
  /** Default: the system clock. */
  clock?: Clock;
  /**
   * Runs before the broker starts its services (which replay their copies from
   * the stream): a health server started here answers /health/ready 503 until
   * the node is started.
   */
  beforeStart?: (broker: ServiceBroker) => Promise<void>;
}

export interface RunningNode {
  broker: ServiceBroker;
  runtime: Runtime;
  /** Names of the services this node runs. */
  services: string[];
  stop(): Promise<void>;
}

/** `*` → every service and the gateway; `shop.*`; or a comma list with `api` for the gateway. */
export function selectServices(selector: string, available: string[]): string[] {
  const wanted = selector
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const chosen = available.filter((name) =>
    wanted.some((w) => w === "*" || w === name || (w.endsWith(".*") && name.startsWith(w.slice(0, -1)))),
  );
  const unknown = wanted.filter((w) => w !== "*" && !w.endsWith(".*") && !available.includes(w));
  if (unknown.length > 0) throw new Error(`unknown services: ${unknown.join(", ")} (known: ${available.join(", ")})`);
  return chosen;
}

/**
 * A system module from its manifest and its parts: the factories must be
 * exactly the services the manifest names (a missing or extra one fails to
 * compile).
 */
export function defineSystem<const M extends SystemManifest>(
  manifest: M,
  parts: { services: Record<M["services"][number], ServiceFactory>; events?: EventCatalog },
): SystemModule {
  return {
    name: manifest.name,
    services: parts.services,
    roles: manifest.roles,
    ...(manifest.settings ? { settings: manifest.settings } : {}),
    ...(parts.events ? { events: parts.events } : {}),
  };
}

/**
 * The systems whose code a node with these services loads: those it runs a
 * service of. A gateway alone (no system's service beside it) serves the
 * systems `routed` names (GATEWAY_SYSTEMS: `*` for every one), so it loads
 * them for their routes; a gateway beside some systems' services serves those
 * systems.
 */
export function systemsToLoad<S extends SystemManifest>(
  manifests: readonly S[],
  selected: readonly string[],
  routed = "*",
): S[] {
  const running = manifests.filter((m) => m.services.some((name) => selected.includes(name)));
  if (running.length > 0 || !selected.includes("api")) return running;
  const names = routed
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.includes("*")) return [...manifests];
  const known = manifests.map((m) => m.name).join(", ");
  if (names.length === 0) throw new Error(`GATEWAY_SYSTEMS names no system: * for every one, or some of ${known}`);
  const unknown = names.filter((n) => !manifests.some((m) => m.name === n));
  if (unknown.length > 0) throw new Error(`GATEWAY_SYSTEMS: unknown systems ${unknown.join(", ")} (known: ${known})`);
  return manifests.filter((m) => names.includes(m.name));
}

export function natsOptions(config: Config) {
  return {
    servers: config.NATS_URL.split(",").map((s) => s.trim()),
    ...(config.NATS_USER ? { user: config.NATS_USER, pass: config.NATS_PASSWORD } : {}),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    // nats.js otherwise captures a stack trace (an Error) for every request it
    // sends, in case it times out: a few per cent of a busy node's CPU, for a
    // trace that would only point into the event store.
    noAsyncTraces: true,
  };
}

/** The connection a node (or the REPL) reads and writes the streams through, named `<nodeID>-events` in NATS's monitoring. */
export function connectEvents(config: Config, nodeID: string): Promise<NatsConnection> {
  return connect({ ...natsOptions(config), name: `${nodeID}-events` });
}

export async function startNode(opts: StartNodeOptions): Promise<RunningNode> {
  const { config } = opts;
  const factories: Record<string, ServiceFactory> = {};
  for (const system of opts.systems) Object.assign(factories, system.services);
  if (opts.gateway) factories.api = opts.gateway(opts.systems);
  const names = selectServices(config.SERVICES, Object.keys(factories));

  const broker = new ServiceBroker(opts.brokerOptions);
  const nc = await connectEvents(config, broker.nodeID);
  const events = new EventStore(nc, config);
  const health = healthOf(broker);
  const vitals = watchVitals(health, nc, {
    maxLoopDelayMs: config.LIVENESS_MAX_LOOP_DELAY_MS,
    loopWindowMs: config.LIVENESS_WINDOW_MS,
    natsDownLimitMs: config.LIVENESS_NATS_DOWN_MS,
  });
  const runtime: Runtime = {
    config,
    broker,
    nc,
    events,
    health,
    clock: opts.clock ?? systemClock,
    dataDir: (service) => join(config.DATA_DIR, service),
  };
  /** Stops the broker and lets go of the event connection (also when the broker's stop fails). */
  const release = async () => {
    try {
      await broker.stop();
    } finally {
      vitals.stop();
      await nc.drain().catch(() => {});
    }
  };
  let started = false;
  try {
    for (const name of names) {
      const factory = factories[name];
      if (factory) broker.createService(factory(runtime));
    }
    // Every node reports its breakers and times its appends (operators, /metrics).
    broker.createService(opsService(broker));
    timeAppends(broker, events);
    health.register("started", () => (started ? { ok: true } : { ok: false, detail: "starting" }));
    await opts.beforeStart?.(broker);
    await broker.start();
  } catch (err) {
    // A node that cannot start (a bad setting, a store it cannot open) lets go
    // of its connections, so whoever started it in-process keeps running clean.
    await release().catch(() => {});
    throw err;
  }
  started = true;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      health.startShutdown();
      // Load balancers see the failed readiness before the listener closes.
      if (config.SHUTDOWN_DRAIN_MS > 0) await new Promise((r) => setTimeout(r, config.SHUTDOWN_DRAIN_MS));
      await release();
    })();
    return stopping;
  };
  return { broker, runtime, services: names, stop };
}
