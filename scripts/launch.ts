// How `npm start`, `npm run node` and the test helpers build a node from the
// config: the systems it runs (only their code is loaded), the gateway, the
// broker settings, and a health server for nodes that run no gateway.
import type { Clock, SystemModule } from "@seed/platform";
import {
  type Config,
  type HealthServer,
  type RunningNode,
  selectServices,
  startHealthServer,
  startNode,
  systemsToLoad,
} from "@seed/platform/node";
import type { Middleware, ServiceBroker } from "moleculer";
import brokerConfig from "../broker.config.js";
import { catalog, catalogRoles, loadSystems } from "./catalog.js";

export interface LaunchOptions {
  /** Moleculer namespace; nodes only see nodes of the same one. Default: broker.config's. */
  namespace?: string;
  /** Port of the health server of a node without the gateway; 0 = a free one. */
  healthPort?: number;
  /** "Now" of the node's services (tests move time); default: the system clock. */
  clock?: Clock;
  /** Broker middlewares added after the platform's own and before Moleculer's (the fault tests' crash points). */
  middlewares?: Middleware[];
}

export interface LaunchedNode {
  node: RunningNode;
  /** The gateway's URL, or the health server's on a node without the gateway. */
  url: string;
  hasGateway: boolean;
  health?: HealthServer;
  /** Graceful: readiness off, in-flight requests finish, consumers drain, then the health server closes. */
  stop(): Promise<void>;
}

/** Names of every service the systems offer, plus "api" (the gateway). */
export function allServices(): string[] {
  return [...catalog.flatMap((s) => s.services), "api"];
}

export async function launchNode(config: Config, opts: LaunchOptions = {}): Promise<LaunchedNode> {
  const brokerOptions = brokerConfig(config, opts.middlewares);
  if (opts.namespace) brokerOptions.namespace = opts.namespace;
  // Signals are ours (stopOnSignals): Moleculer's own handler would exit the
  // process right after the broker stopped, before the health server and a
  // local nats-server were stopped.
  brokerOptions.skipProcessEventRegistration = true;
  const selected = selectServices(config.SERVICES, allServices());
  const hasGateway = selected.includes("api");
  // The gateway's code is loaded with the systems' only when this node serves HTTP.
  const [systems, gateway] = await Promise.all([
    loadSystems(systemsToLoad(catalog, selected, config.GATEWAY_SYSTEMS)),
    hasGateway ? import("@seed/gateway").then((g) => g.createGateway) : undefined,
  ]);
  // A node without the gateway serves its probes from before its services
  // replay their copies: /health/ready answers 503 until they have caught up.
  let health: HealthServer | undefined;
  let node: RunningNode;
  try {
    node = await startNode({
      config,
      brokerOptions,
      systems,
      ...(gateway ? { gateway: (served: SystemModule[]) => gateway(served, catalogRoles) } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(hasGateway
        ? {}
        : {
            beforeStart: async (broker: ServiceBroker) => {
              health = await startHealthServer(broker, { port: opts.healthPort ?? 0, host: config.HOST });
            },
          }),
    });
  } catch (err) {
    await health?.close();
    throw err;
  }
  const host = config.HOST === "0.0.0.0" || config.HOST === "::" ? "localhost" : config.HOST;
  return {
    node,
    url: health ? health.url : `http://${host}:${config.PORT}`,
    hasGateway,
    ...(health ? { health } : {}),
    stop: async () => {
      await node.stop();
      await health?.close();
    },
  };
}
