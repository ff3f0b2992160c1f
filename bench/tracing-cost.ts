// B6: what tracing costs. The B1 command path (POST /mall/orders, one node
// running everything) with the tracer on — every request, reaction and view
// apply in a span, every commit carrying its trace, spans posted to a
// Zipkin-compatible collector (a sink here that answers 202 and counts) —
// next to the same node with it off (the default), round after round. Each
// node has a nats-server of its own, so neither's policies take the other's
// events.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { findNatsServer, type NatsServer, startNatsServer } from "@seed/platform";

/** Settings of the traced node: every request traced, spans posted every second. */
export const TRACED_ENV = (collector: string): Record<string, string> => ({
  TRACING_EXPORTER: "zipkin",
  TRACING_URL: collector,
  TRACING_SAMPLE_RATE: "1",
  TRACING_INTERVAL_SECONDS: "1",
});

export interface Collector {
  url: string;
  /** Spans received so far. */
  spans(): number;
  close(): Promise<void>;
}

/** A Zipkin span endpoint that keeps nothing but the count. */
export function startCollector(): Promise<Collector> {
  let spans = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        spans += (JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown[]).length;
      } catch {
        // not a span list: counted as nothing
      }
      res.writeHead(202).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        spans: () => spans,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

/** A second nats-server for the traced node. */
export function startOwnNats(dataRoot: string): Promise<NatsServer> {
  return startNatsServer({ bin: findNatsServer({ install: false }), storeDir: join(dataRoot, "nats-traced") });
}
