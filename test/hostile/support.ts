// What every hostile test shares: one node running every system and the
// gateway on a nats-server of its own (so every JetStream stream on it is
// ours and "nothing changed" can be read off the streams' last sequences), a
// raw HTTP client that sends exactly the bytes it is given, the demo users,
// the route catalogue of every registered system, and the checks every error
// answer must pass.
import { Agent, request as httpRequest } from "node:http";
import type { RouteSpec } from "@seed/platform";
import { routesOf } from "@seed/platform/node";
import { api, ManualClock, startTestNode, type TestNode } from "@seed/platform/testing";
import { clusterEnv, privateNats } from "@seed/platform/testing/faults";
import { connect, type JetStreamManager, type NatsConnection } from "nats";
import { afterAll, beforeAll, expect } from "vitest";
import { systems } from "../../scripts/systems.js";

// ── The catalogue ───────────────────────────────────────────────────────────

export interface CatalogRoute extends RouteSpec {
  system: string;
  /** Names of the path parameters, in order (`/mall/orders/:id/cancel` → ["id"]). */
  params: string[];
  /** `GET /mall/orders/:id`, for test names. */
  name: string;
}

const PARAM = /:([A-Za-z0-9_]+)/g;

/** Every route of every registered system: the tests below cover new routes without being told. */
export const ROUTES: CatalogRoute[] = systems.flatMap((s) =>
  routesOf(s).map((r) => ({
    ...r,
    system: s.name,
    params: [...r.path.matchAll(PARAM)].map((m) => m[1] as string),
    name: `${r.method} ${r.path}`,
  })),
);

/** The route's path with each parameter replaced (values are URL-encoded unless `raw`). */
export function fillPath(route: CatalogRoute, value: string | ((param: string) => string), raw = false): string {
  return route.path.replace(PARAM, (_, p: string) => {
    const v = typeof value === "string" ? value : value(p);
    return raw ? v : encodeURIComponent(v);
  });
}

export { unknownId } from "@seed/platform/testing/actors";

// ── Names that must never reach a client ────────────────────────────────────

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const systemNames = systems.map((s) => literal(s.name)).join("|");
const serviceNames = systems.flatMap((s) => Object.keys(s.services)).map(literal);
const actionNames = ROUTES.map((r) => literal(r.action));

/** `<system>.<anything>` covers service names, action names and the systems' NATS subjects. */
const INTERNALS: RegExp[] = [
  new RegExp(`\\b(${systemNames})\\.[A-Za-z_*>]`, "i"),
  new RegExp(`(${[...serviceNames, ...actionNames].join("|")})`),
  /\$JS\.|_INBOX\.|\$SYS\.|\$KV\.|KV_[A-Za-z]|deadletter|DEADLETTER/, // NATS subjects and streams
  new RegExp(`\\b(${systems.map((s) => literal(s.name.toUpperCase())).join("|")})\\b`), // stream names
  /\n\s+at |\bat [^ ]+ \(|\.ts:\d+|\.js:\d+|node_modules|"stack"/, // stack traces
  /MOL-|moleculer|ServiceNotFound|\bnode-\d+-\d+/i, // broker internals, node ids
];

// ── A raw HTTP client ───────────────────────────────────────────────────────

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
  body: any;
}

export interface RawRequest {
  method: string;
  /** Sent as is: encode what must be encoded. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  token?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** One request with exactly these bytes: no content type is added, no path is normalized. */
export function send(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const headers: Record<string, string | number> = { ...req.headers };
  if (req.token !== undefined) headers.authorization = `Bearer ${req.token}`;
  if (req.body !== undefined) headers["content-length"] = Buffer.byteLength(req.body);
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          if (String(res.headers["content-type"] ?? "").includes("json") && text) {
            try {
              body = JSON.parse(text);
            } catch {
              // keep the text
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    r.on("error", reject);
    r.end(req.body);
  });
}

/** A JSON request (the value is stringified unless it is already text). */
export function sendJson(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  token: string | undefined,
): Promise<RawResponse> {
  return send(baseUrl, {
    method,
    path,
    ...(token !== undefined ? { token } : {}),
    ...(body !== undefined
      ? {
          headers: { "content-type": "application/json" },
          body: typeof body === "string" ? body : JSON.stringify(body),
        }
      : {}),
  });
}

export const show = (res: RawResponse): string => `${res.status} ${res.text.slice(0, 400)}`;

// ── What every refusal must look like ───────────────────────────────────────

const ERROR_NAMES: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  413: "PayloadTooLarge",
  422: "ValidationError",
};

