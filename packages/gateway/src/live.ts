// Live lists for the dashboard: `GET /live/<system>/<list>` answers a stream
// of server-sent events, each one the list as `GET /<system>/<list>` would
// answer it now (same query, same roles, same ownership: the same action is
// called with the caller's identity).
//
// When to read again: every commit of a system is a message on its JetStream
// subjects (`<system>.>`), so one core NATS subscription per system tells the
// gateway that something changed. Views are eventually consistent — the commit
// is seen before the view has folded it in — so a stream reads again a few
// times over the next second and a half, and sends only what differs from
// what it sent last. Nothing polls: no commit, no read.
//
// Identity: EventSource cannot send an Authorization header. The page first
// calls `POST /live/session` with its bearer token; the answer sets the token
// as a cookie that only `/live/...` receives (HttpOnly, SameSite=Strict, for
// the token's remaining life). A stream accepts that cookie or a bearer header,
// and ends when the token expires, so a reconnect has to show a valid one.
import { notFound, type RouteSpec, type User, unauthorized } from "@seed/platform";
import type { ServiceBroker } from "moleculer";
import type { NatsConnection, Subscription } from "nats";
import { authorize, bearerToken } from "./auth/authenticate.js";
import type { GatewayCore } from "./core.js";
import { buildParams } from "./params.js";
import {
  type AliasHandler,
  type GatewayRequest,
  type GatewayResponse,
  header,
  pathParam,
  requestIdOf,
} from "./request.js";
import { sendJson } from "./respond.js";
import type { RoutedSystem } from "./routed-systems.js";

export const LIVE_COOKIE = "seed_live";
/** After a commit, the list is read again at these delays (ms): the view may lag the commit a little. */
const REREAD_AFTER_MS = [60, 400, 1500];
/** A comment line keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 20_000;
/** setTimeout's longest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const SEGMENT = /^[A-Za-z][A-Za-z0-9]{0,59}$/;

/** One open stream: knows how to read its list again and where to write it. */
interface Listener {
  poke(): void;
  end(): void;
}

export class LiveStreams {
  private readonly subscriptions = new Map<string, { sub: Subscription; listeners: Set<Listener> }>();
  private readonly open = new Set<Listener>();
  /** Watches for the node stopping while streams are open (see join). */
  private stopWatch: NodeJS.Timeout | undefined;

  constructor(
    private readonly gw: GatewayCore,
    private readonly nc: NatsConnection,
    private readonly systems: RoutedSystem[],
  ) {}

  aliases(): Record<string, AliasHandler> {
    return {
      "POST /session": this.gw.handler((req, res) => this.startSession(req, res)),
      "DELETE /session": this.gw.handler(async (req, res) => {
        res.setHeader("Set-Cookie", cookie(req, "", 0));
        sendJson(req, res, 204, undefined);
      }),
      "GET /:system/:list": this.gw.handler((req, res) => this.stream(req, res)),
    };
  }

  /** Ends every open stream (the HTTP server cannot close while one is open). */
  close(): void {
    for (const l of [...this.open]) l.end();
  }

  private async startSession(req: GatewayRequest, res: GatewayResponse): Promise<void> {
    const token = bearerToken(req);
    if (token === undefined) throw unauthorized("missing bearer token");
    const { tokens } = await this.gw.identity();
    const user = await tokens.verify(token);
    this.gw.limiter.take(`user:${user.id}`);
    const seconds = Math.max(0, Math.floor(expiryOf(token) - Date.now() / 1000));
    res.setHeader("Set-Cookie", cookie(req, token, seconds));
    sendJson(req, res, 204, undefined);
  }

