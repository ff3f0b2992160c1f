// The "api" service: moleculer-web configured with our route table, error
// answer and request bookkeeping. Everything it does per request lives in
// GatewayCore and the handlers; this file only wires them into moleculer-web.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Server } from "node:net";
import type { Role, ServiceFactory, SystemModule } from "@seed/platform";
import type { Config } from "@seed/platform/node";
import type { CallingOptions, Service, ServiceBroker, ServiceSchema } from "moleculer";
import ApiGateway, { type ApiSettingsSchema } from "moleculer-web";
import { AllowedMethods } from "./allowed-methods.js";
import { checkRouteRoles, rolesOf } from "./auth/roles.js";
import { GatewayCore } from "./core.js";
import { flowAliases } from "./flows.js";
import { LiveStreams } from "./live.js";
import type { GatewayRequest } from "./request.js";
import { clientRequestId } from "./request.js";
import { type RoutedSystem, routedSystems } from "./routed-systems.js";
import { buildRoutes, checkRoutes, corsSettings } from "./routes.js";

type HttpHandler = (this: Service, req: IncomingMessage, res: ServerResponse, next?: unknown) => Promise<void>;
const baseHttpHandler = ApiGateway.methods?.httpHandler as HttpHandler | undefined;

/**
 * A gateway for these systems, as a service factory for `startNode`. `roles`:
 * those its users and tokens may hold; by default those the systems declare.
 */
export function createGateway(modules: SystemModule[], roles: readonly Role[] = rolesOf(modules)): ServiceFactory {
  return (rt) => {
    // The systems' services need not run on this node: their routes are read
    // from their actions' declarations, built here and never started.
    const systems = routedSystems(modules, rt.config);
    checkRoutes(systems);
    checkRouteRoles(systems);
    const gw = new GatewayCore(rt, roles);
    const live = new LiveStreams(gw, rt.nc, systems);
    const routes = buildRoutes(gw, systems, live, flowAliases(gw, rt.broker, rt.events, systems));
    gw.useRoutes(new AllowedMethods(routes));
    const schema: ServiceSchema<ApiSettingsSchema> = {
      name: "api",
      mixins: [ApiGateway],
      settings: {
        port: rt.config.PORT,
        ip: rt.config.HOST,
        routes,
        cors: corsSettings(rt.config.CORS_ORIGINS),
        // qs: no nested objects beyond one level, no huge arrays from a query string.
        qsOptions: { depth: 1, arrayLimit: 50, parameterLimit: 100 },
        onError(req: IncomingMessage, res: ServerResponse, err: Error) {
          gw.fail(req as GatewayRequest, res, err);
        },
        // One request id for the whole call chain: the client's when it is safe,
        // else the context's own id, which Moleculer makes for every call
        // anyway (moleculer-web would pass the client's header unchecked).
        // (moleculer-web accepts a function here; its typings know only the
        // object form.)
        ...({
          rootCallOptions(options: CallingOptions, req: IncomingMessage) {
            options.requestID = clientRequestId(req);
          },
        } as Record<string, unknown>),
        // Per-request logs would cost more than the request at load; params may
        // hold passwords. Below the debug level they are not even formatted:
        // moleculer-web builds each line before the logger drops it.
        logRequest: requestLines(rt.config),
        logResponse: requestLines(rt.config),
        logRequestParams: null,
        logResponseData: null,
        logRouteRegistration: "debug",
      },
      actions: {
        // api.rest serves each HTTP request as a local action. It must not be
        // retried (the body stream is consumed), queued by the bulkhead (the
        // callee's bulkhead protects the services) or broken by a breaker (its
        // failures are other services' failures, answered as 503 already).
        rest: {
          bulkhead: { enabled: false },
          circuitBreaker: { enabled: false },
          retryPolicy: { enabled: false },
        },
        // moleculer-web's route-management actions are not part of our API.
        listAliases: false,
        addRoute: false,
        removeRoute: false,
      } as ServiceSchema["actions"],
      methods: {
        // Wraps moleculer-web's entry point to time every request, matched or not.
        httpHandler(this: Service, req: IncomingMessage, res: ServerResponse, next?: unknown) {
          const startedAt = process.hrtime.bigint();
          res.once("finish", () => gw.observe(req as GatewayRequest, res, startedAt));
          return baseHttpHandler?.call(this, req, res, next);
        },
      },
      created(this: Service) {
        gw.useLogger(this.logger);
      },
      async started(this: Service) {
        await gw.start();
        rt.health.register("api", () =>
          serverOf(this)?.listening ? { ok: true } : { ok: false, detail: "HTTP server not listening" },
        );
        rt.health.register("api routes", warmUp(this.broker, systems));
      },
      async stopped() {
        // Before moleculer-web closes the server, which waits for every open connection.
        live.close();
        rt.health.unregister("api");
        rt.health.unregister("api routes");
      },
    };
    return schema;
  };
}

/** The level of moleculer-web's per-request lines: debug, or none when the log would drop them. */
function requestLines(config: Config): "debug" | null {
  return config.LOG_LEVEL === "debug" || config.LOG_LEVEL === "trace" ? "debug" : null;
}

/** Longest a new gateway waits to see the services of its routes before it takes traffic anyway. */
const WARM_UP_MS = 3000;

/**
 * A gateway that just started has not yet heard of the nodes serving its
 * routes; traffic sent to it then would be answered 503. It reports ready once
 * every routed action has a node, or once the warm-up is over (a system that
 * is down must not keep the gateway of every other system out of service).
 */
function warmUp(broker: ServiceBroker, systems: RoutedSystem[]): () => { ok: boolean; detail?: string } {
  const actions = [...new Set(systems.flatMap((s) => s.routes.map((r) => r.action)))];
  const until = Date.now() + WARM_UP_MS;
  let warm = false;
  return () => {
    if (warm) return { ok: true };
    const missing = actions.filter((a) => !broker.registry.actions.isAvailable(a));
    warm = missing.length === 0 || Date.now() > until;
    return warm ? { ok: true } : { ok: false, detail: `discovering services (${missing.length} routes unserved)` };
  };
}

function serverOf(service: Service | null | undefined): Server | undefined {
  return (service as { server?: Server } | null | undefined)?.server;
}

/** Where the gateway of this broker listens (PORT=0 picks a free port). */
export function gatewayAddress(broker: ServiceBroker): { host: string; port: number } | undefined {
  const addr = serverOf(broker.getLocalService("api"))?.address();
  if (!addr || typeof addr === "string") return undefined;
  const { address, port } = addr as AddressInfo;
  return { host: address, port };
}
