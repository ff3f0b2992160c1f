// The node entry of spawned test nodes, built once per run (scripts/build.ts):
// testing/fault-node.ts bundled with the platform, the systems and
// scripts/node.ts, with source maps, so a child process starts on plain
// JavaScript instead of transpiling every file at start.
import { join } from "node:path";
import { buildEntries, ROOT } from "../scripts/build.js";

/** Bundles testing/fault-node.ts into `outDir`; returns the path of the built entry. */
export async function buildTestNode(outDir: string): Promise<string> {
  await buildEntries({
    entries: [join(ROOT, "packages", "platform", "testing", "fault-node.ts")],
    outDir,
    sourcemap: "inline",
  });
  return join(outDir, "fault-node.mjs");
}
