// Child processes of a bench run: nodes, baselines and the load generator,
// each a real process (built JavaScript, or `node --import tsx <file>`) with
// an IPC channel. Every
// child is tracked so that nothing outlives the run, whatever ends it.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NODE_FLAGS } from "../scripts/node-process.mjs";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** A message a child sends over IPC: `{type, …}`. */
export type Message = { type: string } & Record<string, unknown>;

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** Resolves with the first message of this type (rejects when the child exits first). */
  next<T extends Message = Message>(type: string, timeoutMs?: number): Promise<T>;
  /** Sends a request and waits for the answer of the given type. */
  ask<T extends Message = Message>(message: Message, answer: string, timeoutMs?: number): Promise<T>;
  /** Messages of a type as they come (progress lines). */
  on(type: string, listener: (m: Message) => void): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  output(): string;
}

const children = new Set<ChildProcess>();
const running = (p: ChildProcess) => p.exitCode === null && p.signalCode === null;

/** Kills every child still running (SIGKILL): the last resort on exit. */
export function killAll(): void {
  for (const p of children) if (running(p)) p.kill("SIGKILL");
}
process.once("exit", killAll);

/**
 * Starts a file with the given environment: a built `.mjs` (an absolute path)
 * as it is, a TypeScript file under the repository through tsx.
 */
export function start(name: string, file: string, env: Record<string, string>): Child {
  // A built node runs with the flags `npm start` gives it.
  const args = file.endsWith(".mjs") ? [...NODE_FLAGS, file] : ["--import", "tsx", join(ROOT, file)];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  children.add(child);
  let out = "";
  const collect = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-8000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      children.delete(child);
      resolve();
    });
  });

  const next = <T extends Message>(type: string, timeoutMs = 60_000) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: Message) => {
        if (m?.type !== type) return;
        done();
        resolve(m as T);
      };
      const onExit = () => {
        done();
        reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before "${type}":\n${out.trim()}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${name} sent no "${type}" within ${timeoutMs} ms:\n${out.trim()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
      };
      if (!running(child)) return onExit();
      child.on("message", onMessage);
      child.once("exit", onExit);
    });

  return {
    name,
    pid: child.pid ?? 0,
    process: child,
    next,
    ask: <T extends Message>(message: Message, answer: string, timeoutMs?: number) => {
      const reply = next<T>(answer, timeoutMs);
      child.send(message);
      return reply;
    },
    on: (type, listener) => child.on("message", (m: Message) => m?.type === type && listener(m)),
    stop: async (graceMs = 10_000) => {
      if (!running(child)) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => running(child) && child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
    output: () => out,
  };
}

/** Resident set size of a process in MB (Linux /proc), or NaN where that is not available. */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time (user + system, ms) a process has used so far, from
 * /proc/<pid>/stat: what a run cost the process, whatever else the machine
 * was running at the time (throughput on a shared machine says less).
 */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** USER_HZ: the unit of /proc's CPU times, 100 on Linux everywhere in practice. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Samples a process's RSS every `everyMs` until stopped; returns the peak seen. */
export function rssSampler(pid: number, everyMs = 200): { stop(): number } {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    const now = rssMb(pid);
    if (now > peak || Number.isNaN(peak)) peak = now;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/** In a child: exit when the parent goes away (its IPC channel closes), so no child is orphaned. */
export function exitWithParent(stop: () => Promise<void>): void {
  process.on("disconnect", () => {
    stop().finally(() => process.exit(0));
  });
}

/** In a child: send a message to the parent, if it is still there. */
export function tell(message: Message): void {
  if (process.send && process.connected) process.send(message);
}
