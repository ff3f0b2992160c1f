// The HTTP server of a node that runs no gateway: k8s probes and
// Prometheus scraping only. Nodes with the gateway serve the same routes there.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServiceBroker } from "moleculer";
import { healthOf } from "./health.js";
import { PROMETHEUS_TYPE, renderPrometheus } from "./metrics.js";

export interface HealthServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
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
      if (path === "/health/live") {
        const r = health.liveness();
        return json(r.live ? 200 : 503, { status: r.live ? "ok" : "failing", nodeID: broker.nodeID, ...r });
      }
      if (path === "/health/ready") {
        const r = health.readiness();
        return json(r.ready ? 200 : 503, { status: r.ready ? "ready" : "not ready", nodeID: broker.nodeID, ...r });
      }
      if (path === "/metrics") return send(200, PROMETHEUS_TYPE, renderPrometheus(broker));
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
