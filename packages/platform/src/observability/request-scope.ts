// Which request an action is serving, without passing it everywhere: a broker
// middleware runs every local action inside an AsyncLocalStorage scope holding
// its context (the context object itself, nothing new is allocated for it).
// Log lines read the request id from it, and a command that names no cause
// records the request as its events' `causationId`, so an event can be traced
// back to the HTTP request (X-Request-Id) that produced it. A command also
// takes its caller's deadline from it (deadline.ts): past it, nothing is stored.
import { AsyncLocalStorage } from "node:async_hooks";
import type { ActionHandler, Context, Middleware, Service } from "moleculer";
import { deadlineOf } from "../deadline.js";

const scope = new AsyncLocalStorage<Context>();

/** The request id of the action running now, if any. */
export function currentRequestId(): string | undefined {
  const id = scope.getStore()?.requestID;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** When the caller of the action running now stops waiting (ms since epoch), if it said. */
export function currentDeadline(): number | undefined {
  const ctx = scope.getStore();
  return ctx ? deadlineOf(ctx) : undefined;
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
