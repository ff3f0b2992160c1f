// Every synchronous call carries the time by which its caller stops waiting
// (`meta.deadline`, ms since epoch; the earliest of the whole call chain). A
// command that would complete after its caller gave up is refused instead: a
// 503 then really means that nothing changed.
import {
  type ActionHandler,
  type ActionSchema,
  type CallingOptions,
  type Context,
  Errors,
  type Middleware,
  type Service,
  type ServiceBroker,
} from "moleculer";
import type { ErrorData } from "./errors.js";

/** Appends this close to the deadline are refused: the answer could not arrive in time. */
export const DEADLINE_MARGIN_MS = 100;

interface DeadlineMeta {
  deadline?: number;
}

export function deadlineOf(ctx: Pick<Context, "meta">): number | undefined {
  return (ctx.meta as DeadlineMeta).deadline;
}

type Call = (actionName: string, params?: unknown, opts?: CallingOptions) => Promise<unknown>;

/**
 * A call made inside another stops waiting this long before its caller does,
 * so that its failure ("payment timed out") reaches the caller as an answer
 * before the caller's own timeout, and each breaker blames the right hop.
 */
export const NESTED_CALL_MARGIN_MS = 50;

/**
 * Broker middleware for time:
 * - `call` stamps the deadline on every call, and gives a call made inside
 *   another what is left of its caller's time minus NESTED_CALL_MARGIN_MS;
 *   with nothing left, the call is not sent at all;
 * - a call made inside an action that answers 503 is marked as a failure of a
 *   dependency (ErrorData.dependency): the action only passes it on, and
 *   breakers up the chain do not count it against the action's node;
 * - `localAction`/`remoteAction` end a call at its timeout from inside the
 *   circuit breaker. Moleculer's own timeout sits outside its breaker, which
 *   then never learns that a call timed out; this bound is what makes a slow
 *   dependency open the breaker of its callers.
 * One per broker (it keeps the broker's default timeout). Moleculer's
 * typings describe the `call` hook's result as a promise; at run time it is
 * the wrapped call function, as written here.
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
        const called = next(actionName, params, opts);
        if (!opts.parentCtx) return called;
        // The calling context reads the callee's meta from `ctx` of the promise it gets.
        return Object.assign(called.catch(markAsDependency), { ctx: (called as { ctx?: unknown }).ctx });
      };
    },
    localAction: boundByTimeout,
    remoteAction: boundByTimeout,
  } as unknown as Middleware;
}

function markAsDependency(err: unknown): never {
  const e = err as { code?: number; data?: ErrorData };
  if (e?.code === 503) e.data = { ...e.data, dependency: true };
  throw err;
}

function boundByTimeout(handler: ActionHandler, action: ActionSchema): ActionHandler {
  return function (this: Service, ctx: Context) {
    const result = handler.call(this, ctx) as Promise<unknown>;
    const timeout = ctx.options.timeout ?? 0;
    if (timeout <= 0) return result;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Errors.RequestTimeoutError({ action: action.name as string, nodeID: ctx.nodeID ?? "" })),
        timeout,
      );
    });
    return Promise.race([result, expired]).finally(() => clearTimeout(timer));
  };
}
