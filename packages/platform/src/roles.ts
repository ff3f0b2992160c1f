// A system's roles as a type. `defineRoles` in a system's own module lists
// them once; the route, read-side and owner-check helpers it returns accept
// only those names, so a misspelt role fails to compile instead of surfacing
// when the gateway starts (or never, in a staff list).
import { type Endpoint, endpoint, type Role, type User } from "./http.js";
import { ensureOwnerOr, hasRole } from "./identity.js";
import { type OwnedReadOptions, ownedReadActions, type ReadOptions, sharedReadActions } from "./read-actions.js";

export interface SystemRoles<R extends Role> {
  /** The roles, for `SystemModule.roles`. */
  readonly names: readonly R[];
  /** `endpoint`, with route roles among this system's. */
  endpoint: (action: Endpoint<R>) => Endpoint<R>;
  /** `ownedReadActions`, with staff and route roles among this system's. */
  ownedReadActions: <S, V>(o: OwnedReadOptions<S, V, R>) => { get: Endpoint<R>; list: Endpoint<R> };
  /** `sharedReadActions`, with route roles among this system's. */
  sharedReadActions: <S, V>(o: ReadOptions<S, V, R>) => { get: Endpoint<R>; list: Endpoint<R> };
  /** `ensureOwnerOr`, with staff roles among this system's. */
  ensureOwnerOr: (user: User, ownerId: string, ...staff: R[]) => void;
  /** `hasRole`, with roles among this system's. */
  hasRole: (user: User, ...roles: R[]) => boolean;
}

/** The role names of a `defineRoles` result, e.g. `"customer" | "admin"`. */
export type RoleOf<T> = T extends SystemRoles<infer R> ? R : never;

/** The platform's helpers themselves: only their types narrow, to the listed roles. */
export function defineRoles<const R extends Role>(...names: R[]): SystemRoles<R> {
  return { names, endpoint, ownedReadActions, sharedReadActions, ensureOwnerOr, hasRole };
}
