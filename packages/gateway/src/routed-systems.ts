// The systems as the gateway serves them. Their routes are declared on their
// actions (`endpoint`); the gateway reads them once, at start.
import { type Config, type RouteSpec, routesOf, type SystemModule } from "@seed/platform";

/** A system as the gateway serves it: its name (the path prefix) and the routes its actions declare. */
export interface RoutedSystem {
  name: string;
  routes: RouteSpec[];
}

/** The routes of each system, read from its actions without starting any (see `routesOf`). */
export function routedSystems(systems: SystemModule[], config?: Config): RoutedSystem[] {
  return systems.map((system) => ({ name: system.name, routes: routesOf(system, config) }));
}
