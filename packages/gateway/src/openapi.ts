// The OpenAPI 3.1 document, generated from the same route declarations and TypeBox
// schemas that route and validate requests, so docs cannot drift from code.
// (OpenAPI 3.1 schemas are JSON Schema, which TypeBox schemas already are.)
import type { RefusalCode, Role, RouteSpec } from "@seed/platform";
import { pathParamsOf } from "@seed/platform/node";
import type { TSchema } from "@sinclair/typebox";
import { rolesOf } from "./auth/roles.js";
import { LoginBody, LoginResult, UserView } from "./auth/schemas.js";
import { CORRELATION_ID } from "./flows.js";
import type { RoutedSystem } from "./routed-systems.js";

type Json = Record<string, unknown>;

const ERROR_STATUSES: Record<number, [name: string, description: string]> = {
  400: ["BadRequest", "the body is not JSON, or has an unknown content type"],
  401: ["Unauthorized", "missing, malformed, expired or wrongly signed token"],
  402: ["PaymentDeclined", "the payment was declined"],
  403: ["Forbidden", "authenticated but not allowed"],
  404: ["NotFound", "unknown id (also one that cannot be an id) or route"],
  405: ["MethodNotAllowed", "known path, another method; `Allow` lists the methods it takes"],
  409: ["Conflict", "a business rule forbids it now; `message` says which, `reason` names it"],
  413: ["PayloadTooLarge", "body over the size limit"],
  422: [
    "ValidationError",
    "body or query does not match the schema (`details` lists each violation), or a rule about a value refuses it (`reason` names it)",
  ],
  429: ["TooManyRequests", "the caller's rate limit; see Retry-After"],
  500: ["InternalError", "unexpected failure"],
  503: [
    "ServiceUnavailable",
    "a dependency is down, timed out or its breaker is open; nothing was changed; see Retry-After",
  ],
};

/** TypeBox schemas carry symbol-keyed metadata; JSON drops it. */
const plain = (schema: TSchema): Json => JSON.parse(JSON.stringify(schema)) as Json;

/**
 * A response schema as published: every object closed (`additionalProperties:
 * false` unless it says otherwise), so a field the document does not name is a
 * contract violation a client can detect, not a silent extra.
 */
export function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema))
    out[k] = k === "const" || k === "enum" || k === "example" ? v : closed(v);
  if (out.type === "object" && typeof out.properties === "object" && !("additionalProperties" in out)) {
    out.additionalProperties = false;
  }
  return out;
}

const ErrorBody: Json = {
  type: "object",
  additionalProperties: false,
  required: ["error", "message", "requestId"],
  properties: {
    error: { type: "string", enum: Object.values(ERROR_STATUSES).map(([n]) => n) },
    reason: {
      type: "string",
      pattern: "^[A-Z][A-Za-z0-9]+$",
      description: "the business rule that refused the request, a stable code to branch on",
    },
    message: { type: "string", description: "what is wrong, for a person" },
    details: {
      anyOf: [
        {
          type: "array",
          description: "each schema violation (422)",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["path", "message"],
            properties: { path: { type: "string", description: "JSON pointer" }, message: { type: "string" } },
          },
        },
        { type: "object", description: "facts a client can act on (409), e.g. the current price" },
      ],
    },
    requestId: { type: "string" },
  },
};

const retryAfter = { "Retry-After": { description: "seconds to wait before retrying", schema: { type: "integer" } } };

/** The shared error responses that `paths` refers to (a status whose every use lists its own reasons has none). */
function errorResponses(paths: Json): Json {
  const text = JSON.stringify(paths);
  const out: Json = {};
  for (const [status, [name, description]] of Object.entries(ERROR_STATUSES)) {
    if (!text.includes(`"#/components/responses/${name}"`)) continue;
    out[name] = {
      description,
      ...(status === "429" || status === "503" ? { headers: retryAfter } : {}),
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  }
  return out;
}

const errorRef = (status: number): Json => ({
  $ref: `#/components/responses/${ERROR_STATUSES[status]?.[0] ?? "InternalError"}`,
});

/** `/mall/orders/:id` → `/mall/orders/{id}` and the names of its params. */
export function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

function queryParameters(schema: TSchema | undefined): Json[] {
  if (!schema) return [];
  const props = (schema.properties ?? {}) as Record<string, TSchema>;
  const required = new Set<string>(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: "query",
    required: required.has(name),
    ...(typeof s.description === "string" ? { description: s.description } : {}),
    schema: plain(s),
  }));
}

/**
 * `POST /mall/orders/:id/cancel` → `postMallOrdersByIdCancel`. Built from the
 * HTTP route, not the action: internal service names stay out of responses.
 */
