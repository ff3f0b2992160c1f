// The moleculer-web route table: one route per system (its prefix, its
// aliases), one for /auth, one for the platform's own endpoints. Each alias
// points at a handler of ours rather than straight at an action, because the
// gateway does more per request than moleculer-web's call path allows
// (idempotency replay without calling the action, query conversion, one error
// format).
import type { RouteSpec } from "@seed/platform";
import type { ApiRouteSchema } from "moleculer-web";
import { loginHandler, meHandler } from "./auth/handlers.js";
import type { GatewayCore } from "./core.js";
import { routeHandler } from "./dispatch.js";
import type { LiveStreams } from "./live.js";
import { platformAliases } from "./platform-routes.js";
import type { AliasHandler } from "./request.js";
import type { RoutedSystem } from "./routed-systems.js";
import { webAliases } from "./web.js";

const METHODS = new Set<RouteSpec["method"]>(["GET", "POST", "PATCH", "PUT", "DELETE"]);

/**
 * Checks the systems' routes once, at start: every path under its system's
 * prefix, no method+path twice. A mistake here should stop the node, not
 * surface as a 404 in production.
 */
export function checkRoutes(systems: RoutedSystem[]): void {
  const seen = new Set<string>();
  for (const system of systems) {
    const prefix = `/${system.name}`;
    for (const r of system.routes) {
      if (!METHODS.has(r.method)) throw new Error(`${system.name}: route ${r.path} has unknown method ${r.method}`);
      if (r.path !== prefix && !r.path.startsWith(`${prefix}/`)) {
        throw new Error(`${system.name}: route ${r.method} ${r.path} must start with ${prefix}/`);
      }
      const key = `${r.method} ${r.path.replace(/:[A-Za-z0-9_]+/g, ":")}`;
      if (seen.has(key)) throw new Error(`${system.name}: route ${r.method} ${r.path} is declared twice`);
      seen.add(key);
    }
  }
}

function jsonBodyParser(limit: string) {
  return {
    json: { limit, strict: false, type: ["application/json", "application/*+json"] },
    urlencoded: false,
  };
}

export function buildRoutes(
  gw: GatewayCore,
  systems: RoutedSystem[],
  live?: LiveStreams,
  flows?: Record<string, AliasHandler>,
): ApiRouteSchema[] {
  const bodyParsers = jsonBodyParser(gw.config.BODY_LIMIT);
  const systemRoutes: ApiRouteSchema[] = systems.map((system) => {
    const prefix = `/${system.name}`;
    const aliases: NonNullable<ApiRouteSchema["aliases"]> = {};
    for (const route of system.routes) {
      const rest = route.path.slice(prefix.length) || "/";
      aliases[`${route.method} ${rest}`] = routeHandler(gw, route);
    }
    return { name: system.name, path: prefix, mappingPolicy: "restrict", bodyParsers, aliases };
  });
  const routes: ApiRouteSchema[] = [
    ...systemRoutes,
    {
      name: "auth",
      path: "/auth",
      mappingPolicy: "restrict",
      bodyParsers,
      aliases: { "POST /login": loginHandler(gw), "GET /me": meHandler(gw) },
    },
    {
      name: "platform",
      path: "/",
      mappingPolicy: "restrict",
      bodyParsers: false,
      // Probes and scrapers call these every few seconds: keep them out of the log.
      logging: false,
      aliases: platformAliases(gw, systems),
    },
    // One flow's steps across services (staff; the dashboard's flow page).
    ...(flows
      ? [{ name: "flows", path: "/flows", mappingPolicy: "restrict" as const, bodyParsers: false, aliases: flows }]
      : []),
    // The dashboard's live lists (server-sent events) and its page.
    ...(live
      ? [
          {
            name: "live",
            path: "/live",
            mappingPolicy: "restrict" as const,
            bodyParsers: false,
            aliases: live.aliases(),
          },
        ]
      : []),
    { name: "web", path: "/", mappingPolicy: "restrict", bodyParsers: false, logging: false, aliases: webAliases(gw) },
  ];
  // moleculer-web then keeps the path's parameters apart from body and query
  // (pathParams reads them) instead of merging the three into one object.
  return routes.map((route) => ({ ...route, mergeParams: false }));
}

/** CORS_ORIGINS: `*`, or a comma-separated list of origins; empty = no CORS headers. */
export function corsSettings(origins: string) {
  const list = origins
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) return undefined;
  return {
    origin: list.includes("*") ? "*" : list,
    methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowedHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"],
    exposedHeaders: ["Location", "Retry-After", "X-Request-Id", "Idempotent-Replayed"],
    maxAge: 600,
  };
}
