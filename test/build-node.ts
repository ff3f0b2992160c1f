// The entries child processes of the tests run, built once per run
// (scripts/build.ts), so a child process starts on plain JavaScript instead
// of transpiling every file at start:
//   - <outDir>/fault-node.mjs: testing/fault-node.ts (scripts/node.ts with
//     crash points and a movable clock), for the nodes tests spawn and kill;
//   - <outDir>/scripts/<name>.mjs: `npm start`'s, `npm run node`'s,
//     `npm run demo`'s and `npm run repl`'s scripts, run as a person runs them.
// Two builds: scripts/node.ts is an entry of the second and a module of the
// first, and only an entry runs itself when started.
import { join } from "node:path";
import { buildEntries, ROOT } from "../scripts/build.js";

/** The scripts tests run as their own processes (`scripts/<name>.ts`; `scriptArgs` names the same). */
const TEST_SCRIPTS = ["start", "node", "demo", "repl"] as const;

/**
 * Source maps only when the children will read them: a child inherits
 * NODE_OPTIONS, and `NODE_OPTIONS=--enable-source-maps npm test` makes its
 * stack traces name the sources. Read at every start, they cost a node a
 * quarter of its start; written, half a second of the run's build.
 */
const sourcemap = process.env.NODE_OPTIONS?.includes("--enable-source-maps") ? "linked" : false;

/** Builds the entries into `outDir`; returns `outDir`. */
export async function buildTestEntries(outDir: string): Promise<string> {
  await Promise.all([
    buildEntries({
      entries: [join(ROOT, "packages", "platform", "testing", "fault-node.ts")],
      outDir,
      sourcemap,
    }),
    buildEntries({
      entries: TEST_SCRIPTS.map((name) => join(ROOT, "scripts", `${name}.ts`)),
      outDir: join(outDir, "scripts"),
      sourcemap,
    }),
  ]);
  return outDir;
}
