// The two routes of a resource's read side, derived from one declaration: the
// resource's collection path, schema and who may read it. Everything else of
// the routes follows from how `ownedReadActions` answers.
import type { TSchema } from "@sinclair/typebox";
import type { HttpRoute, Role } from "./http.js";
import { PageOf } from "./list.js";

/** Who may call a read route at all: some of the system's roles, or every signed-in user. */
export type ReadRoles<R extends Role> = R[] | "any";

export interface ReadResource<R extends Role = Role> {
  /** The collection, e.g. "/shop/orders"; one resource is at `<path>/:<idParam>`. */
  path: string;
  /** One resource as the client sees it; the list answers pages of it. */
  schema: TSchema;
  /** Who may call both routes; owner checks happen in the handlers. */
  roles: ReadRoles<R>;
  /** When one resource is open to more callers than the list (the owner check still applies). */
  getRoles?: ReadRoles<R>;
  /** Schemas of path parameters that are not ids (e.g. a product code as the id param). */
  pathParams?: Record<string, TSchema>;
  /** `get` defaults to "One <name>", `list` to "List <collection>". */
  summaries?: { get?: string; list?: string };
}

export interface ReadRouteFacts<R extends Role> {
  name: string;
  idParam: string;
  /** Roles that see every resource; "any": nobody is refused as not the owner. */
  staff: R[] | "any";
}

/** True when some caller the route lets in is refused for not owning the resource. */
function refusesNonOwners<R extends Role>(roles: ReadRoles<R>, staff: R[] | "any"): boolean {
  if (staff === "any") return false;
  return roles === "any" || roles.some((r) => !staff.includes(r));
}

export function readRoutes<R extends Role>(
  r: ReadResource<R>,
  facts: ReadRouteFacts<R>,
): { get: HttpRoute<R>; list: Omit<HttpRoute<R>, "input"> } {
  const getRoles = r.getRoles ?? r.roles;
  const notOwner = refusesNonOwners(getRoles, facts.staff);
  const collection = r.path.slice(r.path.lastIndexOf("/") + 1);
  return {
    get: {
      method: "GET",
      path: `${r.path}/:${facts.idParam}`,
      roles: getRoles,
      summary: r.summaries?.get ?? `One ${facts.name}`,
      response: r.schema,
      // A route open to every user has no role refusal, so its 403 is only the owner's.
      errors: notOwner && getRoles === "any" ? [403, 404] : [404],
      ...(notOwner ? { reasons: { 403: ["NotOwner"] } } : {}),
      ...(r.pathParams ? { pathParams: r.pathParams } : {}),
    },
    list: {
      method: "GET",
      path: r.path,
      roles: r.roles,
      summary: r.summaries?.list ?? `List ${collection}`,
      response: PageOf(r.schema),
    },
  };
}