export function operationIdOf(route: Pick<RouteSpec, "method" | "path">): string {
  const words = route.path
    .split("/")
    .filter(Boolean)
    .map((seg) => (seg.startsWith(":") ? `by-${seg.slice(1)}` : seg))
    .flatMap((seg) => seg.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1));
  return route.method.toLowerCase() + words.join("");
}

/**
 * The reasons of each refusal status a route can answer: its own, and the
 * gateway's (a role it lacks; an Idempotency-Key still in flight, or reused
 * with another body).
 */
export function reasonsOf(route: RouteSpec): Map<RefusalCode, string[]> {
  const out = new Map<RefusalCode, string[]>();
  const add = (status: RefusalCode, reasons: string[]) => {
    const list = out.get(status) ?? [];
    for (const r of reasons) if (!list.includes(r)) list.push(r);
    out.set(status, list);
  };
  if (Array.isArray(route.roles)) add(403, ["RoleRequired"]);
  for (const [status, reasons] of Object.entries(route.reasons ?? {})) add(Number(status) as RefusalCode, reasons);
  if (route.method === "POST") {
    add(409, ["IdempotencyKeyInProgress"]);
    add(422, ["IdempotencyKeyReused"]);
  }
  return out;
}

function errorStatuses(route: RouteSpec): number[] {
  // 500 can come from anywhere; a path with parameters answers 404 for a value that names nothing.
  const set = new Set<number>([400, 422, 429, 500, 503, ...(route.errors ?? []), ...reasonsOf(route).keys()]);
  if (route.path.includes("/:")) set.add(404);
  if (route.roles !== "public") set.add(401);
  if (route.body) set.add(413);
  return [...set].sort((a, b) => a - b);
}

