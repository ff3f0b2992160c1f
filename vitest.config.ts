import { defineConfig } from "vitest/config";

// Two groups run one after the other: the suite (files in parallel), then the
// fault-injection suite (test/faults), whose files each start a cluster of
// real processes and kill parts of it — one file at a time, on a quiet machine.
const shared = {
  exclude: ["**/node_modules/**", ".tools/**", ".data/**"],
  globalSetup: ["test/global-setup.ts"],
  // Real processes (nodes, nats-server) are started and killed: forks isolate them.
  pool: "forks" as const,
  testTimeout: 30_000,
  hookTimeout: 30_000,
  teardownTimeout: 15_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: "suite",
          include: ["packages/*/test/**/*.test.ts", "packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...shared.exclude, "test/faults/**"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: "faults",
          include: ["test/faults/**/*.test.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
