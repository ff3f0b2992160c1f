// One real nats-server with JetStream for the whole test run, on a free port
// with a temporary store. Tests get its URL with `inject("natsUrl")` (or
// NATS_URL); streams are per system, so tests keep apart by their own ids.
// Also builds, once, the entries of the processes tests spawn (test/build-node.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
// Straight from the file: the suite's NATS must not depend on the rest of the platform loading.
import { findNatsServer, startNatsServer } from "../packages/platform/src/nats-server.js";
import { buildTestEntries } from "./build-node.js";

declare module "vitest" {
  export interface ProvidedContext {
    natsUrl: string;
    testBuild?: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const storeDir = mkdtempSync(join(tmpdir(), "seed-test-nats-"));
  const buildDir = mkdtempSync(join(tmpdir(), "seed-test-node-"));
  const [nats, built] = await Promise.all([
    startNatsServer({ bin: findNatsServer(), port: 0, storeDir, serverName: "seed-test" }),
    buildTestEntries(buildDir),
  ]);
  project.provide("natsUrl", nats.url);
  project.provide("testBuild", built);
  process.env.NATS_URL = nats.url;
  return async () => {
    await nats.stop();
    rmSync(storeDir, { recursive: true, force: true });
    rmSync(buildDir, { recursive: true, force: true });
  };
}
