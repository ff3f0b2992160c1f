// One error family for every service. Each error carries the HTTP status
// as its `code` and the API's error name as its `type`, so the gateway maps any
// of them in one place, even after they crossed NATS as plain Moleculer errors.
import { Errors } from "moleculer";
import { Refusal } from "./domain.js";

export type ErrorName =
  | "BadRequest"
  | "Unauthorized"
  | "PaymentDeclined"
  | "Forbidden"
  | "NotFound"
  | "MethodNotAllowed"
  | "Conflict"
  | "PayloadTooLarge"
  | "ValidationError"
  | "TooManyRequests"
  | "ServiceUnavailable";

export interface ErrorDetail {
  path: string;
  message: string;
  /** The value that holds now, when a refusal names it (e.g. a product's current price). */
  current?: number;
}

/**
 * What a refusal may tell besides its message: each schema violation with its
 * JSON pointer (422), or facts a client can act on (a 409's current price).
 */
export type ErrorDetails = ErrorDetail[] | Record<string, unknown>;

export interface ErrorData {
  details?: ErrorDetails;
  /**
   * The business rule that refused a command, e.g. "OutOfStock": a stable
   * PascalCase code that reaches the client as `reason`.
   */
  rule?: string;
  /** Seconds a client should wait before retrying (503, 429). */
  retryAfter?: number;
  /** A 503 given before anything was done: another replica may take the call at once. */
  nothingDone?: boolean;
  /**
   * The action failed because a call it made failed (timeout, no node, open
   * breaker): the fault is further down the chain. Breakers of the calls up
   * the chain do not count it against the node that merely passed it on.
   */
  dependency?: boolean;
}

export class ApiError extends Errors.MoleculerError {
  constructor(status: number, name: ErrorName, message: string, data: ErrorData = {}) {
    super(message, status, name, data);
    // Client errors must not be retried by the broker's retry policy.
    this.retryable = status === 503;
  }
}

export const badRequest = (message: string) => new ApiError(400, "BadRequest", message);
export const unauthorized = (message = "authentication required") => new ApiError(401, "Unauthorized", message);
// The refusals below come from a business rule, so each names it: `reason`
// is required, and a client can branch on it without parsing the message.
export const paymentDeclined = (reason: string, message: string) =>
  new ApiError(402, "PaymentDeclined", message, { rule: reason });
export const forbidden = (reason: string, message: string) => new ApiError(403, "Forbidden", message, { rule: reason });
export const notFound = (what: string, id?: string) =>
  new ApiError(404, "NotFound", id === undefined ? `${what} not found` : `${what} ${id} not found`);
/** A business rule forbids the command now; `reason` names it (e.g. "OutOfStock"); `details` are facts to act on. */
export const conflict = (reason: string, message: string, details?: Record<string, unknown>) =>
  new ApiError(409, "Conflict", message, details === undefined ? { rule: reason } : { rule: reason, details });
/** The request matches the schema, but a rule about its values refuses it (a date that does not exist). */
export const invalidValue = (reason: string, message: string, details: ErrorDetail[] = []) =>
  new ApiError(422, "ValidationError", message, { rule: reason, details });
/** The request does not match its schema: `details` lists each violation; no reason. */
export const validationError = (message: string, details: ErrorDetail[] = []) =>
  new ApiError(422, "ValidationError", message, { details });
export const unavailable = (message = "a dependency is unavailable, try again shortly", retryAfter = 2) =>
  new ApiError(503, "ServiceUnavailable", message, { retryAfter });
/**
 * The system's stream does not answer (NATS down, a stream leader being
 * elected). Every replica of every service fails alike meanwhile, so it is
 * no endpoint's failure: counted, it would open the callers' breakers on
 * each replica and keep refusing for their half-open time after the stream
 * is back. Marked as a dependency's, as a failed call is (breaker.ts).
 */
export const storeUnavailable = () =>
  new ApiError(503, "ServiceUnavailable", "the event store is unavailable, try again shortly", {
    retryAfter: 2,
    dependency: true,
  });
/**
 * The aggregate was busy with another command (one waiting on a slow
 * dependency) until the caller's deadline, so this one never started. The
 * endpoint did not fail: marked as a dependency's, so the callers' breakers
 * do not open for every other aggregate it serves.
 */
export const aggregateBusy = (what: string) =>
  new ApiError(503, "ServiceUnavailable", `${what} is busy with another request; nothing was changed, try again`, {
    retryAfter: 1,
    dependency: true,
  });
/** This replica cannot serve the call yet (its copy is behind) and did nothing: the caller's broker tries another. */
export const notReadyHere = (message: string) =>
  new ApiError(503, "ServiceUnavailable", message, { retryAfter: 1, nothingDone: true });

/** True for an error that a command decided (4xx), as opposed to infrastructure failure. */
export function isClientError(err: unknown): err is Errors.MoleculerError {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "number" && code >= 400 && code < 500 && (err as { type?: string }).type !== undefined;
}

/**
 * The business rule that refused a command, whether the refusal is still the
 * domain's own (inside a service) or came back from an action as an ApiError.
 */
export function ruleOf(err: unknown): string | undefined {
  if (err instanceof Refusal) return err.rule;
  return isClientError(err) ? (err.data as ErrorData | undefined)?.rule : undefined;
}
