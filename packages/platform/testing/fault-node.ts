// The entry of a node spawned with a fault plan (`spawnNode({ faults })`):
// scripts/node.ts with the crash-point middleware added to its broker. Only
// fault tests start it; the plan arrives as JSON in SEED_TEST_FAULT_PLAN.
import { runNode } from "../../../scripts/node.js";
import { crashPoints, FAULT_PLAN_VARIABLE, type FaultPlan } from "./crash-points.js";

const plan = JSON.parse(process.env[FAULT_PLAN_VARIABLE] ?? "{}") as FaultPlan;
await runNode({ middlewares: [crashPoints(plan)] });
