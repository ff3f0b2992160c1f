// The entries child processes of the tests run, built once per run
// (scripts/build.ts), with source maps, so a child process starts on plain
// JavaScript instead of transpiling every file at start:
//   - <outDir>/fault-node.mjs: testing/fault-node.ts (scripts/node.ts with
//     crash points and a movable clock), for the nodes tests spawn and kill;
//   - <outDir>/scripts/<name>.mjs: `npm start`'s, `npm run node`'s and
//     `npm run demo`'s scripts, run as a person runs them.
// Two builds: scripts/node.ts is an entry of the second and a module of the
// first, and only an entry runs itself when started.
import { join } from "node:path";
import { buildEntries, ROOT } from "../scripts/build.js";

/** The scripts tests run as their own processes (`scripts/<name>.ts`; `scriptArgs` names the same). */
const TEST_SCRIPTS = ["start", "node", "demo"] as const;

/** Builds the entries into `outDir`; returns `outDir`. */
export async function buildTestEntries(outDir: string): Promise<string> {
  await Promise.all([
    buildEntries({
      entries: [join(ROOT, "packages", "platform", "testing", "fault-node.ts")],
      outDir,
      sourcemap: "inline",
    }),
    buildEntries({
      entries: TEST_SCRIPTS.map((name) => join(ROOT, "scripts", `${name}.ts`)),
      outDir: join(outDir, "scripts"),
      sourcemap: "inline",
    }),
  ]);
  return outDir;
}
