// Every synchronous call carries the time by which its caller stops waiting
// (`meta.deadline`, ms since epoch; the earliest of the whole call chain). A
// command that would complete after its caller gave up is refused instead: a
// 503 then really means that nothing changed.
import type { CallingOptions, Context, Middleware, ServiceBroker } from "moleculer";

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
 * Broker middleware that stamps the deadline on every call. One per broker
 * (it keeps the broker's default timeout). Moleculer's typings describe the
 * `call` hook's result as a promise; at run time it is the wrapped call
 * function, as written here.
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
        const timeout = opts.timeout ?? defaultTimeout;
        if (timeout > 0) {
          const own = Date.now() + timeout;
          const inherited = (opts.parentCtx?.meta as DeadlineMeta | undefined)?.deadline;
          const deadline = inherited !== undefined ? Math.min(inherited, own) : own;
          opts = { ...opts, meta: { ...opts.meta, deadline } };
        }
        return next(actionName, params, opts);
      };
    },
  } as unknown as Middleware;
}
