// Keeps a set of node processes running, as Kubernetes keeps pods: a node
// that exits on its own is started again (with a growing delay if it keeps
// crashing), a node whose /health/live fails several probes in a row is
// killed and started again, and a rolling restart replaces one replica at a
// time, waiting for each to be ready before touching the next.
import { type ChildProcess, spawn } from "node:child_process";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { NODE_FLAGS } from "./node-process.mjs";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * How a node is started: from the built entries when this process was started
 * from them (`npm run cluster` runs .build/cluster.mjs), else from the sources.
 */
function defaultNodeArgs(): string[] {
  const entry = process.argv[1];
  if (entry && basename(dirname(entry)) === ".build" && entry.endsWith(".mjs"))
    return [...NODE_FLAGS, join(dirname(entry), "node.mjs")];
  return ["--import", "tsx", "scripts/node.ts"];
}

export interface NodeSpec {
  /** Unique, e.g. "mall-1". */
  name: string;
  /** SERVICES of the node, e.g. "mall.*" or "api". */
  services: string;
  /** Port of its gateway or health server. */
  port: number;
  env: Record<string, string>;
}

export interface SupervisorOptions {
  /** Probe period of /health/live (default 1000 ms). */
  probeEveryMs?: number;
  /** Failed liveness probes in a row before a restart (default 3). */
  failureThreshold?: number;
  /** A liveness probe not answered within this fails (default 2000 ms). */
  probeTimeoutMs?: number;
  /** Longest wait for a (re)started node to be ready (default 60 s). */
  readyTimeoutMs?: number;
  /** A node restarted after a crash and not ready within this is killed and restarted (default 30 s). */
  startupTimeoutMs?: number;
  /** Lines the supervisor and its nodes print. */
  log?: (line: string) => void;
  /** Node.js arguments that start a node (default: the built node entry, or scripts/node.ts through tsx). */
  nodeArgs?: string[];
}

interface Managed {
  spec: NodeSpec;
  child?: ChildProcess;
  exited?: Promise<void>;
  /** Times it was started; the first start is 1. */
  starts: number;
  /** Crashes in a row, for the restart delay. */
  crashes: number;
  /** Set while the supervisor itself stops it (no automatic restart then). */
  stopping: boolean;
  failedProbes: number;
  /** A liveness probe of it is in flight: the next waits for it, so "in a row" spans as many periods as it says. */
  probing: boolean;
  /** Ready at least once since its last start: liveness probes count from then on (a startup probe). */
  started: boolean;
}

function managed(spec: NodeSpec): Managed {
  return { spec, starts: 0, crashes: 0, stopping: false, failedProbes: 0, probing: false, started: false };
}

export class Supervisor {
  private readonly nodes = new Map<string, Managed>();
  private probeTimer?: NodeJS.Timeout;
  private closed = false;
  /** Restarts made because a node died or failed its liveness probe. */
  readonly restarts: Array<{ name: string; reason: string; at: number }> = [];

  constructor(private readonly opts: SupervisorOptions = {}) {}

  private log(line: string): void {
    this.opts.log?.(line);
  }

  /** Starts every node and waits until all are ready. */
  async start(specs: NodeSpec[]): Promise<void> {
    for (const spec of specs) this.nodes.set(spec.name, managed(spec));
    await Promise.all(specs.map((s) => this.launch(this.get(s.name))));
    await Promise.all(specs.map((s) => this.waitReady(s.name)));
    this.probeTimer = setInterval(() => void this.probe(), this.opts.probeEveryMs ?? 1000);
    this.probeTimer.unref();
  }

  names(): string[] {
    return [...this.nodes.keys()];
  }

  spec(name: string): NodeSpec {
    return this.get(name).spec;
  }

  pid(name: string): number | undefined {
    return this.get(name).child?.pid;
  }

  /** How often the node was started (1 = never restarted). */
  starts(name: string): number {
    return this.get(name).starts;
  }

  /** Sends a signal as a crash would (SIGKILL): the supervisor restarts the node. */
  kill(name: string, signal: NodeJS.Signals = "SIGKILL"): void {
    this.get(name).child?.kill(signal);
  }

  /** Stops a node and keeps it stopped (SIGKILL for a crash that is not repaired) until `resume`. */
  async halt(name: string, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const node = this.get(name);
    if (signal === "SIGTERM") return this.stopNode(node);
    node.stopping = true;
    node.child?.kill(signal);
    await node.exited;
  }

  /** Starts a halted node again; resolves when it is ready. */
  async resume(name: string): Promise<void> {
    const node = this.get(name);
    node.stopping = false;
    await this.launch(node);
    await this.waitReady(name);
  }

  /** Adds a node (a scale-out) and waits until it is ready. */
  async add(spec: NodeSpec): Promise<void> {
    const node = managed(spec);
    this.nodes.set(spec.name, node);
    await this.launch(node);
    await this.waitReady(spec.name);
  }

