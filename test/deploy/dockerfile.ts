// Reads the Dockerfile and .dockerignore the way `docker build` does, for the
// parts this repository uses, so a test can run the same steps without a
// Docker engine: instructions per stage (continuation lines joined, comments
// dropped, ARG defaults substituted) and the build context's exclusions.
import { cpSync, readFileSync, statSync } from "node:fs";
import { join, matchesGlob, relative, sep } from "node:path";

export interface Instruction {
  op: string;
  args: string;
}
export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** The stages of a Dockerfile, in order, with global ARG defaults substituted in FROM and in each stage. */
export function parseDockerfile(text: string): Stage[] {
  const lines: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    if (/^\s*#/.test(raw)) continue; // also inside a continued instruction, as Docker does
    const line = raw.replace(/\s+$/, "");
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const whole = (pending + line).trim();
    pending = "";
    if (whole) lines.push(whole);
  }
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  const substitute = (s: string, args: Record<string, string>) =>
    s.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a?: string, b?: string) => args[a ?? b ?? ""] ?? m);
  for (const line of lines) {
    const [, op = "", args = ""] = /^(\S+)\s*(.*)$/s.exec(line) ?? [];
    const upper = op.toUpperCase();
    const current = stages.at(-1);
    if (upper === "FROM") {
      const [image = "", as, name] = substitute(args, globalArgs).split(/\s+/);
      stages.push({
        name: as?.toUpperCase() === "AS" && name ? name : String(stages.length),
        from: image,
        instructions: [],
      });
    } else if (!current) {
      if (upper !== "ARG") throw new Error(`Dockerfile: ${op} before the first FROM`);
      const [k = "", v = ""] = args.split("=");
      globalArgs[k] = v;
    } else {
      current.instructions.push({ op: upper, args });
    }
  }
  // A stage's ARG gets its default; later instructions see it.
  for (const stage of stages) {
    const args = { ...globalArgs };
    stage.instructions = stage.instructions.map((i) => {
      if (i.op === "ARG") {
        const [k = "", v] = i.args.split("=");
        args[k] = v ?? globalArgs[k] ?? "";
        return i;
      }
      return { op: i.op, args: substitute(i.args, args) };
    });
  }
  return stages;
}

/** `KEY=value KEY2=value2` of an ENV instruction (values without spaces, as in our Dockerfile). */
export function envOf(instructions: Instruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of instructions.filter((x) => x.op === "ENV")) {
    for (const pair of i.args.split(/\s+/).filter(Boolean)) {
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new Error(`ENV without KEY=value: ${i.args}`);
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

/** The JSON (exec) form of CMD/HEALTHCHECK CMD. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf("["));
  const parsed = JSON.parse(json) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === "string"))
    throw new Error(`not an exec form: ${args}`);
  return parsed;
}

/** .dockerignore patterns (no `!` exceptions: they would need Docker's full ordering rules). */
export function parseDockerignore(text: string): string[] {
  const patterns = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  if (patterns.some((p) => p.startsWith("!"))) throw new Error(".dockerignore exceptions (!) are not supported here");
  return patterns.map((p) => p.replace(/^\/+/, "").replace(/\/+$/, ""));
}

/** Whether a path of the context (relative, / separated) is left out: it or a folder above it matches. */
export function ignored(path: string, patterns: string[]): boolean {
  const parts = path.split("/");
  for (let n = 1; n <= parts.length; n++) {
    const prefix = parts.slice(0, n).join("/");
    if (patterns.some((p) => matchesGlob(prefix, p))) return true;
  }
  return false;
}

/** COPY <src>… <dest> from the build context into `root` (the image's WORKDIR), honouring .dockerignore. */
export function copyFromContext(context: string, root: string, args: string, patterns: string[]): void {
  const parts = args.split(/\s+/).filter((a) => !a.startsWith("--"));
  const dest = parts.pop();
  if (!dest || parts.length === 0) throw new Error(`COPY needs a source and a destination: ${args}`);
  for (const src of parts) {
    if (ignored(src, patterns)) throw new Error(`COPY ${src}: excluded by .dockerignore`);
    const from = join(context, src);
    const to = dest.endsWith("/") ? join(root, dest, statSync(from).isDirectory() ? "" : src) : join(root, dest);
    cpSync(from, to, {
      recursive: true,
      filter: (p) => !ignored(relative(context, p).split(sep).join("/"), patterns),
    });
  }
}

export const readText = (path: string) => readFileSync(path, "utf8");
