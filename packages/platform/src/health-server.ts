// The small HTTP server of a node that runs no gateway: k8s probes and
// Prometheus scraping only. Nodes with the gateway serve the same routes there.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServiceBroker } from "moleculer";
import { healthOf } from "./health.js";

export interface HealthServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

type Labels = Record<string, unknown>;
interface MetricValue {
  labels?: Labels;
  value?: unknown;
  count?: number;
  sum?: number;
  rate?: number;
  buckets?: Record<string, number>;
  quantiles?: Record<string, number>;
}
interface MetricPojo {
  name: string;
  type: string;
  description?: string;
  unit?: string;
  values: MetricValue[];
}

const metricName = (name: string) => name.replace(/[^a-zA-Z0-9_:]/g, "_");
const escapeLabel = (v: unknown) => String(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const numeric = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? String(v) : "NaN");
function labelString(base: Labels, labels: Labels = {}, extra: Labels = {}): string {
  const all = { ...base, ...labels, ...extra };
  const parts = Object.entries(all)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${metricName(k)}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

/** The broker's metrics in Prometheus text format (version 0.0.4). */
export function prometheusMetrics(broker: ServiceBroker): string {
  const base = { namespace: broker.namespace || undefined, nodeID: broker.nodeID };
  const list = (broker.metrics?.list() ?? []) as unknown as MetricPojo[];
  const out: string[] = [];
  for (const m of list) {
    if (m.name.startsWith("os.datetime") || m.values.length === 0) continue;
    const name = metricName(m.name);
    const type = m.type === "histogram" ? "histogram" : m.type === "counter" ? "counter" : "gauge";
    out.push(`# HELP ${name} ${m.description ?? m.name}${m.unit ? ` (${m.unit})` : ""}`);
    out.push(`# TYPE ${name} ${type === "histogram" && !m.values.some((v) => v.buckets) ? "summary" : type}`);
    for (const v of m.values) {
      if (m.type === "info") {
        out.push(`${name}${labelString(base, v.labels, { value: v.value })} 1`);
      } else if (m.type === "histogram") {
        for (const [le, n] of Object.entries(v.buckets ?? {})) {
          out.push(`${name}_bucket${labelString(base, v.labels, { le })} ${numeric(n)}`);
        }
        if (v.buckets) out.push(`${name}_bucket${labelString(base, v.labels, { le: "+Inf" })} ${numeric(v.count)}`);
        for (const [q, n] of Object.entries(v.quantiles ?? {})) {
          out.push(`${name}${labelString(base, v.labels, { quantile: q })} ${numeric(n)}`);
        }
        out.push(`${name}_sum${labelString(base, v.labels)} ${numeric(v.sum)}`);
        out.push(`${name}_count${labelString(base, v.labels)} ${numeric(v.count)}`);
      } else {
        out.push(`${name}${labelString(base, v.labels)} ${numeric(v.value)}`);
      }
    }
  }
  return `${out.join("\n")}\n`;
}

/** Serves GET /health/live, /health/ready (503 + checks when not ready) and /metrics for one broker. */
export function startHealthServer(
  broker: ServiceBroker,
  opts: { port?: number; host?: string } = {},
): Promise<HealthServer> {
  const health = healthOf(broker);
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    const json = (status: number, body: unknown) =>
      send(status, "application/json; charset=utf-8", JSON.stringify(body));
    if (req.method !== "GET" && req.method !== "HEAD") return json(405, { error: "MethodNotAllowed" });
    try {
      if (path === "/health/live") return json(200, { status: "ok", nodeID: broker.nodeID });
      if (path === "/health/ready") {
        const r = health.readiness();
        return json(r.ready ? 200 : 503, { status: r.ready ? "ready" : "not ready", nodeID: broker.nodeID, ...r });
      }
      if (path === "/metrics") return send(200, "text/plain; version=0.0.4; charset=utf-8", prometheusMetrics(broker));
      return json(404, { error: "NotFound", message: "unknown route" });
    } catch (err) {
      return json(500, { error: "Internal", message: (err as Error).message });
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "0.0.0.0", () => {
      const { port } = server.address() as AddressInfo;
      const shown = !opts.host || opts.host === "0.0.0.0" || opts.host === "::" ? "localhost" : opts.host;
      resolve({
        server,
        port,
        url: `http://${shown}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
