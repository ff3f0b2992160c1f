// The HTTP routes of a system, read from its actions' declarations. The
// gateway may run on a node without the system's services, so the service
// schemas are built here from the system's factories and never started: the
// runtime they get carries the node's config and nothing that connects.
import { join } from "node:path";
import { systemClock } from "./clock.js";
import { type Config, loadConfig } from "./config.js";
import { type RouteSpec, routeOfAction } from "./http.js";
import type { Runtime, SystemModule } from "./node.js";

/** A stand-in for what a running node would give: touching it while describing is a mistake, named. */
function absent(what: string): never {
  return new Proxy(
    {},
    {
      get(_, key) {
        throw new Error(`${what}.${String(key)} is not available while a service is only described`);
      },
    },
  ) as never;
}

function describingRuntime(config: Config): Runtime {
  return {
    config,
    broker: absent("broker"),
    nc: absent("nc"),
    events: absent("events"),
    health: absent("health"),
    clock: systemClock,
    dataDir: (service) => join(config.DATA_DIR, service),
  };
}

/**
 * Every route the system's actions declare, in the order of its services and
 * their actions. `config` defaults to the settings' defaults (the platform's
 * and the system's own): routes never depend on settings, but some factories
 * read them while building.
 */
export function routesOf(system: SystemModule, config: Config = loadConfig({}, [system])): RouteSpec[] {
  const rt = describingRuntime(config);
  const routes: RouteSpec[] = [];
  for (const factory of Object.values(system.services)) {
    const schema = factory(rt);
    for (const [name, action] of Object.entries(schema.actions ?? {})) {
      const route = routeOfAction(action, `${schema.name}.${name}`, system.name);
      if (route) routes.push(route);
    }
  }
  return routes;
}
