// The entry of every node a test spawns (`spawnNode`): scripts/node.ts with
// what only tests add. With a fault plan (SEED_TEST_FAULT_PLAN, JSON), the
// crash-point middleware is added to its broker; with SEED_TEST_CLOCK_START
// (epoch ms or an ISO time), its services' clock starts there and runs on from
// it at the real pace, so a test that depends on "now" (a time slot) does not
// depend on the hour it runs at. The test run builds this entry once
// (test/build-node.ts); without the build it runs through tsx.
import { runNode } from "../../../scripts/node.js";
import type { Clock } from "../src/clock.js";
import { CLOCK_START_VARIABLE, crashPoints, FAULT_PLAN_VARIABLE, type FaultPlan } from "./crash-points.js";

const planText = process.env[FAULT_PLAN_VARIABLE];
const startText = process.env[CLOCK_START_VARIABLE];
let clock: Clock | undefined;
if (startText) {
  const start = /^\d+$/.test(startText) ? Number(startText) : new Date(startText).getTime();
  const offset = start - Date.now();
  clock = { now: () => Date.now() + offset };
}
await runNode({
  ...(planText ? { middlewares: [crashPoints(JSON.parse(planText) as FaultPlan)] } : {}),
  ...(clock ? { clock } : {}),
});