/** Statuses that always come from a rule, so their body names it in `reason`. */
const RULED = new Set([402, 403, 409]);

/**
 * A refusal as api.md describes it: one of `statuses` (never a 5xx), the
 * error body `{error, reason?, message, details?, requestId}` whose `error`
 * names the status (and `reason` the rule, for 402/403/409), and nothing
 * internal anywhere in it.
 */
export function expectRefusal(res: RawResponse, statuses: number[], what: string, echoed: string[] = []): void {
  const context = `${what} → ${show(res)}`;
  expect(res.status, context).toBeLessThan(500);
  expect(statuses, context).toContain(res.status);
  expect(String(res.headers["content-type"] ?? ""), context).toMatch(/^application\/json/);
  expect(res.body, context).toMatchObject({
    error: ERROR_NAMES[res.status],
    message: expect.any(String),
    requestId: expect.any(String),
  });
  const extra = Object.keys(res.body).filter(
    (k) => !["error", "reason", "message", "details", "requestId"].includes(k),
  );
  expect(extra, context).toEqual([]);
  if (RULED.has(res.status)) expect(res.body.reason, context).toMatch(/^[A-Z][A-Za-z0-9]+$/);
  if (res.body.details !== undefined) {
    expect(Array.isArray(res.body.details), context).toBe(true);
    for (const d of res.body.details) {
      expect(d, context).toMatchObject({ path: expect.stringMatching(/^\//), message: expect.any(String) });
    }
  }
  expectNoInternals(res, what, echoed);
}

/**
 * No stack trace, service, action, subject, stream or node id in the answer
 * (body or headers). `echoed`: what the client sent itself (an id a 404
 * repeats), which is not a leak even when it looks like a subject.
 */
export function expectNoInternals(res: RawResponse, what: string, echoed: string[] = []): void {
  let text = res.text;
  for (const e of echoed.filter((x) => x.length > 0)) {
    text = text.replaceAll(JSON.stringify(e).slice(1, -1), "").replaceAll(e, "");
  }
  const headers = Object.entries(res.headers)
    .filter(([k]) => k !== "date" && k !== "keep-alive" && k !== "connection")
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join("\n");
  for (const pattern of INTERNALS) {
    expect(text, `${what}: body shows ${pattern} → ${show(res)}`).not.toMatch(pattern);
    expect(headers, `${what}: headers show ${pattern}`).not.toMatch(pattern);
  }
}

/** The JSON pointers a 422 names. */
export const detailPaths = (res: RawResponse): string[] =>
  Array.isArray(res.body?.details) ? res.body.details.map((d: { path: string }) => d.path) : [];

// ── The node, its users and its streams ─────────────────────────────────────

export interface Caller {
  username: string;
  id: string;
  roles: string[];
  token: string;
}

export interface Hostile {
  node: TestNode;
  url: string;
  config: TestNode["config"];
  users: Caller[];
  /** The last sequence of every stream on the node's nats-server. */
  heads(): Promise<Record<string, number>>;
  /** Waits until no stream moved for `quietMs` (policies and views have settled). */
  settle(quietMs?: number): Promise<Record<string, number>>;
  /** What was appended after `before`, one line per message (stream, sequence, subject). */
  appendedSince(before: Record<string, number>): Promise<string[]>;
}

const DEMO = ["alice", "bob", "carol", "dave", "erin"];

/**
 * Starts (before the file's tests) a node with every system and the gateway
 * on a private nats-server, with a clock that stands still so that no timer
 * of any service comes due while the streams are watched; logs in the demo users.
 */
export function useHostileNode(): Hostile {
  let nats: Awaited<ReturnType<typeof privateNats>> | undefined;
  let nc: NatsConnection | undefined;
  let jsm: JetStreamManager | undefined;
  const h = { users: [] as Caller[] } as unknown as Hostile;

  beforeAll(async () => {
    nats = await privateNats();
    const node = await startTestNode({
      config: { ...clusterEnv(nats), RATE_LIMIT_PER_MINUTE: 0 },
      // inside a meeting-room slot (10:30 in Seoul), whatever the hour the suite runs at
      clock: new ManualClock(Date.parse("2030-03-11T10:30:00+09:00")),
    });
    Object.assign(h, { node, url: node.url, config: node.config });
    nc = await connect({ servers: nats.url });
    jsm = await nc.jetstreamManager();
    h.users = await Promise.all(
      DEMO.map(async (username) => {
        const client = api(node.url, { contract: false }); // sends what is outside the API on purpose
        const res = await client.request("POST", "/auth/login", { username, password: "demo" }, { token: null });
        expect(res.status, `login ${username}`).toBe(200);
        return { username, id: res.body.user.id, roles: res.body.user.roles, token: res.body.token };
      }),
    );
  }, 60_000);

  afterAll(async () => {
    agent.destroy();
    await nc?.close();
    await h.node?.stop();
    await nats?.stop();
  }, 30_000);

  h.heads = async () => {
    const out: Record<string, number> = {};
    if (!jsm) throw new Error("no JetStream manager");
    for await (const si of jsm.streams.list()) out[si.config.name] = si.state.last_seq;
    return out;
  };
  h.settle = async (quietMs = 600) => {
    let last = await h.heads();
    let since = Date.now();
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const now = await h.heads();
      if (JSON.stringify(now) !== JSON.stringify(last)) {
        last = now;
        since = Date.now();
      } else if (Date.now() - since >= quietMs) {
        return now;
      }
    }
    return last;
  };
  h.appendedSince = async (before) => {
    if (!jsm) throw new Error("no JetStream manager");
    const lines: string[] = [];
    const now = await h.heads();
    for (const [stream, seq] of Object.entries(now)) {
      for (let s = (before[stream] ?? 0) + 1; s <= seq && lines.length < 20; s++) {
        const m = await jsm.streams.getMessage(stream, { seq: s }).catch(() => undefined);
        const data = m ? new TextDecoder().decode(m.data).slice(0, 200) : "";
        lines.push(`${stream}#${s} ${m?.subject ?? "?"} ${data}`);
      }
    }
    return lines;
  };
  return h;
}

/** Asserts that no stream on the node's nats-server got a message since `before`. */
export async function expectNothingAppended(h: Hostile, before: Record<string, number>, what: string): Promise<void> {
  // Policies and views react within milliseconds; give a late reaction a moment to show.
  await new Promise((r) => setTimeout(r, 300));
  const appended = await h.appendedSince(before);
  expect(appended, `${what}: hostile requests changed state`).toEqual([]);
}

/** A demo user holding one of the route's roles (anyone for "any"/"public"). */
export function callerFor(h: Hostile, route: RouteSpec): Caller {
  const roles = route.roles;
  const user =
    roles === "any" || roles === "public"
      ? h.users[0]
      : h.users.find((u) => u.roles.some((r) => (roles as string[]).includes(r)));
  if (!user) throw new Error(`no demo user holds a role of ${route.method} ${route.path}: ${String(roles)}`);
  return user;
}

/** A demo user holding none of the route's roles, when there is one. */
export function outsiderFor(h: Hostile, route: RouteSpec): Caller | undefined {
  const roles = route.roles;
  if (roles === "any" || roles === "public") return undefined;
  return h.users.find((u) => !u.roles.some((r) => (roles as string[]).includes(r)));
}
