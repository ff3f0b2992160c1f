// The one place where any error becomes an HTTP answer. Errors arrive from
// many sources — our own ApiError family (possibly after crossing NATS as a
// plain Moleculer error), Moleculer's validator and transit, moleculer-web's
// router and body-parser — and every one leaves as
// `{error, reason?, message, details?, requestId}`. Anything not recognised is a 500
// with a fixed message: internal names, node ids, subjects and stacks never
// reach a client.
import type { ErrorDetail, ErrorDetails, ErrorName } from "@seed/platform";
import { isUnavailable } from "@seed/platform/node";
import type { PreparedResponse } from "./respond.js";

export interface Problem {
  status: number;
  error: ErrorName | "InternalError";
  /** The business rule that refused the request (the error's `data.rule`), e.g. "OutOfStock". */
  reason?: string;
  message: string;
  /** Each violation with its JSON pointer (422), or what a client can act on (a 409's current price). */
  details?: ErrorDetails;
  /** Seconds, for 429 and 503. */
  retryAfter?: number;
  /** The methods a known path takes (405). */
  allow?: string[];
}

const API_ERRORS: Record<ErrorName, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  PaymentDeclined: 402,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  Conflict: 409,
  PayloadTooLarge: 413,
  ValidationError: 422,
  TooManyRequests: 429,
  ServiceUnavailable: 503,
};

const isApiErrorName = (t: unknown): t is ErrorName => typeof t === "string" && Object.hasOwn(API_ERRORS, t);

/** Error names for a status when the thrower used no name of ours. */
const BY_STATUS: Record<number, [ErrorName, string]> = {
  400: ["BadRequest", "bad request"],
  401: ["Unauthorized", "authentication required"],
  403: ["Forbidden", "not allowed"],
  404: ["NotFound", "not found"],
  405: ["MethodNotAllowed", "method not allowed"],
  409: ["Conflict", "conflict"],
  413: ["PayloadTooLarge", "request body too large"],
  422: ["ValidationError", "invalid request"],
  429: ["TooManyRequests", "too many requests"],
};

// body-parser's error types (moleculer-web keeps `type` when it wraps them).
const BODY_ERRORS: Record<string, string> = {
  "entity.parse.failed": "request body is not valid JSON",
  "entity.verify.failed": "request body could not be verified",
  "charset.unsupported": "unsupported charset: send UTF-8 JSON",
  "encoding.unsupported": "unsupported content encoding",
  "request.aborted": "request aborted",
  "request.size.invalid": "request body size does not match Content-Length",
  "stream.encoding.set": "bad request",
  "stream.not.readable": "bad request",
  "parameters.too.many": "too many parameters",
};

// Infrastructure failures that have a 4xx/5xx code of their own in Moleculer
// but mean "a dependency is down or slow" to a client.
const UNAVAILABLE_EXTRA = new Set(["SERVICE_UNAVAILABLE", "REQUEST_TIMEOUT", "QUEUE_FULL", "NOT_AVAILABLE"]);

interface ErrorShape {
  code?: unknown;
  type?: unknown;
  message?: unknown;
  data?: unknown;
  status?: unknown;
}

const shape = (err: unknown): ErrorShape => (typeof err === "object" && err !== null ? (err as ErrorShape) : {});

function retryAfterOf(data: unknown, fallback: number): number {
  const v = typeof data === "object" && data !== null ? (data as { retryAfter?: unknown }).retryAfter : undefined;
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.ceil(v) : fallback;
}

/**
 * `{path, message}` and a numeric `current` (the value that holds now, given
 * by a refusal) only: validator issues also carry node ids and action names.
 */
function cleanDetails(items: unknown): ErrorDetail[] | undefined {
  if (!Array.isArray(items)) return undefined;
  const out: ErrorDetail[] = [];
  for (const item of items) {
    if (typeof item !== "object" || item === null) continue;
    const { path, field, message, current } = item as {
      path?: unknown;
      field?: unknown;
      message?: unknown;
      current?: unknown;
    };
    const pointer =
      typeof path === "string" && path.startsWith("/")
        ? path
        : typeof field === "string" && field !== ""
          ? `/${field.replaceAll(".", "/")}`
          : "/";
    const detail: ErrorDetail = { path: pointer, message: typeof message === "string" ? message : "invalid value" };
    if (typeof current === "number" && Number.isFinite(current)) detail.current = current;
    out.push(detail);
  }
  return out;
}

/** A reason is a PascalCase word: anything else in `data.rule` is not ours to show. */
const REASON = /^[A-Z][A-Za-z0-9]{1,63}$/;

function reasonOf(data: unknown): string | undefined {
  const rule = typeof data === "object" && data !== null ? (data as { rule?: unknown }).rule : undefined;
  return typeof rule === "string" && REASON.test(rule) ? rule : undefined;
}