  private async stream(req: GatewayRequest, res: GatewayResponse): Promise<void> {
    const route = this.listRoute(pathParam(req, "system") ?? "", pathParam(req, "list") ?? "");
    const token = bearerToken(req) ?? cookieValue(req, LIVE_COOKIE);
    if (token === undefined) throw unauthorized("missing bearer token or live session");
    const { tokens } = await this.gw.identity();
    const user = await tokens.verify(token);
    this.gw.limiter.take(`user:${user.id}`);
    authorize(user, route.roles);
    const input = buildParams(route, req, {});
    const broker = req.$ctx?.broker;
    if (!broker) throw new Error("request without api.rest context");
    const read = readerOf(broker, route, input.params, user, input.lang, requestIdOf(req));

    // The first read answers like the list route: a refusal is a plain error answer.
    let last = JSON.stringify(await read());
    res.statusCode = 200;
    res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache, no-transform");
    res.setHeader("X-Accel-Buffering", "no");
    // A stream's connection is its own: when the stream ends, so does the connection.
    res.setHeader("Connection", "close");
    res.setHeader("X-Request-Id", requestIdOf(req));
    res.flushHeaders();
    res.write(`retry: 2000\n\nevent: snapshot\ndata: ${last}\n\n`);

    const timers = new Set<NodeJS.Timeout>();
    let reading = false;
    let again = false;
    let ended = false;
    const refresh = async (): Promise<void> => {
      if (ended) return;
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        const next = JSON.stringify(await read());
        if (next !== last && !ended) {
          last = next;
          res.write(`event: snapshot\ndata: ${next}\n\n`);
        }
      } catch (err) {
        const problem = this.gw.report(req, err);
        if (!ended)
          res.write(`event: problem\ndata: ${JSON.stringify({ error: problem.error, message: problem.message })}\n\n`);
        // Not allowed any more: the client must not keep a stream it may not read.
        if (problem.status === 401 || problem.status === 403) listener.end();
      } finally {
        reading = false;
        if (again) {
          again = false;
          void refresh();
        }
      }
    };
    const listener: Listener = {
      poke: () => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const ms of REREAD_AFTER_MS) timers.add(setTimeout(() => void refresh(), ms));
      },
      end: () => {
        if (ended) return;
        ended = true;
        for (const t of timers) clearTimeout(t);
        clearInterval(heartbeat);
        clearTimeout(expiry);
        this.leave(route, listener);
        res.end();
      },
    };
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
    const expiry = setTimeout(
      () => listener.end(),
      Math.min(MAX_TIMER_MS, Math.max(0, expiryOf(token) * 1000 - Date.now())),
    );
    res.on("close", () => listener.end());
    this.join(route, listener, broker);
  }

  private listRoute(system: string, list: string): RouteSpec {
    const prefix = `/${system}/${list}`;
    const route =
      SEGMENT.test(system) && SEGMENT.test(list)
        ? this.systems
            .find((s) => s.name === system)
            ?.routes.find((r) => r.method === "GET" && r.path === prefix && r.query !== undefined)
        : undefined;
    if (!route) throw notFound("live list", `${system}/${list}`);
    return route;
  }

  private systemOf(route: RouteSpec): string {
    return route.path.split("/")[1] ?? "";
  }

  private join(route: RouteSpec, listener: Listener, broker: ServiceBroker): void {
    this.open.add(listener);
    // A stream is a request that never finishes: a stopping node would wait its
    // whole shutdown timeout for it. So streams end as soon as the node stops.
    this.stopWatch ??= setInterval(() => {
      if (broker.stopping) this.close();
    }, 200);
    const system = this.systemOf(route);
    let entry = this.subscriptions.get(system);
    if (!entry) {
      const listeners = new Set<Listener>();
      const sub = this.nc.subscribe(`${system}.>`, {
        callback: (err) => {
          if (err) return;
          for (const l of listeners) l.poke();
        },
      });
      entry = { sub, listeners };
      this.subscriptions.set(system, entry);
    }
    entry.listeners.add(listener);
  }

  private leave(route: RouteSpec, listener: Listener): void {
    this.open.delete(listener);
    if (this.open.size === 0) {
      clearInterval(this.stopWatch);
      this.stopWatch = undefined;
    }
    const system = this.systemOf(route);
    const entry = this.subscriptions.get(system);
    if (!entry) return;
    entry.listeners.delete(listener);
    if (entry.listeners.size === 0) {
      this.subscriptions.delete(system);
      entry.sub.unsubscribe();
    }
  }
}

/** Reads the list as the caller: the same action, params and identity as `GET /<system>/<list>`. */
function readerOf(
  broker: ServiceBroker,
  route: RouteSpec,
  params: Record<string, unknown>,
  user: User,
  lang: "ko" | "en",
  requestId: string,
): () => Promise<unknown> {
  return () => broker.call(route.action, params, { meta: { requestId, lang, user } });
}

/** `exp` of a token that was just verified (seconds since the epoch). */
function expiryOf(token: string): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
      exp?: unknown;
    };
    return typeof payload.exp === "number" ? payload.exp : 0;
  } catch {
    return 0;
  }
}

function cookie(req: GatewayRequest, value: string, maxAge: number): string {
  const https =
    (req.socket as { encrypted?: boolean }).encrypted === true || header(req, "x-forwarded-proto") === "https";
  return `${LIVE_COOKIE}=${value}; Path=/live; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${https ? "; Secure" : ""}`;
}

export function cookieValue(req: GatewayRequest, name: string): string | undefined {
  for (const part of (header(req, "cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value === "" ? undefined : value;
    }
  }
  return undefined;
}
