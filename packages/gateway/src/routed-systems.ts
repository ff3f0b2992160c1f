// The systems as the gateway serves them. Their routes are declared on their
// actions (`endpoint`); the gateway reads them once, at start.
import type { Role, RouteSpec, SystemModule } from "@seed/platform";
import { type Config, routesOf } from "@seed/platform/node";

/** A system as the gateway serves it: its name (the path prefix), its roles and the routes its actions declare. */
export interface RoutedSystem {
  name: string;
  roles: readonly Role[];
  routes: RouteSpec[];
}

/** The routes of each system, read from its actions without starting any (see `routesOf`). */
export function routedSystems(systems: SystemModule[], config?: Config): RoutedSystem[] {
  return systems.map((system) => ({ name: system.name, roles: system.roles, routes: routesOf(system, config) }));
}