/** A 409's details are facts for the client (plain JSON object), passed on as they are. */
function factsOf(details: unknown): Record<string, unknown> | undefined {
  if (typeof details !== "object" || details === null || Array.isArray(details)) return undefined;
  return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
}

/** One line saying what is wrong first, e.g. `qty: Expected integer (and 1 more)`. */
export function summary(details: ErrorDetail[] | undefined): string {
  const first = details?.[0];
  if (!first) return "request does not match the schema";
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : "";
  return `${first.path === "/" ? "body" : first.path.slice(1)}: ${first.message}${more}`;
}

const UNAVAILABLE: Problem = {
  status: 503,
  error: "ServiceUnavailable",
  message: "a dependency is unavailable, try again shortly",
};

/** Classifies any thrown value. `internal` = unknown, to be logged with its stack. */
export function toProblem(err: unknown): Problem & { internal?: true } {
  const e = shape(err);
  const code = typeof e.code === "number" ? e.code : typeof e.status === "number" ? e.status : undefined;
  const type = e.type;
  const message = typeof e.message === "string" ? e.message : "";

  // Our own error family, local or after crossing NATS.
  if (isApiErrorName(type)) {
    const status = code !== undefined && code >= 400 && code <= 599 ? code : API_ERRORS[type];
    const data = e.data as { details?: unknown } | undefined;
    const p: Problem = { status, error: type, message: message || (BY_STATUS[status]?.[1] ?? "error") };
    const reason = status < 500 ? reasonOf(e.data) : undefined;
    if (reason) p.reason = reason;
    const details = status === 409 ? factsOf(data?.details) : cleanDetails(data?.details);
    if (details && (!Array.isArray(details) || details.length > 0)) p.details = details;
    if (status === 503 || status === 429) p.retryAfter = retryAfterOf(e.data, status === 503 ? 2 : 1);
    return p;
  }

  if (type === "VALIDATION_ERROR") {
    const details = cleanDetails(e.data) ?? [];
    return { status: 422, error: "ValidationError", message: summary(details), details };
  }

  // Timeouts, no node, open breaker, full bulkhead, anything that says 503.
  if (isUnavailable(err) || (typeof type === "string" && UNAVAILABLE_EXTRA.has(type)) || code === 503 || code === 504) {
    return { ...UNAVAILABLE, retryAfter: retryAfterOf(e.data, 2) };
  }

  if (typeof type === "string" && type in BODY_ERRORS) {
    return { status: 400, error: "BadRequest", message: BODY_ERRORS[type] ?? "bad request" };
  }
  if (type === "entity.too.large") {
    return { status: 413, error: "PayloadTooLarge", message: "request body is too large" };
  }

  // moleculer-web's own errors.
  switch (type) {
    case "NOT_FOUND":
      return { status: 404, error: "NotFound", message: "no such route" };
    case "RATE_LIMIT_EXCEEDED":
      return { status: 429, error: "TooManyRequests", message: "rate limit exceeded", retryAfter: 1 };
    case "ORIGIN_NOT_ALLOWED":
    case "ORIGIN_NOT_FOUND":
      return { status: 403, error: "Forbidden", reason: "OriginNotAllowed", message: "origin not allowed" };
    case "UNABLE_DECODE_PARAM":
      return { status: 400, error: "BadRequest", message: "malformed URL" };
    case "NO_TOKEN":
    case "INVALID_TOKEN":
      return { status: 401, error: "Unauthorized", message: "authentication required" };
  }

  // A client error from code that did not use our names: keep the status,
  // but not the message, which nobody vetted for clients.
  const byStatus = code !== undefined ? BY_STATUS[code] : undefined;
  if (code !== undefined && byStatus) {
    const p: Problem = { status: code, error: byStatus[0], message: byStatus[1] };
    if (code === 429) p.retryAfter = retryAfterOf(e.data, 1);
    return p;
  }

  return { status: 500, error: "InternalError", message: "internal error", internal: true };
}

/** A known path asked with a method it does not take. */
export const methodNotAllowed = (method: string, allow: string[]): Problem => ({
  status: 405,
  error: "MethodNotAllowed",
  message: `${method} is not allowed here; use ${allow.join(", ")}`,
  allow,
});

/** The HTTP answer for a problem: body `{error, reason?, message, details?, requestId}` and its headers. */
export function problemResponse(p: Problem, requestId: string): PreparedResponse {
  const headers: Record<string, string> = {};
  if (p.retryAfter !== undefined) headers["Retry-After"] = String(p.retryAfter);
  if (p.status === 401) headers["WWW-Authenticate"] = 'Bearer realm="api"';
  if (p.allow) headers.Allow = p.allow.join(", ");
  const body: Record<string, unknown> = { error: p.error };
  if (p.reason) body.reason = p.reason;
  body.message = p.message;
  if (p.details && (!Array.isArray(p.details) || p.details.length > 0)) body.details = p.details;
  body.requestId = requestId;
  return { status: p.status, headers, body: JSON.stringify(body) };
}
