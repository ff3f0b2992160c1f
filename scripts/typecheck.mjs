// Type-checks every TypeScript project of the repository: the server side
// (root tsconfig.json) and the dashboard (packages/web, which compiles for the
// browser with other libraries and JSX, so it is a project of its own).
// Extra arguments go to each run of tsc; the exit code is the first failure's.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const PROJECTS = [ROOT, join(ROOT, "packages", "web")];
const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");

let status = 0;
for (const project of PROJECTS) {
  const r = spawnSync(process.execPath, [tsc, "-p", project, ...process.argv.slice(2)], { stdio: "inherit" });
  if (status === 0 && r.status !== 0) status = r.status ?? 1;
}
process.exit(status);
