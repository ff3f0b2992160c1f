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
  /**
   * Hold the answer of every local call of this action for `ms` after it ran:
   * its effect is stored, but a caller with a shorter timeout never hears of it.
   */
  delayAnswer?: { action: string; ms: number };
}

/** The environment variable that carries a plan to testing/fault-node.ts (JSON). */
export const FAULT_PLAN_VARIABLE = "SEED_TEST_FAULT_PLAN";

/** The environment variable that sets where a spawned node's clock starts (testing/fault-node.ts). */
export const CLOCK_START_VARIABLE = "SEED_TEST_CLOCK_START";

type Call = (name: string, params?: unknown, opts?: CallingOptions) => Promise<unknown>;
type Handler = (ctx: Context) => Promise<unknown>;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function crashPoints(plan: FaultPlan): Middleware {
  const { killAfterCall, delayAction, delayAnswer } = plan;
  const before = (name: string) => (delayAction?.action === name ? delayAction.ms : 0);
  const after = (name: string) => (delayAnswer?.action === name ? delayAnswer.ms : 0);
  return {
    name: "CrashPoints",
    call:
      (next: Call): Call =>
      async (name, params, opts) => {
        const answer = await next(name, params, opts);
        if (name === killAfterCall) process.kill(process.pid, "SIGKILL");
        return answer;
      },
    localAction: (next: Handler, action: { name: string }): Handler => {
      const [holdBefore, holdAfter] = [before(action.name), after(action.name)];
      if (holdBefore === 0 && holdAfter === 0) return next;
      return async (ctx) => {
        if (holdBefore > 0) await pause(holdBefore);
        const answer = await next(ctx);
        if (holdAfter > 0) await pause(holdAfter);
        return answer;
      };
    },
    // Moleculer's declared hook types do not describe wrapped calls (see platform/src/deadline.ts).
  } as unknown as Middleware;
}
