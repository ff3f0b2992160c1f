// The entry of every node a test spawns (`spawnNode`): scripts/node.ts with
// what only tests add. With a fault plan (SEED_TEST_FAULT_PLAN, JSON), the
// crash-point middleware is added to its broker. With SEED_TEST_CLOCK_START
// (epoch ms or an ISO time), its services' clock runs at the real pace from
// there, so a test that depends on "now" (a time slot) does not depend on the
// hour it runs at, and the test moves it forward through `$testClock.set`
// (testing/moving-clock.ts) instead of waiting out a window. The test run
// builds this entry once (test/build-node.ts); without the build it runs
// through tsx.
import { runNode } from "../../../scripts/node.js";
import { CLOCK_START_VARIABLE, crashPoints, FAULT_PLAN_VARIABLE, type FaultPlan } from "./crash-points.js";
import { MovingClock, testClock } from "./moving-clock.js";

const planText = process.env[FAULT_PLAN_VARIABLE];
const startText = process.env[CLOCK_START_VARIABLE];
const clock = startText ? new MovingClock(/^\d+$/.test(startText) ? Number(startText) : startText) : undefined;
const middlewares = [
  ...(clock ? [testClock(clock)] : []),
  ...(planText ? [crashPoints(JSON.parse(planText) as FaultPlan)] : []),
];
await runNode({ ...(middlewares.length > 0 ? { middlewares } : {}), ...(clock ? { clock } : {}) });
