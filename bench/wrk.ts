// wrk, the load generator of the throughput runs: a C program, so on a
// two-core machine it leaves the measured node the CPU a JavaScript load
// generator would take. Found on PATH, or installed from Debian's package the
// way `npm start` gets nats-server. A fixed rate (below saturation) is paced by
// a Lua script: Debian has no wrk2.
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import type { LoadResult, LoadSpec } from "./load.js";

function lookup(): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/local/bin"].filter(Boolean);
  for (const dir of dirs) {
    try {
      accessSync(join(dir, "wrk"), constants.X_OK);
      return join(dir, "wrk");
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Path of wrk: on PATH, else Debian's package when apt-get exists and we are root; else undefined. */
export function findWrk(log: (line: string) => void): string | undefined {
  const found = lookup();
  if (found) return found;
  const canApt = process.getuid?.() === 0 && spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
  if (!canApt) return undefined;
  log("wrk not found; installing Debian's package (apt-get install -y wrk)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = "apt-get install -y wrk || (apt-get update && apt-get install -y wrk)";
  spawnSync("sh", ["-c", install], { stdio: ["ignore", "ignore", "inherit"], env });
  return lookup();
}

const lua = (s: string) => JSON.stringify(s); // a JSON string is a valid Lua string literal for this text

/**
 * The Lua script of one run: the request, and at the end one JSON line with
 * the figures. With `overallRate`, each thread sends on a schedule of its own
 * (rate / threads per second, clock read through LuaJIT's ffi); latency runs
 * from the moment a request is written, so it is the latency below saturation
 * as long as the node keeps up (the achieved rate is reported to check that).
 */
export function wrkScript(spec: LoadSpec, threads: number): string {
  const headers = { "content-type": "application/json", ...spec.headers };
  const lines = [
    `wrk.method = ${lua(spec.method)}`,
    ...(spec.body !== undefined ? [`wrk.body = ${lua(spec.body)}`] : []),
    ...Object.entries(headers).map(([k, v]) => `wrk.headers[${lua(k)}] = ${lua(v)}`),
    `wrk.path = ${lua(spec.path)}`,
  ];
  if (spec.overallRate) {
    const intervalMs = (1000 * threads) / spec.overallRate;
    lines.push(
      'local ffi = require("ffi")',
      'ffi.cdef("typedef struct { long tv_sec; long tv_nsec; } seed_ts; int clock_gettime(int, seed_ts *);")',
      'local ts = ffi.new("seed_ts")',
      "local function now() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6 end",
      "local due = nil",
      // A late slot is not made up for with a burst: the schedule restarts from now.
      `function delay() local t = now(); if due == nil or due < t then due = t end; local wait = due - t; due = due + ${intervalMs}; return math.floor(wait) end`,
    );
  }
  lines.push(
    "function done(summary, latency, requests)",
    "  local e = summary.errors",
    '  io.write(string.format(\'\\nSEED-RESULT {"requests":%d,"durationUs":%d,"socketErrors":%d,"non2xx":%d,"p50":%.3f,"p99":%.3f}\\n\',',
    "    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,",
    "    latency:percentile(50) / 1000, latency:percentile(99) / 1000))",
    "end",
  );
  return `${lines.join("\n")}\n`;
}

interface WrkFigures {
  requests: number;
  durationUs: number;
  socketErrors: number;
  non2xx: number;
  p50: number;
  p99: number;
}

/** The figures of wrk's output (the line the script's `done` wrote). */
export function parseWrkOutput(out: string): WrkFigures {
  const line = out.split("\n").find((l) => l.startsWith("SEED-RESULT "));
  if (!line) throw new Error(`wrk printed no result:\n${out.slice(-2000)}`);
  return JSON.parse(line.slice("SEED-RESULT ".length)) as WrkFigures;
}

/** One wrk run; latency in ms, rate counts answers below 400 (wrk counts 4xx/5xx as status errors). */
export async function runWrk(bin: string, spec: LoadSpec): Promise<LoadResult> {
  // One thread per core would take both cores from the node; one thread carries well over 10k req/s.
  const threads = 1;
  const dir = mkdtempSync(join(tmpdir(), "seed-wrk-"));
  const script = join(dir, "request.lua");
  writeFileSync(script, wrkScript(spec, threads));
  const args = ["-t", String(threads), "-c", String(spec.connections), "-d", `${spec.duration}s`, "--timeout", "10s"];
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(bin, [...args, "-s", script, spec.url], { stdio: ["ignore", "pipe", "pipe"] });
      let text = "";
      child.stdout.on("data", (c: Buffer) => {
        text += c.toString();
      });
      child.stderr.on("data", (c: Buffer) => {
        text += c.toString();
      });
      child.once("error", reject);
      child.once("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text}`))));
    });
    const f = parseWrkOutput(out);
    const ok = f.requests - f.non2xx;
    return {
      tool: "wrk",
      rps: ok / (f.durationUs / 1e6),
      p50: f.p50,
      p99: f.p99,
      requests: f.requests,
      errors: f.non2xx + f.socketErrors,
      statusCodes: {},
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
