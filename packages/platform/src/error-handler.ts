// Broker-wide error handler: infrastructure failures of a synchronous call
// (timeout, no node, open breaker, full bulkhead) all become one retryable
// 503 ServiceUnavailable, so callers and the gateway see a single kind of
// "try again shortly" whatever the cause. Everything else passes unchanged.
import type { ActionHandler, Context, Middleware, Service } from "moleculer";
import { Refusal } from "./domain.js";
import { ApiError } from "./errors.js";

const UNAVAILABLE_TYPES = new Set([
  "REQUEST_TIMEOUT",
  "SERVICE_NOT_AVAILABLE",
  "SERVICE_NOT_FOUND",
  "QUEUE_FULL",
  "CIRCUIT_BREAKER_OPEN",
  "REQUEST_SKIPPED",
  "REQUEST_REJECTED",
]);

export function isUnavailable(err: unknown): boolean {
  const type = (err as { type?: string })?.type;
  return type !== undefined && UNAVAILABLE_TYPES.has(type);
}

export function errorHandler(err: Error): never {
  if (isUnavailable(err)) {
    throw new ApiError(503, "ServiceUnavailable", "a dependency is unavailable, try again shortly", { retryAfter: 2 });
  }
  throw err;
}

const REFUSAL_NAMES = { 402: "PaymentDeclined", 403: "Forbidden", 404: "NotFound", 409: "Conflict" } as const;

/** A domain Refusal as the API error the gateway understands; a 404 names no rule (unknown is unknown). */
export function refusalAsApiError(err: Refusal): ApiError {
  if (err.status === 404) return new ApiError(404, "NotFound", err.message);
  const data = err.details ? { rule: err.rule, details: err.details } : { rule: err.rule };
  return new ApiError(err.status, REFUSAL_NAMES[err.status], err.message, data);
}

/**
 * Broker middleware: a Refusal thrown by pure domain code leaves the service
 * as an ApiError, so it crosses NATS with its status and rule intact.
 */
export const refusalMiddleware: Middleware = {
  name: "Refusals",
  localAction(handler: ActionHandler) {
    return function (this: Service, ctx: Context) {
      return handler.call(this, ctx).catch((err: unknown) => {
        throw err instanceof Refusal ? refusalAsApiError(err) : err;
      });
    };
  },
};