/** A refusal status of one operation: the shared body, with `reason` one of the operation's own. */
function refusalResponse(status: RefusalCode, reasons: string[]): Json {
  const [name, description] = ERROR_STATUSES[status] ?? ["InternalError", ""];
  // A 422 may also be a schema violation, which names no rule.
  const required = status === 422 ? [] : ["reason"];
  return {
    description: `${description}. Reasons: ${reasons.map((r) => `\`${r}\``).join(", ")}`,
    content: {
      "application/json": {
        schema: {
          allOf: [{ $ref: "#/components/schemas/Error" }],
          ...(required.length > 0 ? { required } : {}),
          properties: { error: { const: name }, reason: { type: "string", enum: reasons } },
        },
      },
    },
  };
}

function describeRoles(roles: RouteSpec["roles"]): string {
  if (roles === "public") return "Public.";
  if (roles === "any") return "Any authenticated user.";
  return `Roles: ${roles.join(", ")}.`;
}

const declaresLang = (route: RouteSpec): boolean =>
  typeof route.query?.properties === "object" && route.query.properties !== null && "lang" in route.query.properties;

function operation(route: RouteSpec, operationId: string): Json {
  const status = route.status ?? 200;
  const parameters: Json[] = [
    ...pathParamsOf(route).map(([name, schema]) => ({ name, in: "path", required: true, schema: plain(schema) })),
    ...queryParameters(route.query),
    // `?lang=` is the gateway's for every route, unless the route's query declares it itself.
    ...(declaresLang(route) ? [] : [{ $ref: "#/components/parameters/Lang" }]),
  ];
  if (route.method === "POST") parameters.push({ $ref: "#/components/parameters/IdempotencyKey" });
  const success: Json = {
    description: status === 201 ? "created" : "success",
    content: { "application/json": { schema: closed(plain(route.response)) } },
  };
  if (status === 201)
    success.headers = { Location: { description: "URL of the created resource", schema: { type: "string" } } };
  const responses: Json = { [String(status)]: success };
  const reasons = reasonsOf(route);
  for (const s of errorStatuses(route)) {
    const own = reasons.get(s as RefusalCode);
    responses[String(s)] = own ? refusalResponse(s as RefusalCode, own) : errorRef(s);
  }
  const op: Json = {
    tags: [route.tag],
    summary: route.summary,
    description: describeRoles(route.roles),
    operationId,
    parameters,
    responses,
    security: route.roles === "public" ? [] : [{ bearerAuth: [] }],
  };
  if (route.body) {
    const media: Json = { schema: plain(route.body) };
    if (route.example !== undefined) media.example = route.example;
    op.requestBody = { required: true, content: { "application/json": media } };
  }
  return op;
}

function platformPaths(roles: readonly Role[]): Json {
  const json = (schema: Json, description = "success") => ({
    description,
    content: { "application/json": { schema } },
  });
  const user = closed(plain(UserView(roles))) as Json;
  return {
    "/auth/login": {
      post: {
        tags: ["auth"],
        summary: "Log in with user name and password",
        operationId: "postAuthLogin",
        security: [],
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: plain(LoginBody), example: { username: "alice", password: "demo" } },
          },
        },
        responses: {
          "200": json(closed(plain(LoginResult(roles))) as Json),
          "400": errorRef(400),
          "401": errorRef(401),
          "422": errorRef(422),
          "429": errorRef(429),
        },
      },
    },
    "/auth/me": {
      get: {
        tags: ["auth"],
        summary: "The caller's identity, from the bearer token",
        operationId: "getAuthMe",
        responses: { "200": json(user), "401": errorRef(401), "429": errorRef(429) },
      },
    },
    "/flows/{correlationId}": {
      get: {
        tags: ["platform"],
        summary: "One flow's steps in order across services (admin, manager, seller)",
        operationId: "getFlow",
        parameters: [
          {
            name: "correlationId",
            in: "path",
            required: true,
            schema: { type: "string", pattern: CORRELATION_ID.source },
          },
        ],
        responses: {
          "200": json({
            type: "object",
            required: ["correlationId", "steps", "calls"],
            properties: {
              correlationId: { type: "string" },
              steps: { type: "array", items: { type: "object" } },
              calls: { type: "array", items: { type: "object" } },
            },
          }),
          "400": errorRef(400),
          "401": errorRef(401),
          "403": errorRef(403),
          "404": errorRef(404),
          "422": errorRef(422),
          "429": errorRef(429),
        },
      },
    },
    "/health/live": {
      get: {
        tags: ["platform"],
        summary: "Liveness: 200 while the process can serve",
        operationId: "getHealthLive",
        security: [],
        responses: { "200": json({ type: "object", properties: { status: { type: "string" } } }) },
      },
    },
    "/health/ready": {
      get: {
        tags: ["platform"],
        summary: "Readiness: connected to NATS, streams exist, local stores caught up",
        operationId: "getHealthReady",
        security: [],
        responses: {
          "200": json({ type: "object" }, "ready"),
          "503": json({ type: "object" }, "not ready; the body says which check failed"),
        },
      },
    },
    "/metrics": {
      get: {
        tags: ["platform"],
        summary: "Prometheus metrics",
        operationId: "getMetrics",
        security: [],
        responses: {
          "200": { description: "Prometheus text format", content: { "text/plain": { schema: { type: "string" } } } },
        },
      },
    },
  };
}

export interface OpenApiInfo {
  title?: string;
  version?: string;
}

/** `roles`: those a login may answer with (the gateway's users' roles; by default the systems'). */
export function buildOpenApi(
  systems: RoutedSystem[],
  info: OpenApiInfo = {},
  roles: readonly Role[] = rolesOf(systems),
): Json {
  const paths: Record<string, Json> = platformPaths(roles) as Record<string, Json>;
  const tags = new Map<string, string>([
    ["auth", "Log in and identity"],
    ["platform", "Health and metrics"],
  ]);
  const usedIds = new Set<string>();
  for (const system of systems) {
    for (const route of system.routes) {
      if (!tags.has(route.tag)) tags.set(route.tag, `${system.name} system`);
      const base = operationIdOf(route);
      let id = base;
      for (let n = 2; usedIds.has(id); n++) id = `${base}${n}`;
      usedIds.add(id);
      const { path } = openApiPath(route.path);
      const item = paths[path] ?? {};
      item[route.method.toLowerCase()] = operation(route, id);
      paths[path] = item;
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: info.title ?? "Seed platform API",
      version: info.version ?? "0.1.0",
      description:
        "One gateway for every system. Errors share one body: `{error, reason?, message, details?, requestId}`; " +
        "a refusal by a business rule names it in `reason` (each operation lists its reasons). " +
        "A path parameter that cannot be what it names answers 404, as an unknown one does; " +
        "a known path asked with another method answers 405 with `Allow`. " +
        "POST accepts an `Idempotency-Key` header: the same key and body within the retention window return the first response again.",
    },
    servers: [{ url: "/" }],
    tags: [...tags].map(([name, description]) => ({ name, description })),
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { Error: ErrorBody },
      responses: errorResponses(paths),
      parameters: {
        Lang: {
          name: "lang",
          in: "query",
          required: false,
          description: "language of status labels (Korean by default)",
          schema: { type: "string", enum: ["ko", "en"], default: "ko" },
        },
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description: "makes a retry of this POST safe: same key and body → the first response again",
          schema: { type: "string", minLength: 1, maxLength: 200 },
        },
      },
    },
  };
}
