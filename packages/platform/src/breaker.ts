// What a circuit breaker counts. Moleculer keeps one breaker per endpoint (an
// action on one node) in every node that calls it. A breaker should open when
// that endpoint fails, and only then; out of the box it misses some failures
// and blames the wrong node for others:
// - Moleculer's timeout sits outside its breaker, so a call that timed out is
//   never counted: calls made by this node end at their timeout here, inside
//   the breaker;
// - a node also keeps a breaker for each of its own actions, which counted the
//   requests it served for other nodes: one moment of failure and the node
//   refused its own action to every caller. Those callers count what they
//   see; a request served for another node is not counted here;
// - an action that fails because a call it made failed (payment down makes
//   proposals fail) only passes that failure on: it is marked as a
//   dependency's failure (ErrorData.dependency) and counted by the breaker of
//   the call that failed, not by the breakers of the calls up the chain.
import { type ActionHandler, type ActionSchema, type Context, Errors, type Middleware, type Service } from "moleculer";
import type { Call } from "./deadline.js";
import type { ErrorData } from "./errors.js";

/** Errors of requests this node served for another node: that node's breaker counts them. */
const servedForPeer = new WeakSet<object>();

/** True when the breaker guarding the endpoint that answered `err` should count it as a failure. */
export function countsAgainstEndpoint(err: Error): boolean {
  if (servedForPeer.has(err)) return false;
  if ((err as { data?: ErrorData }).data?.dependency === true) return false;
  // Business refusals (4xx) are answers, not failures.
  const code = (err as { code?: number }).code ?? 500;
  return code >= 500 || code === 408 || (err as { type?: string }).type === "REQUEST_TIMEOUT";
}

/** Broker middleware that keeps breakers to failures of the endpoint they guard (see above). */
export function breakerAccounting(): Middleware {
  let nodeID = "";
  return {
    name: "BreakerAccounting",
    created(broker: { nodeID: string }) {
      nodeID = broker.nodeID;
    },
    call(next: Call): Call {
      return (actionName, params, opts = {}) => {
        const called = next(actionName, params, opts);
        if (!opts.parentCtx) return called;
        // The calling context reads the callee's meta from `ctx` of the promise it gets.
        return Object.assign(called.catch(markAsDependency), { ctx: (called as { ctx?: unknown }).ctx });
      };
    },
    remoteAction: endAtTimeout,
    localAction(handler: ActionHandler, action: ActionSchema): ActionHandler {
      const bounded = endAtTimeout(handler, action);
      return function (this: Service, ctx: Context) {
        if (ctx.nodeID === nodeID) return bounded.call(this, ctx);
        return (handler.call(this, ctx) as Promise<unknown>).catch((err: unknown) => {
          if (typeof err === "object" && err !== null) servedForPeer.add(err);
          throw err;
        });
      };
    },
  } as unknown as Middleware;
}

function markAsDependency(err: unknown): never {
  const e = err as { code?: number; data?: ErrorData };
  if (e?.code === 503) e.data = { ...e.data, dependency: true };
  throw err;
}

/** The call fails at its timeout from inside the breaker, which then counts it. */
function endAtTimeout(handler: ActionHandler, action: ActionSchema): ActionHandler {
  return function (this: Service, ctx: Context) {
    const result = handler.call(this, ctx) as Promise<unknown>;
    const timeout = ctx.options.timeout ?? 0;
    if (timeout <= 0) return result;
    // One promise and one timer per call: this runs on every call a node makes.
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Errors.RequestTimeoutError({ action: action.name as string, nodeID: ctx.nodeID ?? "" })),
        timeout,
      );
      result.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  };
}
