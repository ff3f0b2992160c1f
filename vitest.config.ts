import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Four projects (docs/RELIABILITY.md, "How to run them"):
//  - unit: pure functions and aggregates, no NATS, no node; threads, no isolation.
//  - integration: in-process nodes on the run's nats-server, files in parallel
//    with as many workers as the machine has cores.
//  - timed: the files that start or kill processes and measure how fast a
//    failure is answered (a 503 within the request timeout, an open breaker at
//    once, a stalled loop seen within its window): after the two above, so
//    what they time is not another test's load, and two files at a time,
//    never more. Each mostly waits on the timeouts it measures (two side by
//    side use about one core of two), so a pair leaves a core free.
//  - faults: everything else that starts or kills processes (spawned nodes,
//    clusters of three nats-servers, the REPL, the image's node), last, two
//    files at a time. They assert what became of every request and event
//    (kept, once, retried, compensated), not how fast.
const cores = availableParallelism();

const common = {
  exclude: ["**/node_modules/**", ".tools/**", ".data/**"],
  testTimeout: 30_000,
  hookTimeout: 30_000,
  teardownTimeout: 15_000,
};

const unit = ["packages/*/test/unit/**/*.test.ts", "packages/*/src/**/*.test.ts"];

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

/** Of those, the files that time a failure's answer (or race two replicas): at most two at a time, on a quiet machine. */
const timed = [
  "test/faults/single-nats.test.ts",
  "packages/platform/test/vitals.test.ts",
  "packages/sauce/test/integration/races.test.ts",
  "packages/cleaning/test/faults/async-isolation.test.ts",
  "packages/cleaning/test/faults/clean-down.test.ts",
  "packages/insurance/test/faults/isolation.test.ts",
  "packages/mall/test/faults/async-isolation.test.ts",
  "packages/mall/test/faults/graceful-shutdown.test.ts",
  "packages/mall/test/faults/product-down.test.ts",
  "packages/mall/test/faults/slow-product.test.ts",
  "packages/mall/test/faults/stock-compensation.test.ts",
  "packages/meetingroom/test/faults/reserve-down.test.ts",
  "packages/meetingroom/test/faults/room-down.test.ts",
  "packages/sauce/test/faults/dependencies-down.test.ts",
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common,
          name: "unit",
          include: unit,
          globalSetup: ["test/temp-root.ts"],
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
          globalSetup: ["test/temp-root.ts", "test/global-setup.ts"],
          // Nodes run in the test process and are stopped by it; forks keep a file's sockets and LevelDB handles its own.
          pool: "forks",
          maxWorkers: cores,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...common,
          name: "timed",
          include: timed,
          globalSetup: ["test/temp-root.ts", "test/global-setup.ts"],
          pool: "forks",
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...common,
          name: "faults",
          include: faults,
          exclude: [...common.exclude, ...timed],
          globalSetup: ["test/temp-root.ts", "test/global-setup.ts"],
          pool: "forks",
          // Two at a time: most of these files wait on their own restarts and
          // ack waits, so two finish sooner than one after the other (the two
          // big cluster files, both CPU-bound, mostly slow each other down).
          // Their nodes' ports come from each worker's own block (freePort),
          // so two files do not race for one. Not beside integration: the
          // clusters' load windows expect every request answered before a
          // kill to succeed within its timeout.
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
