// How a system publishes its HTTP resources. Each system package exports a
// list of routes; the gateway turns them into moleculer-web aliases and the
// OpenAPI document, so one declaration drives routing, auth and docs.
import { Type as T, type TSchema } from "@sinclair/typebox";
import { ULID_PATTERN } from "./ids.js";

/**
 * A role a user holds, e.g. "admin". The systems declare theirs
 * (`SystemModule.roles`); the gateway accepts only those of the systems it serves.
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
