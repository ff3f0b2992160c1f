import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Five projects in three groups (docs/RELIABILITY.md, "How to run them");
// a group starts when the one before it has finished, and the projects of a
// group share its workers.
//  1. unit: pure functions and aggregates, no NATS, no node; threads, no
//     isolation. integration: in-process nodes on the run's nats-server;
//     forks, no isolation either, each file checked to leave nothing open.
//     One worker more than the machine has cores: an integration file waits
//     on NATS and LevelDB a good part of its time, and with one worker per
//     core the two cores stayed a quarter idle.
//  2. timed: the files that start or kill processes and measure how fast a
//     failure is answered (a 503 within the request timeout, an open breaker
//     at once, a stalled loop seen within its window). faults: the other
//     files that start or kill processes (crash points, spawned nodes, the
//     REPL, the image's node), which assert what became of every request and
//     event, not how fast. Four at a time: each mostly waits on the timeouts
//     and restarts it is about, so what a timed file measures is its own
//     failure, not the files beside it (three at a time left the two cores
//     a quarter idle; five made the group slower, not faster). Not beside
//     group 1 or 3, whose files keep both cores busy.
//  3. clusters: the production-shaped clusters (three nats-servers, a node
//     per system and replica, under load), two at a time, last and alone:
//     their load windows expect every request answered before a kill to
//     succeed within its timeout.
// Nodes that files beside each other start take their ports from each
// worker's own block (freePort), so two files do not race for one.
const cores = availableParallelism();

/** Workers of each group (vitest wants the same figure on every project of a group). */
const workers = { 0: cores + 1, 1: 4, 2: 2 } as const;

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

/** Of those, the production-shaped clusters: three nats-servers and a node per system and replica each, under load. */
const clusters = [
  "test/faults/mall-cluster.test.ts",
  "test/faults/systems-cluster.test.ts",
  "test/faults/mall-stock.test.ts",
];

/** Of those, the files that time a failure's answer (or race two replicas): never beside group 1 or 3. */
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

/** The run's temp folder, and its nats-server and built node (test/global-setup.ts). */
const withNats = ["test/temp-root.ts", "test/global-setup.ts"];

/**
 * A project of files that start or kill processes. Their workers are reused
 * from file to file, as the integration project's are: a fresh process per
 * file loaded the platform again each time, a tenth of the group's time.
 * Each file must stop the nodes and servers it started
 * (test/leaves-nothing-open.ts).
 */
function processes(name: string, group: 1 | 2, include: string[], exclude: string[] = []) {
  return {
    test: {
      ...common,
      name,
      include,
      exclude: [...common.exclude, ...exclude],
      globalSetup: withNats,
      pool: "forks" as const,
      isolate: false,
      setupFiles: ["test/leaves-nothing-open.ts"],
      maxWorkers: workers[group],
      sequence: { groupOrder: group },
    },
  };
}

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
          maxWorkers: workers[0],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...common,
          name: "integration",
          include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...common.exclude, ...unit, ...faults, "test/e2e/**"],
          globalSetup: withNats,
          // Nodes run in the test process. Files share a worker (no isolation:
          // loading Moleculer, NATS and the systems once per worker, not per
          // file, took half the project's CPU), so each file must stop what
          // it started, which test/leaves-nothing-open.ts checks after it.
          pool: "forks",
          isolate: false,
          setupFiles: ["test/leaves-nothing-open.ts"],
          maxWorkers: workers[0],
          sequence: { groupOrder: 0 },
        },
      },
      processes("timed", 1, timed),
      processes("faults", 1, faults, [...timed, ...clusters]),
      processes("clusters", 2, clusters),
    ],
  },
});
