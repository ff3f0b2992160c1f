// Crash points for fault tests, reached from outside the services: a node
// spawned with a fault plan (`spawnNode({ faults })`) runs through
// testing/fault-node.ts, which adds this middleware to its broker. Production
// code has no switch for it, and `npm start` and the image never load it.
import type { CallingOptions, Context, Middleware } from "moleculer";

export interface FaultPlan {
  /**
   * SIGKILL this process as soon as a call it made to this action has
   * answered, before the caller's next line runs: e.g. "sauce.payment.pay"
   * kills the order node between the payment and the order.
   */
  killAfterCall?: string;
  /** Hold every local call of this action for `ms` before it runs (a slow bank). */
  delayAction?: { action: string; ms: number };
}

/** The environment variable that carries a plan to testing/fault-node.ts (JSON). */
export const FAULT_PLAN_VARIABLE = "SEED_TEST_FAULT_PLAN";

type Call = (name: string, params?: unknown, opts?: CallingOptions) => Promise<unknown>;
type Handler = (ctx: Context) => Promise<unknown>;

export function crashPoints(plan: FaultPlan): Middleware {
  const { killAfterCall, delayAction } = plan;
  return {
    name: "CrashPoints",
    call:
      (next: Call): Call =>
      async (name, params, opts) => {
        const answer = await next(name, params, opts);
        if (name === killAfterCall) process.kill(process.pid, "SIGKILL");
        return answer;
      },
    localAction: (next: Handler, action: { name: string }): Handler =>
      delayAction && action.name === delayAction.action
        ? async (ctx) => {
            await new Promise((resolve) => setTimeout(resolve, delayAction.ms));
            return next(ctx);
          }
        : next,
    // Moleculer's declared hook types do not describe wrapped calls (see platform/src/deadline.ts).
  } as unknown as Middleware;
}
