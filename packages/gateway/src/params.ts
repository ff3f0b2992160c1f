// From an HTTP request to the flat params of an action: body fields, query
// values and path params side by side, each checked against the route's
// TypeBox schemas first so a client gets every violation with its JSON
// pointer without a round trip to the service (which validates again).
import { ApiError, badRequest, type ErrorDetail, type RouteSpec, validationError } from "@seed/platform";
import { type Checker, compileChecker, pathParamsOf } from "@seed/platform/node";
import type { TSchema } from "@sinclair/typebox";
import { summary } from "./http-errors.js";
import type { GatewayRequest } from "./request.js";

export type Lang = "ko" | "en";

export interface RequestParams {
  /** What the action receives. */
  params: Record<string, unknown>;
  /** The body as sent (for the idempotency fingerprint). */
  body: Record<string, unknown> | undefined;
  query: Record<string, unknown>;
  lang: Lang;
}

const invalid = (details: ErrorDetail[]) => validationError(summary(details), details);

function hasBody(req: GatewayRequest): boolean {
  if (req.headers["transfer-encoding"] !== undefined) return true;
  const len = Number(req.headers["content-length"] ?? 0);
  return Number.isFinite(len) && len > 0;
}

// JSON is UTF-8 (RFC 8259). body-parser decodes any charset named "utf-*"
// (utf-7, utf-16, utf-32), which would store garbled text: refuse the rest.
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;
function isUtf8(req: GatewayRequest): boolean {
  const m = CHARSET.exec(String(req.headers["content-type"] ?? ""));
  return !m || /^utf-?8$/i.test(m[1] ?? "");
}

/**
 * The JSON object body, or undefined when none was sent. body-parser leaves
 * `req.body` undefined when the content type is not JSON: a body we could not
 * read is a 400, a JSON value that is not an object a 422.
 */
export function readJsonObject(req: GatewayRequest): Record<string, unknown> | undefined {
  const body = req.body;
  if (body === undefined) {
    if (hasBody(req)) throw badRequest("unsupported content type: send application/json");
    return undefined;
  }
  if (!isUtf8(req)) throw badRequest("unsupported charset: send UTF-8 JSON");
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid([{ path: "/", message: "request body must be a JSON object" }]);
  }
  return body as Record<string, unknown>;
}

/** Validates `value` against a TypeBox schema; 422 with every violation. */
export function check(schema: TSchema, value: unknown): void {
  const r = compileChecker(schema)(value);
  if (r !== true) throw invalid(r.map((i) => ({ path: i.path, message: i.message })));
}

const declares = (schema: TSchema | undefined, key: string): boolean =>
  typeof schema?.properties === "object" && schema.properties !== null && key in schema.properties;

/** `?lang=` picks the label language; it is the gateway's, unless a route's query schema claims it. */
function takeLang(query: Record<string, unknown>, route: RouteSpec): Lang {
  const raw = query.lang;
  if (raw !== undefined && !declares(route.query, "lang")) delete query.lang;
  if (raw === undefined || raw === "ko") return "ko";
  if (raw === "en") return "en";
  throw invalid([{ path: "/lang", message: "must be ko or en" }]);
}

const INTEGER = /^-?\d{1,15}$/;
const NUMBER = /^-?\d{1,15}(\.\d{1,15})?$/;

/**
 * Query values arrive as strings; the schema says what they become. Only a
 * plain decimal becomes a number ("1.5" is not an integer, "1e2" not a
 * number): anything else stays a string and fails the schema with a 422.
 */
function convertQuery(schema: TSchema, query: Record<string, unknown>): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, TSchema>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    const type = props[key]?.type;
    if (typeof value !== "string") out[key] = value;
    else if (type === "integer" && INTEGER.test(value)) out[key] = Number(value);
    else if (type === "number" && NUMBER.test(value)) out[key] = Number(value);
    else if (type === "boolean" && (value === "true" || value === "false")) out[key] = value === "true";
    else out[key] = value;
  }
  return out;
}

// A route's path parameters with their checkers, found once per route rather than on every request.
const pathCheckers = new WeakMap<RouteSpec, Array<[name: string, check: Checker]>>();

function pathCheckersOf(route: RouteSpec): Array<[name: string, check: Checker]> {
  let checkers = pathCheckers.get(route);
  if (!checkers) {
    checkers = pathParamsOf(route).map(([name, schema]) => [name, compileChecker(schema)]);
    pathCheckers.set(route, checkers);
  }
  return checkers;
}

/**
 * A path names a resource: a value that cannot be the parameter (a malformed
 * id) names none, so it is a 404 like an unknown id, not a 422 about input.
 */
function checkPath(route: RouteSpec, pathParams: Record<string, unknown>): void {
  for (const [name, check] of pathCheckersOf(route)) {
    const r = check(pathParams[name]);
    if (r !== true) throw new ApiError(404, "NotFound", `not found: ${name} ${r[0]?.message ?? "is not valid"}`);
  }
}

export function buildParams(route: RouteSpec, req: GatewayRequest, pathParams: Record<string, unknown>): RequestParams {
  checkPath(route, pathParams);
  const body = readJsonObject(req);
  if (route.body) {
    check(route.body, body ?? {});
  } else if (body && Object.keys(body).length > 0) {
    throw invalid(Object.keys(body).map((k) => ({ path: `/${k}`, message: "this route takes no request body" })));
  }

  let query: Record<string, unknown> = { ...(req.query ?? {}) };
  const lang = takeLang(query, route);
  if (route.query) {
    query = convertQuery(route.query, query);
    check(route.query, query);
  } else if (Object.keys(query).length > 0) {
    throw invalid(Object.keys(query).map((k) => ({ path: `/${k}`, message: "unknown query parameter" })));
  }

  if (body) {
    // A field must have one source, or a body could override a path id.
    const clashes = Object.keys(body).filter((k) => Object.hasOwn(pathParams, k) || Object.hasOwn(query, k));
    if (clashes.length > 0) {
      throw invalid(clashes.map((k) => ({ path: `/${k}`, message: "given both in the body and in the URL" })));
    }
  }
  return { params: { ...body, ...query, ...pathParams }, body, query, lang };
}