  /** Graceful stop (SIGTERM), then a fresh start; resolves when it is ready again. */
  async restart(name: string): Promise<void> {
    const node = this.get(name);
    await this.stopNode(node);
    node.stopping = false;
    await this.launch(node);
    await this.waitReady(name);
  }

  /** Every node, one at a time, each ready before the next is touched. */
  async rollingRestart(filter: (spec: NodeSpec) => boolean = () => true): Promise<void> {
    for (const node of this.nodes.values()) if (filter(node.spec)) await this.restart(node.spec.name);
  }

  /** Resolves when the node answers 200 on /health/ready. */
  async waitReady(name: string, timeoutMs = this.opts.readyTimeoutMs ?? 60_000): Promise<void> {
    const node = this.get(name);
    const { port } = node.spec;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.closed) throw new Error("supervisor stopped");
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) {
          node.started = true;
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} not ready within ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearInterval(this.probeTimer);
    // Gateways first, so no new work arrives while the systems drain.
    const all = [...this.nodes.values()];
    const gateways = all.filter((n) => n.spec.services === "api");
    await Promise.all(gateways.map((n) => this.stopNode(n)));
    await Promise.all(all.filter((n) => !gateways.includes(n)).map((n) => this.stopNode(n)));
  }

  private get(name: string): Managed {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`no node named ${name}`);
    return node;
  }

  private async launch(node: Managed): Promise<void> {
    const { spec } = node;
    const env = {
      ...process.env,
      ...spec.env,
      SERVICES: spec.services,
      PORT: String(spec.port),
      HEALTH_PORT: String(spec.port),
    };
    const child = spawn(process.execPath, this.opts.nodeArgs ?? defaultNodeArgs(), {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    node.child = child;
    node.starts++;
    node.failedProbes = 0;
    node.started = false;
    const prefix = `[${spec.name}] `;
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (line) this.log(prefix + line);
    };
    child.stdout?.on("data", forward);
    child.stderr?.on("data", forward);
    node.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        resolve();
        if (node.child !== child || node.stopping || this.closed) return;
        node.crashes++;
        const delay = Math.min(250 * 2 ** (node.crashes - 1), 10_000);
        this.log(`${spec.name} exited (${code ?? signal}); restarting in ${delay} ms`);
        this.restarts.push({ name: spec.name, reason: `exited (${code ?? signal})`, at: Date.now() });
        setTimeout(() => {
          if (node.child === child && !node.stopping && !this.closed) {
            void this.launch(node).then(() => this.watchRecovery(node));
          }
        }, delay).unref();
      });
    });
  }

  /**
   * A restarted node that became ready again has stopped crashing. One that
   * does not get ready within the startup bound is killed and started anew,
   * as a Kubernetes startup probe would.
   */
  private async watchRecovery(node: Managed): Promise<void> {
    const child = node.child;
    try {
      await this.waitReady(node.spec.name, this.opts.startupTimeoutMs ?? 30_000);
      node.crashes = 0;
    } catch {
      if (this.closed || node.stopping || node.child !== child) return;
      this.log(`${node.spec.name} not ready after its restart; restarting it again`);
      this.restarts.push({ name: node.spec.name, reason: "startup", at: Date.now() });
      child?.kill("SIGKILL"); // its exit handler starts it again
    }
  }

  private async stopNode(node: Managed): Promise<void> {
    node.stopping = true;
    const child = node.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const grace = Number(node.spec.env.SHUTDOWN_TIMEOUT_MS ?? 10_000) + 5000;
    const timer = setTimeout(() => child.kill("SIGKILL"), grace);
    await node.exited;
    clearTimeout(timer);
  }

  private async probe(): Promise<void> {
    await Promise.all(
      [...this.nodes.values()].map(async (node) => {
        const child = node.child;
        if (!child || !node.started || node.stopping || node.probing) return;
        if (child.exitCode !== null || child.signalCode !== null) return;
        node.probing = true;
        let failure: string | undefined;
        try {
          const res = await fetch(`http://127.0.0.1:${node.spec.port}/health/live`, {
            signal: AbortSignal.timeout(this.opts.probeTimeoutMs ?? 2000),
          });
          const body = await res.text();
          if (res.status !== 200) failure = `${res.status} ${body}`;
        } catch (err) {
          failure = (err as Error).message; // no answer in time is a failed probe
        } finally {
          node.probing = false;
        }
        if (node.child !== child) return;
        node.failedProbes = failure === undefined ? 0 : node.failedProbes + 1;
        if (node.failedProbes >= (this.opts.failureThreshold ?? 3)) {
          this.log(`${node.spec.name} failed ${node.failedProbes} liveness probes (last: ${failure}); restarting it`);
          this.restarts.push({ name: node.spec.name, reason: `liveness: ${failure}`, at: Date.now() });
          node.failedProbes = 0;
          child.kill("SIGKILL"); // its exit handler starts it again
        }
      }),
    );
  }
}
