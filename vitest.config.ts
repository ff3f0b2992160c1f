import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Four projects (docs/RELIABILITY.md, "How to run them"):
//  - unit: pure functions and aggregates, no NATS, no node; threads, no isolation.
//  - integration: in-process nodes on the run's nats-server, files in parallel
//    with as many workers as the machine has cores.
//  - faults: everything that starts or kills processes (spawned nodes,
//    nats-servers of their own, the REPL, the image's node), one file at a time
//    and after the other two, so the bounds these files measure (a 503 within
//    the request timeout, a restart in seconds) are not measured against other
//    tests' load.
//  - clusters: the production-shaped clusters under load and kills, last and
//    two files at a time. They assert what happened to every request (kept,
//    once, retried), not how fast; each waits mostly on its own timers
//    (load windows, restarts, heartbeats), so two of them share two cores.
const cores = availableParallelism();

const common = {
  exclude: ["**/node_modules/**", ".tools/**", ".data/**"],
  testTimeout: 30_000,
  hookTimeout: 30_000,
  teardownTimeout: 15_000,
};

const unit = ["packages/*/test/unit/**/*.test.ts", "packages/*/src/**/*.test.ts"];

/** Production-shaped clusters (3 nats-servers, replicas of every node) under load and kills. */
const clusters = [
  "test/faults/mall-cluster.test.ts",
  "test/faults/systems-cluster.test.ts",
  "test/faults/mall-stock.test.ts",
];

/** Files that start or kill processes (beyond the run's own nats-server). */
const faults = [
  "test/faults/**/*.test.ts",
  "packages/*/test/faults/**/*.test.ts",
  "packages/platform/test/nats-server.test.ts",
  "packages/platform/test/vitals.test.ts",
  "packages/sauce/test/integration/races.test.ts",
  "test/deploy/dockerfile.test.ts",
  "test/deploy/nats.test.ts",
  "test/repl/operator.test.ts",
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common,
          name: "unit",
          include: unit,
          pool: "threads",
          isolate: false,
          maxWorkers: cores,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...common,
          name: "integration",
          include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...common.exclude, ...unit, ...faults, "test/e2e/**"],
          globalSetup: ["test/global-setup.ts"],
          // Nodes run in the test process and are stopped by it; forks keep a file's sockets and LevelDB handles its own.
          pool: "forks",
          maxWorkers: cores,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...common,
          name: "faults",
          include: faults,
          exclude: [...common.exclude, ...clusters],
          globalSetup: ["test/global-setup.ts"],
          pool: "forks",
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...common,
          name: "clusters",
          include: clusters,
          globalSetup: ["test/global-setup.ts"],
          pool: "forks",
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
