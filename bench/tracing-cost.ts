// B6: what tracing costs. The B1 command path (POST /mall/orders, one node
// running everything) with the tracer on — every traced request, reaction and
// view apply in a span, every commit carrying its trace, spans posted to a
// Zipkin-compatible collector (a sink here that answers 202 and counts) —
// next to the same node with it off (the default), round after round: once
// with every request traced, once with one in ten. Each node has a
// nats-server of its own, so no node's policies take another's events.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { findNatsServer, type NatsServer, startNatsServer } from "@seed/platform/operations";

/** Settings of a traced node: `rate` of the requests traced, spans posted every second. */
export const TRACED_ENV = (collector: string, rate: number): Record<string, string> => ({
  TRACING_EXPORTER: "zipkin",
  TRACING_URL: collector,
  TRACING_SAMPLE_RATE: String(rate),
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

/** A nats-server of a traced node's own. */
export function startOwnNats(dataRoot: string, name: string): Promise<NatsServer> {
  return startNatsServer({ bin: findNatsServer({ install: false }), storeDir: join(dataRoot, `nats-${name}`) });
}
