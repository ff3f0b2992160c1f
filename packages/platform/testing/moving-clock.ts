// Time shared by every node of a fault test, in-process or spawned: it runs at
// the real pace from where the test set it, and the test moves it forward
// instead of waiting out a window (reconcile, store window, slot). A spawned
// node keeps its own copy (testing/fault-node.ts) and is moved through the
// `$testClock` service this middleware adds to its broker.
import type { Middleware, ServiceBroker } from "moleculer";
import type { Clock } from "../src/clock.js";

/** The service a spawned node is moved through. */
export const TEST_CLOCK_SERVICE = "$testClock";

/** A clock at the real pace plus an offset the test sets or moves forward. */
export class MovingClock implements Clock {
  private offset: number;

  constructor(start: number | string | Date = Date.now()) {
    this.offset = new Date(start).getTime() - Date.now();
  }

  now(): number {
    return Date.now() + this.offset;
  }

  /** From now on, `now()` runs on from `at`. */
  set(at: number): void {
    this.offset = at - Date.now();
  }

  advance(ms: number): void {
    this.offset += ms;
  }
}

/** Adds `$testClock.set({ at })` to the broker: the test moves this node's clock with its own. */
export function testClock(clock: MovingClock): Middleware {
  return {
    name: "TestClock",
    created(broker: ServiceBroker) {
      broker.createService({
        name: TEST_CLOCK_SERVICE,
        actions: {
          set: {
            params: { at: "number" },
            handler(ctx: { params: { at: number } }) {
              clock.set(ctx.params.at);
              return { now: clock.now() };
            },
          },
        },
      });
    },
  } as unknown as Middleware;
}
