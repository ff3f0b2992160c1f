// The JavaScript load generator: a process of its own (never the one
// measured), running autocannon on request from the bench over IPC. The
// throughput runs use wrk (bench/wrk.ts); this one serves where wrk is
// missing, and the event-path run, which needs every answer's body. With `collect`, it also
// notes the id of every created resource and the wall-clock time its 2xx
// arrived, for the event-path measurement (B2).
import autocannon from "autocannon";
import { exitWithParent, type Message, tell } from "./processes.js";
import type { LoadTool } from "./report.js";

export interface LoadSpec {
  url: string;
  method: "GET" | "POST";
  path: string;
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  /** Seconds. */
  duration: number;
  /** Requests per second over all connections (a fixed rate); absent = as fast as possible. */
  overallRate?: number;
  /** Note `[id, time of the 2xx]` of every answer. */
  collect?: boolean;
}

export interface LoadResult {
  tool: LoadTool;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** `[id, wall-clock ms of the 2xx]` when collected. */
  answered?: Array<[string, number]>;
}

const wallNow = () => performance.timeOrigin + performance.now();

function run(spec: LoadSpec): Promise<LoadResult> {
  const answered: Array<[string, number]> = [];
  const headers = { "content-type": "application/json", ...spec.headers };
  const onResponse = spec.collect
    ? (status: number, body: string) => {
        if (status < 200 || status >= 300) return;
        const at = wallNow();
        try {
          const id = (JSON.parse(body) as { id?: string }).id;
          if (id) answered.push([id, at]);
        } catch {
          // not JSON: not counted as answered
        }
      }
    : undefined;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: spec.duration,
        ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
        timeout: 10,
        requests: [
          {
            method: spec.method,
            path: spec.path,
            headers,
            ...(spec.body !== undefined ? { body: spec.body } : {}),
            ...(onResponse ? { onResponse } : {}),
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        const statusCodes: Record<string, number> = {};
        for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = s.count ?? 0;
        const ok = result["2xx"];
        resolve({
          tool: "autocannon",
          rps: ok / result.duration,
          p50: result.latency.p50,
          p99: result.latency.p99,
          requests: ok + result.non2xx,
          errors: result.errors + result.non2xx,
          statusCodes,
          ...(spec.collect ? { answered } : {}),
        });
      },
    );
  });
}

exitWithParent(async () => {});
process.on("SIGINT", () => {}); // the bench stops its children itself
process.on("message", async (m: Message) => {
  if (m.type !== "run") return;
  try {
    tell({ type: "result", result: await run(m.spec as LoadSpec) });
  } catch (err) {
    tell({ type: "result", error: (err as Error).message });
  }
});
tell({ type: "ready" });
