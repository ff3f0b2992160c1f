// The Dockerfile without a Docker engine: its build stage's COPY and RUN steps
// run here, in order, in a temporary folder standing for the image's /app
// (the build context filtered by .dockerignore; pnpm from .tools, the version
// the Dockerfile pins; packages from the local pnpm store). Then the runtime
// stage's CMD starts a gateway node and a system node from that folder with the
// image's ENV, the HEALTHCHECK command runs against them, the manifests' probe
// paths answer, and SIGTERM stops both cleanly.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { freePort, type NatsServer } from "@seed/platform/operations";
import { eventually, testEnv } from "@seed/platform/testing";
import { privateNats } from "@seed/platform/testing/faults";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NODE_ENV, NODE_FLAGS } from "../../scripts/node-process.mjs";
import {
  copyFromContext,
  envOf,
  execForm,
  ignored,
  parseDockerfile,
  parseDockerignore,
  readText,
  type Stage,
} from "./dockerfile.js";
import { BASE, type Container, ROOT, render, type Workload } from "./k8s.js";

const stages = parseDockerfile(readText(join(ROOT, "Dockerfile")));
const patterns = parseDockerignore(readText(join(ROOT, ".dockerignore")));
const stage = (name: string): Stage => {
  const s = stages.find((x) => x.name === name);
  if (!s) throw new Error(`Dockerfile has no stage ${name}`);
  return s;
};
const runtime = stages.at(-1) as Stage;
const one = (s: Stage, op: string) => s.instructions.filter((i) => i.op === op);

describe("Dockerfile, read", () => {
  it("is multi-stage on the official Node image of the version scripts/run.mjs pins", () => {
    const pinned = /NODE_VERSION = "([\d.]+)"/.exec(readText(join(ROOT, "scripts", "run.mjs")))?.[1];
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages.filter((x) => !stages.some((y) => y.name === x.from))) {
      expect(s.from).toBe(`node:${pinned}-slim`);
    }
  });

  it("installs the pnpm of package.json's packageManager, production dependencies only, from the lockfile", () => {
    const pnpm = JSON.parse(readText(join(ROOT, "package.json"))).packageManager as string;
    const base = stage("base");
    expect(one(base, "ARG").map((a) => a.args)).toContain(`PNPM_VERSION=${pnpm.split("@")[1]}`);
    const runs = one(stage("build"), "RUN").map((r) => r.args);
    expect(runs.some((r) => /pnpm install .*--frozen-lockfile/.test(r) && / --prod\b/.test(r))).toBe(true);
  });

  it("the runtime stage: no pnpm, not root, a health check on /health/live, the node as command", () => {
    expect(one(runtime, "RUN").some((r) => r.args.includes("pnpm"))).toBe(false);
    const user = one(runtime, "USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user);
    expect(one(runtime, "HEALTHCHECK").at(-1)?.args).toContain("/health/live");
    // Compiled JavaScript, built in the build stage: nothing is transpiled when a container starts.
    // With the flags and environment of every node (scripts/node-process.mjs).
    expect(execForm(one(runtime, "CMD").at(-1)?.args ?? "")).toEqual(["node", ...NODE_FLAGS, ".build/node.mjs"]);
    expect(envOf(runtime.instructions)).toMatchObject(NODE_ENV);
    const runs = one(stage("build"), "RUN").map((r) => r.args);
    expect(runs.at(-1)).toBe("node --import tsx scripts/build.ts");
    // The build's esbuild comes with tsx, so it must be a production dependency.
    expect(JSON.parse(readText(join(ROOT, "package.json"))).dependencies).toHaveProperty("tsx");
  });

  it(".dockerignore keeps local state, tools, git and dependencies out of the context", () => {
    for (const p of [
      "node_modules/x",
      "packages/mall/node_modules/x",
      ".data/nats",
      ".tools/node",
      ".build/node.mjs",
      ".git/HEAD",
      "packages/mall/test/unit/a.ts",
      // the image cannot reach the fault tests' crash points
      "packages/platform/testing/crash-points.ts",
      "packages/platform/testing/fault-node.ts",
    ]) {
      expect(ignored(p, patterns), p).toBe(true);
    }
    for (const p of ["packages/mall/src/index.ts", "scripts/node.ts", "pnpm-lock.yaml", "package.json"]) {
      expect(ignored(p, patterns), p).toBe(false);
    }
  });
});

