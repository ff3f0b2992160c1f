// How a system publishes its HTTP resources. An action declares its route
// beside its handler (`endpoint`); the gateway reads those declarations and
// turns them into moleculer-web aliases and the OpenAPI document, so one
// declaration drives routing, auth and docs.
import { Type as T, type TSchema } from "@sinclair/typebox";
import type { ActionSchema } from "moleculer";
import { ULID_PATTERN } from "./ids.js";

/**
 * A role a user holds, e.g. "admin". The systems declare theirs
 * (`SystemModule.roles`, from `defineRoles`); the gateway accepts only those of
 * the systems it serves. A system's own declarations use its narrower role type.
 */
export type Role = string;

/** The caller, as the gateway puts it in `ctx.meta.user` after verifying the token. */
export interface User {
  id: string;
  username: string;
  roles: Role[];
}

/** What the gateway puts in `ctx.meta` for every call it makes. */
export interface RequestMeta {
  user?: User;
  requestId?: string;
  /** The Idempotency-Key header of a POST, when the client sent one. */
  idempotencyKey?: string;
  /** When that key was first seen (ms); seeds ids created under the key. */
  idempotencyTime?: number;
  /** Label language asked by `?lang=`; views answer Korean labels by default. */
  lang?: "ko" | "en";
  /** Set by an action to choose the HTTP status (e.g. 201 vs 200). */
  $statusCode?: number;
  $responseHeaders?: Record<string, string>;
}

/** Statuses whose answers name a business rule as `reason`. */
export type RefusalCode = 402 | 403 | 409 | 422;
export type RouteReasons = Partial<Record<RefusalCode, string[]>>;

/** A path parameter unless the route says otherwise: an id the server issued. */
export const PathId = T.String({ pattern: ULID_PATTERN, description: "a 26-character id" });

const PATH_PARAM = /:([A-Za-z0-9_]+)/g;

/** The path parameters of a route with their schemas, in path order. */
export function pathParamsOf(route: Pick<RouteSpec, "path" | "pathParams">): Array<[name: string, schema: TSchema]> {
  return [...route.path.matchAll(PATH_PARAM)].map((m) => {
    const name = m[1] as string;
    return [name, route.pathParams?.[name] ?? PathId];
  });
}

/** A route as the gateway serves it: what an action declares, with the action's name and its system's tag. */
export interface RouteSpec {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Express-style path, e.g. `/shop/orders/:id/cancel`. */
  path: string;
  /** Moleculer action that serves it, e.g. `shop.order.cancel`. */
  action: string;
  /** Roles allowed at all; "any" = every authenticated user; "public" = no token. Owner checks happen in the service. */
  roles: Role[] | "any" | "public";
  summary: string;
  /** Request body schema (closed). The action receives body fields, path params and query merged flat. */
  body?: TSchema;
  /** Query string schema (list filters, paging). */
  query?: TSchema;
  /** Success status: 200 by default; 201 adds a Location header `<path>/<id>`. */
  status?: 200 | 201 | 202;
  /** Field of a 201 result that names the created resource in `Location` (default `id`). */
  locationKey?: string;
  /** Schema of the success body, for the OpenAPI document. */
  response: TSchema;
  /** Error statuses this route can answer beyond 400/401/403/422/429 (e.g. 404, 409, 503). */
  errors?: number[];
  /**
   * The refusals this route can answer, by status: each a stable PascalCase
   * `reason` (e.g. `{ 409: ["OutOfStock"] }`). The gateway adds its own
   * (RoleRequired, the Idempotency-Key's); a status listed here is one the
   * route answers. The OpenAPI document lists them per operation.
   */
  reasons?: RouteReasons;
  /**
   * Schemas of path parameters that are not ids (e.g. a product code). Every
   * other path parameter is a 26-character id; a value that cannot be one
   * answers 404, as an unknown id does.
   */
  pathParams?: Record<string, TSchema>;
  /** Example request body, for the docs. */
  example?: unknown;
  tag: string;
}

/**
 * The route an action declares. The action's name and the tag come from where
 * it is declared (service and system); its body or query is, in most routes,
 * the action's own `params`.
 */
export interface HttpRoute<R extends Role = Role>
  extends Omit<RouteSpec, "action" | "tag" | "body" | "query" | "roles"> {
  /** Roles allowed at all, from the declaring system's own roles. */
  roles: R[] | "any" | "public";
  /** The action's `params` are the request body (POST) or its query string (lists). */
  input?: "body" | "query";
  /** The body, when the action's `params` hold more than it (the path params beside it). */
  body?: TSchema;
}

/** An action that is also an HTTP endpoint. */
export interface Endpoint<R extends Role = Role> extends ActionSchema {
  http: HttpRoute<R>;
}

/**
 * Declares an action with its HTTP route, so a reader sees the route, its
 * roles, its schemas and the handler in one block:
 *
 *     cancel: endpoint({
 *       http: { method: "POST", path: "/shop/orders/:id/cancel", roles: "any", summary: "…", response: OrderResource },
 *       params: ByIdParams,
 *       async handler(ctx) { … },
 *     }),
 */
export function endpoint<R extends Role = Role>(action: Endpoint<R>): Endpoint<R> {
  return action;
}

/** The route `action` declares, as the gateway serves it; undefined for an action without one. */
export function routeOfAction(action: unknown, name: string, tag: string): RouteSpec | undefined {
  // An action may also be a bare handler (a function) or `false` (disabled): neither has a route.
  if (typeof action !== "object" || action === null || !("http" in action)) return undefined;
  const { http, params } = action as Endpoint;
  const { input, body, ...route } = http;
  if (input && !params)
    throw new Error(`${name}: route ${http.method} ${http.path} takes its ${input} from params it does not have`);
  if (input && body) throw new Error(`${name}: route ${http.method} ${http.path} declares both input and body`);
  return {
    ...route,
    action: name,
    tag,
    ...(input === "body" ? { body: params as TSchema } : body ? { body } : {}),
    ...(input === "query" ? { query: params as TSchema } : {}),
  };
}
