import { defineConfig } from "vitest/config";

// The browser tests (`npm run test:e2e`): kept out of `npm test` (their files
// end in .e2e.ts, which the suite's patterns do not match). One file at a
// time: each drives one Chromium against one in-process node.
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/e2e/**/*.e2e.ts"],
    globalSetup: ["test/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 15_000,
  },
});
