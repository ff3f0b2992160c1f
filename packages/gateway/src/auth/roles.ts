// The roles a gateway knows are those the systems declare (the launcher gives
// every system's, also to a gateway serving only some): a users file naming
// another role is refused, a token's other roles are ignored, and a route may
// only name roles its own system declares.
import type { Role, RouteSpec } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";

/** Every role the systems declare, each once, in the order they declare them. */
export const rolesOf = (systems: ReadonlyArray<{ roles: readonly Role[] }>): Role[] => [
  ...new Set(systems.flatMap((s) => s.roles)),
];

/** The schema of one of these roles. */
export const RoleSchema = (roles: readonly Role[]) => T.Union(roles.map((r) => T.Literal(r)));

/** Throws at start when a route names a role its system does not declare. */
export function checkRouteRoles(
  systems: ReadonlyArray<{ name: string; roles: readonly Role[]; routes: readonly RouteSpec[] }>,
): void {
  for (const system of systems) {
    for (const route of system.routes) {
      if (!Array.isArray(route.roles)) continue;
      const unknown = route.roles.filter((r) => !system.roles.includes(r));
      if (unknown.length > 0) {
        throw new Error(
          `${system.name}: route ${route.method} ${route.path} names roles the system does not declare: ${unknown.join(", ")}`,
        );
      }
    }
  }
}
