// One real nats-server with JetStream for the whole test run, on a free port
// with a temporary store. Tests get its URL with `inject("natsUrl")` (or
// NATS_URL); streams are per system, so tests keep apart by their own ids.
// Also builds, once for all projects, the entries of the processes tests
// spawn (test/build-node.ts).
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

/**
 * The build, shared by the projects of the run: each project runs its global
 * setup, one after the other, in this one process. Built once per project,
 * it held the first test file back by ten seconds and more. Removed with the
 * last project's teardown.
 */
interface SharedBuild {
  dir: Promise<string>;
  users: number;
}
const BUILD = Symbol.for("seed.testBuild");
const shared = globalThis as { [BUILD]?: SharedBuild };

function useBuild(): SharedBuild {
  shared[BUILD] ??= { dir: buildTestEntries(mkdtempSync(join(tmpdir(), "seed-test-node-"))), users: 0 };
  shared[BUILD].users++;
  return shared[BUILD];
}

async function releaseBuild(build: SharedBuild): Promise<void> {
  if (--build.users > 0) return;
  delete shared[BUILD];
  rmSync(await build.dir, { recursive: true, force: true });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const storeDir = mkdtempSync(join(tmpdir(), "seed-test-nats-"));
  const build = useBuild();
  const [nats, built] = await Promise.all([
    startNatsServer({ bin: findNatsServer(), port: 0, storeDir, serverName: "seed-test" }),
    build.dir,
  ]);
  project.provide("natsUrl", nats.url);
  project.provide("testBuild", built);
  process.env.NATS_URL = nats.url;
  return async () => {
    await nats.stop();
    rmSync(storeDir, { recursive: true, force: true });
    await releaseBuild(build);
  };
}
