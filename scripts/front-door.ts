// The single address in front of the gateway replicas of `npm run cluster`,
// doing locally what a Kubernetes Service does: send each request to a
// gateway that reports ready, spread over them, and leave one out while it
// restarts. A request that could not connect is sent to another gateway
// (nothing reached a service). One whose connection broke before an answer
// came back is sent again only when that is safe: a read, or a command with
// an Idempotency-Key; otherwise the client gets 502 and decides.
import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FrontDoor {
  url: string;
  port: number;
  /** Resolves once the front door itself has seen this gateway ready (it sends it traffic again). */
  waitReady(backend: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface FrontDoorOptions {
  port: number;
  host?: string;
  /** Ports of the gateways on 127.0.0.1. */
  backends: number[];
  /** Readiness poll period (default 250 ms). */
  pollMs?: number;
}

/** Longest a request waits for some gateway to take it. */
const RETRY_FOR_MS = 3000;

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"]);

export async function startFrontDoor(opts: FrontDoorOptions): Promise<FrontDoor> {
  // A timeout makes the agent honour a gateway's "Keep-Alive: timeout=5": it
  // drops an idle connection a second before the gateway would. Without one
  // it ignores the hint and may send a POST on a connection the gateway is
  // closing; that POST reaches no service, and without an Idempotency-Key
  // cannot be sent again: its client got a 502.
  const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: 60_000 });
  const ready = new Set<number>();
  let next = 0;

  const poll = async () => {
    await Promise.all(
      opts.backends.map(async (port) => {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(1000) });
          await res.arrayBuffer();
          if (res.status === 200) ready.add(port);
          else ready.delete(port);
        } catch {
          ready.delete(port);
        }
      }),
    );
  };
  await poll();
  const timer = setInterval(() => void poll(), opts.pollMs ?? 250);
  timer.unref();

  const pick = (tried: Set<number>): number | undefined => {
    const candidates = opts.backends.filter((p) => ready.has(p) && !tried.has(p));
    const fallback = opts.backends.filter((p) => !tried.has(p));
    const list = candidates.length > 0 ? candidates : fallback;
    if (list.length === 0) return undefined;
    next = (next + 1) % list.length;
    return list[next];
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, tried: Set<number>, since = Date.now()) => {
    const port = pick(tried);
    if (port === undefined && Date.now() - since < RETRY_FOR_MS) {
      // Every gateway refused just now (one restarting, another not yet seen
      // ready again): wait a moment and go round once more.
      setTimeout(() => forward(req, res, body, new Set(), since), 200);
      return;
    }
    if (port === undefined) {
      res.writeHead(503, { "content-type": "application/json; charset=utf-8", "retry-after": "1" });
      res.end(JSON.stringify({ error: "ServiceUnavailable", message: "no gateway is ready, try again shortly" }));
      return;
    }
    tried.add(port);
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    headers["content-length"] = String(body.length);
    const upstream = request(
      { host: "127.0.0.1", port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
      },
    );
    upstream.on("error", (err) => {
      if (res.headersSent) {
        res.destroy(err);
        return;
      }
      ready.delete(port);
      const neverReached = (err as NodeJS.ErrnoException).code === "ECONNREFUSED";
      const safe = req.method === "GET" || req.method === "HEAD" || req.headers["idempotency-key"] !== undefined;
      if (neverReached || safe) {
        forward(req, res, body, tried, since);
        return;
      }
      res.writeHead(502, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ error: "BadGateway", message: "the gateway went away before answering" }));
    });
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => forward(req, res, Buffer.concat(chunks), new Set()));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "0.0.0.0", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    waitReady: async (backend, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!ready.has(backend)) {
        if (Date.now() > deadline) throw new Error(`gateway :${backend} not seen ready`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
