// Every synchronous call carries the time by which its caller stops waiting
// (`meta.deadline`, ms since epoch; the earliest of the whole call chain). A
// command that would complete after its caller gave up is refused instead: a
// 503 then really means that nothing changed.
import { type CallingOptions, type Context, Errors, type Middleware, type ServiceBroker } from "moleculer";

/** Appends this close to the deadline are refused: the answer could not arrive in time. */
export const DEADLINE_MARGIN_MS = 100;

interface DeadlineMeta {
  deadline?: number;
}

export function deadlineOf(ctx: Pick<Context, "meta">): number | undefined {
  return (ctx.meta as DeadlineMeta).deadline;
}

/**
 * By when a command must be stored: the deadline of the request it serves,
 * unless the command names its own (`"none"`: stored even after its caller
 * gave up), and never after `storeBy` (a hold that lapses) when there is one.
 */
export function commandDeadline(
  requestDeadline: number | undefined,
  own: number | "none" | undefined,
  storeBy: number | undefined,
): number | undefined {
  const deadline = own === "none" ? undefined : (own ?? requestDeadline);
  if (storeBy === undefined) return deadline;
  return deadline === undefined ? storeBy : Math.min(deadline, storeBy);
}

export type Call = (actionName: string, params?: unknown, opts?: CallingOptions) => Promise<unknown>;

/**
 * A call made inside another stops waiting this long before its caller does,
 * so that its failure ("payment timed out") reaches the caller as an answer
 * before the caller's own timeout, and each breaker blames the right hop.
 */
export const NESTED_CALL_MARGIN_MS = 50;

/**
 * Broker middleware that stamps the deadline on every call, and gives a call
 * made inside another what is left of its caller's time minus
 * NESTED_CALL_MARGIN_MS; with nothing left, the call is not sent at all. One
 * per broker (it keeps the broker's default timeout). Moleculer's typings
 * describe the `call` hook's result as a promise; at run time it is the
 * wrapped call function, as written here.
 */
export function deadlineMiddleware(): Middleware {
  let defaultTimeout = 0;
  return {
    name: "Deadlines",
    created(broker: ServiceBroker) {
      defaultTimeout = broker.options.requestTimeout ?? 0;
    },
    call(next: Call): Call {
      return (actionName, params, opts = {}) => {
        let timeout = opts.timeout ?? defaultTimeout;
        if (timeout > 0) {
          const now = Date.now();
          const inherited = (opts.parentCtx?.meta as DeadlineMeta | undefined)?.deadline;
          if (inherited !== undefined) {
            const left = inherited - now - NESTED_CALL_MARGIN_MS;
            if (left <= 0) return Promise.reject(new Errors.RequestSkippedError({ action: actionName, nodeID: "" }));
            timeout = Math.min(timeout, left);
          }
          opts = { ...opts, timeout, meta: { ...opts.meta, deadline: now + timeout } };
        }
        return next(actionName, params, opts);
      };
    },
  } as unknown as Middleware;
}
