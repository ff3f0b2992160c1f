// Which request an action is serving, without passing it everywhere: a broker
// middleware runs every local action inside an AsyncLocalStorage scope holding
// its context (the context object itself, nothing new is allocated for it).
// Log lines read the request id from it, and a command that names no cause
// records the request as its events' `causationId`, so an event can be traced
// back to the HTTP request (X-Request-Id) that produced it.
import { AsyncLocalStorage } from "node:async_hooks";
import type { ActionHandler, Context, Middleware, Service } from "moleculer";

const scope = new AsyncLocalStorage<Context>();

/** The request id of the action running now, if any. */
export function currentRequestId(): string | undefined {
  const id = scope.getStore()?.requestID;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** Broker middleware: every local action runs in its request's scope. */
export const requestScopeMiddleware: Middleware = {
  name: "RequestScope",
  localAction(handler: ActionHandler) {
    return function (this: Service, ctx: Context) {
      return scope.run(ctx, handler, ctx) as ReturnType<ActionHandler>;
    };
  },
};
