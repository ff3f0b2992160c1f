// One folder per test run under the system's temp folder; every `tempDir()`
// of the run's test files is made inside it (testing/index.ts), and it is
// removed when the run ends. Worker processes can end without running their
// own exit handlers (vitest stops them), so cleaning up from here is what
// keeps a run from leaving node stores and NATS data behind.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), `seed-run-${project.name}-`));
  project.provide("tempRoot", root);
  // Retries: a server a file left stopping may still write there for a moment.
  return () => rmSync(root, { recursive: true, force: true, maxRetries: 5 });
}