describe("Dockerfile, run: the build steps and the image's command", () => {
  const app = join(tmpdir(), `seed-image-${process.pid}-${Date.now()}`);
  const shims = join(app, "..", `${app.split("/").at(-1)}-bin`);
  const nodes: ChildProcess[] = [];
  // Its own nats-server: the system node's durable consumers stay apart from other tests'.
  let nats: NatsServer;

  /** Starts the runtime stage's CMD from the built folder, as a container would; resolves with its URL. */
  async function startContainer(services: string) {
    const port = await freePort();
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...envOf(runtime.instructions),
      ...testEnv({ SERVICES: services, PORT: port, HEALTH_PORT: port, NATS_URL: nats.url }),
      LOG_LEVEL: "warn",
    };
    delete env.NODE_OPTIONS; // nothing of vitest's own loader
    const [cmd, ...args] = execForm(one(runtime, "CMD").at(-1)?.args ?? "");
    expect(cmd).toBe("node");
    const child = spawn(process.execPath, args, { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr?.on("data", (c: Buffer) => {
      out += c.toString();
    });
    nodes.push(child);
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    return { url: `http://127.0.0.1:${port}`, port, env, child, exited, output: () => out };
  }

  beforeAll(async () => {
    nats = await privateNats();
    // `pnpm` on PATH: the pinned version the workspace uses (scripts/run.mjs puts it in .tools).
    const pnpm = join(ROOT, ".tools", "pnpm", "node_modules", "pnpm", "bin", "pnpm.cjs");
    if (!existsSync(pnpm)) throw new Error(`no pnpm at ${pnpm}: run \`npm run pnpm -- --version\` once`);
    mkdirSync(shims, { recursive: true });
    writeFileSync(join(shims, "pnpm"), `#!/bin/sh\nexec "${process.execPath}" "${pnpm}" "$@"\n`);
    chmodSync(join(shims, "pnpm"), 0o755);
    mkdirSync(app, { recursive: true });
  });

  afterAll(async () => {
    for (const n of nodes) if (n.exitCode === null && n.signalCode === null) n.kill("SIGKILL");
    rmSync(app, { recursive: true, force: true });
    rmSync(shims, { recursive: true, force: true });
    await nats?.stop();
  });

  it("the build stage's COPY and RUN steps succeed and leave production dependencies only", () => {
    const env = {
      ...process.env,
      ...envOf([...stage("base").instructions, ...stage("build").instructions]),
      PATH: `${shims}:${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
    };
    for (const i of stage("build").instructions) {
      if (i.op === "COPY") copyFromContext(ROOT, app, i.args, patterns);
      else if (i.op === "RUN") {
        // --mount=type=cache only speeds up a Docker build; the command is the same.
        const command = i.args.replace(/--mount=\S+\s+/g, "");
        execFileSync("sh", ["-c", command], { cwd: app, env, stdio: "pipe", timeout: 120_000 });
      } else if (!["WORKDIR", "ENV", "ARG"].includes(i.op)) {
        throw new Error(`build stage: ${i.op} is not emulated here`);
      }
    }
    const rootDeps = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    expect(existsSync(join(app, "node_modules", "tsx"))).toBe(true);
    expect(existsSync(join(app, "node_modules", "@seed", "mall"))).toBe(true);
    for (const dev of Object.keys(rootDeps.devDependencies)) {
      expect(existsSync(join(app, "node_modules", dev)), dev).toBe(false);
    }
    // The node's entry, compiled in the image from its own sources.
    expect(existsSync(join(app, ".build", "node.mjs"))).toBe(true);
    // No tests, no local state in the image.
    expect(existsSync(join(app, "packages", "mall", "test"))).toBe(false);
    expect(existsSync(join(app, ".data"))).toBe(false);
  }, 120_000);

  it("the image's command runs the gateway and a system; the health check and the manifests' probes answer; SIGTERM exits 0", async () => {
    const [gateway, mall] = await Promise.all([startContainer("api"), startContainer("mall.*")]);
    // The probe paths and port of the k8s Deployments, against each kind of node.
    const probes = render(BASE)
      .filter((o): o is Workload => o.kind === "Deployment")
      .flatMap((d) => d.spec.template.spec.containers as Container[])
      .flatMap((c) => [c.startupProbe, c.livenessProbe, c.readinessProbe])
      .map((p) => p?.httpGet?.path ?? "");
    const paths = [...new Set([...probes, "/metrics"])];
    expect(paths).toEqual(expect.arrayContaining(["/health/live", "/health/ready"]));

    for (const node of [gateway, mall]) {
      await eventually(
        async () => {
          for (const path of paths) {
            const res = await fetch(`${node.url}${path}`);
            expect(res.status, `${path}\n${node.output()}`).toBe(200);
          }
        },
        { timeout: 25_000, interval: 200 },
      );
      // The image's HEALTHCHECK command, as Docker runs it inside the container.
      const [cmd, ...args] = execForm(one(runtime, "HEALTHCHECK").at(-1)?.args ?? "");
      expect(cmd).toBe("node");
      execFileSync(process.execPath, args, { env: node.env, timeout: 10_000 });
    }

    for (const node of [gateway, mall]) node.child.kill("SIGTERM");
    const codes = await Promise.all([gateway.exited, mall.exited]);
    expect(codes).toEqual([0, 0]);
  }, 60_000);
});
