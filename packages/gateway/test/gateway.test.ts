// The gateway over a real nats-server: routing, auth, errors, idempotency,
// platform endpoints. One node runs the fake demo system and the gateway; a
// second node runs only a gateway (rate-limited) that reaches demo over NATS.
import { type ApiClient, api, eventually } from "@seed/platform/testing";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoUserId } from "../src/index.js";
import { seen } from "./fake-system.js";
import { type Started, startDemoNode } from "./start.js";

const SECRET = "test-secret-0123456789abcdef"; // testEnv's JWT_SECRET

let main: Started;
let limited: Started;
let alice: ApiClient;
let bob: ApiClient;
let anon: ApiClient;

beforeAll(async () => {
  main = await startDemoNode("api,demo.thing", { REQUEST_TIMEOUT_MS: 500, RETRY_ATTEMPTS: 0 });
  limited = await startDemoNode("api", { RATE_LIMIT_PER_MINUTE: 3, REQUEST_TIMEOUT_MS: 500 });
  alice = api(main.url);
  bob = api(main.url);
  anon = api(main.url);
  await alice.login("alice");
  await bob.login("bob");
});

afterAll(async () => {
  await limited?.node.stop();
  await main?.node.stop();
});

const sign = (claims: Record<string, unknown>, secret = SECRET, expSeconds = 3600) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("user-1")
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expSeconds)
    .sign(new TextEncoder().encode(secret));

function expectErrorBody(body: unknown, error: string) {
  expect(body).toMatchObject({ error, message: expect.any(String), requestId: expect.any(String) });
  const keys = Object.keys(body as object).sort();
  expect(keys.filter((k) => !["error", "reason", "message", "details", "requestId"].includes(k))).toEqual([]);
}

describe("auth", () => {
  it("logs in a demo user with a stable id", async () => {
    const res = await anon.post("/auth/login", { username: "alice", password: "demo" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.body.user).toEqual({ id: demoUserId("alice"), username: "alice", roles: ["customer", "member"] });
    expect(typeof res.body.token).toBe("string");
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
  });

  it("refuses a wrong password and an unknown user alike", async () => {
    const wrong = await anon.post("/auth/login", { username: "alice", password: "nope" });
    const unknown = await anon.post("/auth/login", { username: "mallory", password: "demo" });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expectErrorBody(res.body, "Unauthorized");
      expect(res.body.message).toBe("invalid user name or password");
    }
  });

  it("answers 422 for a malformed login body", async () => {
    const res = await anon.post("/auth/login", { username: 1 });
    expect(res.status).toBe(422);
    expectErrorBody(res.body, "ValidationError");
    expect(res.body.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(["/username", "/password"]),
    );
  });

  it("tells the caller who they are", async () => {
    const res = await alice.get("/auth/me");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: demoUserId("alice"), username: "alice", roles: ["customer", "member"] });
  });

  it("401 for a missing, malformed, expired or wrongly signed token", async () => {
    const cases: Array<[string, Record<string, string>]> = [
      ["missing", {}],
      ["not bearer", { authorization: "Basic YWxpY2U6ZGVtbw==" }],
      ["malformed", { authorization: "Bearer not-a-jwt" }],
      ["expired", { authorization: `Bearer ${await sign({ roles: ["customer"] }, SECRET, -60)}` }],
      [
        "bad signature",
        { authorization: `Bearer ${await sign({ roles: ["customer"] }, "another-secret-0123456789")}` },
      ],
    ];
    for (const [name, headers] of cases) {
      const res = await anon.get("/demo/things", { headers });
      expect(res.status, name).toBe(401);
      expectErrorBody(res.body, "Unauthorized");
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    const expired = await anon.get("/demo/things", { headers: cases[3]?.[1] ?? {} });
    expect(expired.body.message).toBe("token expired");
  });

  it("403 when the role does not allow the route", async () => {
    const res = await bob.post("/demo/things", { name: "cup", qty: 1 });
    expect(res.status).toBe(403);
    expectErrorBody(res.body, "Forbidden");
    expect(res.body).toMatchObject({ reason: "RoleRequired", message: "requires one of the roles: customer" });
  });

  it("public routes need no token", async () => {
    expect((await anon.get("/demo/hello")).body).toEqual({ hello: "anonymous" });
    expect((await alice.get("/demo/hello")).body).toEqual({ hello: "alice" });
  });
});

describe("routes", () => {
  it("creates with 201 and Location, then reads it back", async () => {
    const res = await alice.post("/demo/things", { name: "cup", qty: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: "cup", qty: 2, owner: demoUserId("alice") });
    expect(res.headers.get("location")).toBe(`/demo/things/${res.body.id}`);
    const got = await bob.get(`/demo/things/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it("converts query values with the route's schema and validates them", async () => {
    const ok = await alice.get("/demo/things?limit=1&offset=0&lang=en");
    expect(ok.status).toBe(200);
    expect(ok.body.items.length).toBeLessThanOrEqual(1);
    const bad = await alice.get("/demo/things?limit=0");
    expect(bad.status).toBe(422);
    expect(bad.body.details).toEqual([{ path: "/limit", message: expect.any(String) }]);
    const unknown = await alice.get("/demo/things?color=red");
    expect(unknown.status).toBe(422);
    expect((await alice.get("/demo/things?lang=fr")).status).toBe(422);
  });

  it("422 with details and nothing internal for a body that breaks the schema", async () => {
    const res = await alice.post("/demo/things", { name: 5, qty: 0, extra: true });
    expect(res.status).toBe(422);
    expectErrorBody(res.body, "ValidationError");
    const paths = res.body.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["/name", "/qty"]));
    for (const d of res.body.details) expect(Object.keys(d).sort()).toEqual(["message", "path"]);
  });

  it("a malformed id in a path is 404, as an unknown one, and says what an id looks like", async () => {
    for (const id of ["not-an-id", "01ARZ3NDEKTSV4RRFFQ69G5FA", "01ARZ3NDEKTSV4RRFFQ69G5FAV.x"]) {
      const res = await alice.get(`/demo/things/${id}`);
      expect(res.status, id).toBe(404);
      expectErrorBody(res.body, "NotFound");
      expect(res.body.message).toBe("not found: id must be a 26-character id");
      expect(res.body).not.toHaveProperty("details");
    }
    // A route whose parameter is not an id takes what its schema allows.
    expect((await alice.post("/demo/things/X/refuse")).status).toBe(409);
    expect((await alice.post("/demo/things/X-1/refuse")).status).toBe(404);
  });

  it("a schema violation says what the value must be, never a pattern or a schema term", async () => {
    const res = await alice.post("/demo/things", { name: "", qty: 0, extra: 1 });
    expect(res.status).toBe(422);
    expect(res.body).not.toHaveProperty("reason");
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        { path: "/name", message: "must not be empty" },
        { path: "/qty", message: "must be a whole number from 1 to 100" },
        { path: "/extra", message: "is not a known field" },
      ]),
    );
    const { qty: _, ...rest } = { name: "cup", qty: 1 };
    const missing = await alice.post("/demo/things", rest);
    expect(missing.body.details).toEqual([{ path: "/qty", message: "is required" }]);
    expect(missing.body.message).toBe("qty: is required");
  });

  it("a body field may not also come from the URL", async () => {
    const res = await alice.post("/demo/things/X1/rename", { name: "a", id: "X2" });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([{ path: "/id", message: "given both in the body and in the URL" }]);
  });

  it("400 for malformed JSON or another content type, 422 for JSON that is not an object", async () => {
    const bad = await alice.post("/demo/things", '{"name": "cup",');
    expect(bad.status).toBe(400);
    expectErrorBody(bad.body, "BadRequest");
    const text = await alice.post("/demo/things", "name=cup", { headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(400);
    expectErrorBody(text.body, "BadRequest");
    const arr = await alice.post("/demo/things", [1, 2]);
    expect(arr.status).toBe(422);
  });

  it("413 for a body over the limit", async () => {
    const res = await alice.post("/demo/things", { name: "x".repeat(70 * 1024), qty: 1 });
    expect(res.status).toBe(413);
    expectErrorBody(res.body, "PayloadTooLarge");
  });

  it("404 for unknown routes", async () => {
    for (const path of ["/nope", "/demo/nope", "/demo/things/a/b/c"]) {
      const res = await alice.get(path);
      expect(res.status, path).toBe(404);
      expectErrorBody(res.body, "NotFound");
    }
  });

  it("404 from the service passes through", async () => {
    const res = await alice.get("/demo/things/01ARZ3NDEKTSV4RRFFQ69G5FAV");
    expect(res.status).toBe(404);
    expectErrorBody(res.body, "NotFound");
  });

  it("409 from the service passes through with its message and the rule as reason", async () => {
    const res = await alice.post("/demo/things/X/refuse");
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: "Conflict",
      reason: "AlwaysNo",
      message: "this thing cannot be done now",
      requestId: expect.any(String),
    });
  });

  it("405 with Allow for a known path asked with another method; 404 stays for unknown paths", async () => {
    const cases: Array<[string, string, string]> = [
      ["DELETE", "/demo/things", "GET, POST"],
      ["PUT", "/demo/things/01ARZ3NDEKTSV4RRFFQ69G5FAV", "GET"],
      ["GET", "/demo/things/X/refuse", "POST"],
      ["POST", "/health/live", "GET"],
      ["DELETE", "/auth/login", "POST"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await alice.request(method, path, method === "GET" ? undefined : {});
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow"), `${method} ${path}`).toBe(allow);
      expectErrorBody(res.body, "MethodNotAllowed");
      expect(res.body.message).toContain(allow);
    }
    expect((await alice.request("DELETE", "/demo/nope")).status).toBe(404);
  });

  it("503 with Retry-After, fast, when no node serves the action", async () => {
    const t0 = Date.now();
    const res = await alice.get("/demo/ghost");
    expect(res.status).toBe(503);
    expectErrorBody(res.body, "ServiceUnavailable");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(JSON.stringify(res.body)).not.toContain("demo.ghost");
  });

  it("503 with Retry-After when the callee times out", async () => {
    const t0 = Date.now();
    const res = await alice.get("/demo/slow");
    expect(res.status).toBe(503);
    expectErrorBody(res.body, "ServiceUnavailable");
    expect(res.headers.get("retry-after")).toBeTruthy();
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("500 without details for an unexpected failure", async () => {
    const res = await alice.get("/demo/boom");
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: "InternalError", message: "internal error", requestId: expect.any(String) });
  });

  it("echoes a safe X-Request-Id and puts it in error bodies; replaces an unsafe one", async () => {
    const res = await alice.get("/nope", { headers: { "x-request-id": "req-42" } });
    expect(res.headers.get("x-request-id")).toBe("req-42");
    expect(res.body.requestId).toBe("req-42");
    const unsafe = await alice.get("/health/live", { headers: { "x-request-id": "a b<script>" } });
    expect(unsafe.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const generated = await alice.get("/health/live");
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    // Without one from the client, an error names the same id in its header and its body.
    const refused = await alice.get("/nope");
    expect(refused.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(refused.body.requestId).toBe(refused.headers.get("x-request-id"));
  });

  it("answers a CORS preflight", async () => {
    const res = await fetch(`${main.url}/demo/things`, {
      method: "OPTIONS",
      headers: {
        origin: "http://example.test",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toContain("Idempotency-Key");
  });
});

describe("Idempotency-Key", () => {
  it("replays the first response and runs the action once", async () => {
    const before = seen.creates;
    const headers = { "idempotency-key": `k-${Date.now()}` };
    const first = await alice.post("/demo/things", { name: "once", qty: 1 }, { headers });
    const again = await alice.post("/demo/things", { qty: 1, name: "once" }, { headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("location")).toBe(first.headers.get("location"));
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(seen.creates).toBe(before + 1);
  });

  it("keys are per caller", async () => {
    const erin = api(main.url);
    await erin.login("erin");
    const headers = { "idempotency-key": `shared-${Date.now()}` };
    const a = await alice.post("/demo/things", { name: "mine", qty: 1 }, { headers });
    const e = await erin.post("/demo/things", { name: "mine", qty: 1 }, { headers });
    expect(e.status).toBe(201);
    expect(e.body.id).not.toBe(a.body.id);
    expect(e.headers.get("idempotent-replayed")).toBeNull();
  });

  it("422 for the same key with another body", async () => {
    const headers = { "idempotency-key": `diff-${Date.now()}` };
    expect((await alice.post("/demo/things", { name: "a", qty: 1 }, { headers })).status).toBe(201);
    const res = await alice.post("/demo/things", { name: "b", qty: 1 }, { headers });
    expect(res.status).toBe(422);
    expectErrorBody(res.body, "ValidationError");
  });

  it("409 while the first request with the key is still running", async () => {
    const headers = { "idempotency-key": `busy-${Date.now()}` };
    const first = alice.post("/demo/things/W/wait", undefined, { headers });
    await new Promise((r) => setTimeout(r, 100));
    const second = await alice.post("/demo/things/W/wait", undefined, { headers });
    expect(second.status).toBe(409);
    expect(second.body.message).toBe("request with this Idempotency-Key is in progress");
    expect((await first).status).toBe(200);
    expect((await alice.post("/demo/things/W/wait", undefined, { headers })).headers.get("idempotent-replayed")).toBe(
      "true",
    );
  });

  it("stores and replays a refusal", async () => {
    const headers = { "idempotency-key": `refuse-${Date.now()}` };
    const first = await alice.post("/demo/things/R/refuse", undefined, { headers });
    const again = await alice.post("/demo/things/R/refuse", undefined, { headers });
    expect(first.status).toBe(409);
    expect(again.status).toBe(409);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("lets a client retry after a 503, with the same first-seen time", async () => {
    const id = `F${Date.now()}`;
    const headers = { "idempotency-key": `flaky-${id}` };
    const from = seen.idempotencyTimes.length;
    const first = await alice.post(`/demo/things/${id}/flaky`, undefined, { headers });
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("3");
    const retry = await alice.post(`/demo/things/${id}/flaky`, undefined, { headers });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ attempt: 2 });
    const times = seen.idempotencyTimes.slice(from);
    expect(times).toHaveLength(2);
    expect(typeof times[0]).toBe("number");
    expect(times[1]).toBe(times[0]);
  });

  it("422 for a key that is too long", async () => {
    const res = await alice.post(
      "/demo/things",
      { name: "a", qty: 1 },
      { headers: { "idempotency-key": "k".repeat(201) } },
    );
    expect(res.status).toBe(422);
  });
});

describe("platform endpoints", () => {
  it("health", async () => {
    const live = await anon.get("/health/live");
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({
      status: "ok",
      live: true,
      checks: { "event loop": { ok: true }, nats: { ok: true } },
    });
    // The demo system routes to an action no node serves: the gateway waits
    // out its warm-up for it, then takes traffic anyway.
    const ready = await eventually(
      async () => {
        const r = await anon.get("/health/ready");
        expect(r.status).toBe(200);
        return r;
      },
      { timeout: 6000, interval: 200 },
    );
    expect(ready.body.ready).toBe(true);
    expect(ready.body.checks["api routes"]).toEqual({ ok: true });
  });

  it("metrics in Prometheus text", async () => {
    await anon.get("/health/live");
    const res = await anon.get("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(res.body).toContain("# TYPE http_requests_total counter");
    expect(res.body).toMatch(/http_requests_total\{[^}]*method="POST",route="\/demo\/things",status="201"\} \d+/);
    expect(res.body).toContain("http_request_duration_seconds_bucket");
    expect(res.body).toContain("moleculer_request_total");
  });

  it("counts each answer once in its request counter and its duration histogram", async () => {
    const count = async (pattern: RegExp) => Number((await anon.get("/metrics")).body.match(pattern)?.[1] ?? 0);
    const requests = /http_requests_total\{[^}]*method="GET",route="\/health\/live",status="200"\} (\d+)/;
    const durations =
      /http_request_duration_seconds_bucket\{[^}]*method="GET",route="\/health\/live",le="\+Inf"\} (\d+)/;
    await anon.get("/health/live");
    const [requestsBefore, durationsBefore] = [await count(requests), await count(durations)];
    expect(Math.min(requestsBefore, durationsBefore)).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) await anon.get("/health/live");
    expect([await count(requests), await count(durations)]).toEqual([requestsBefore + 3, durationsBefore + 3]);
  });

  it("openapi.json describes the routes", async () => {
    const res = await anon.get("/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/demo/things", "/demo/things/{id}", "/auth/login", "/auth/me"]),
    );
    const create = doc.paths["/demo/things"].post;
    expect(create.requestBody.content["application/json"].example).toEqual({ name: "cup", qty: 2 });
    expect(create.responses["201"]).toBeDefined();
    expect(create.responses["403"]).toBeDefined();
    expect(create.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths["/demo/things/{id}"].get.responses["404"]).toBeDefined();
    expect(doc.paths["/demo/hello"].get.security).toEqual([]);
    expect(doc.components.securitySchemes.bearerAuth.scheme).toBe("bearer");
    expect(JSON.stringify(doc)).not.toContain("demo.thing.");
  });

  it("/docs serves the viewer from local files", async () => {
    const page = await anon.get("/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.body).toContain("/docs/swagger-ui-bundle.js");
    const js = await fetch(`${main.url}/docs/swagger-ui-bundle.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toContain("javascript");
    expect((await js.text()).length).toBeGreaterThan(100_000);
    expect((await anon.get("/docs/package.json")).status).toBe(404);
  });
});

describe("a second gateway node", () => {
  it("reaches the demo service over NATS", async () => {
    const client = api(limited.url);
    await client.login("dave");
    const res = await client.get("/demo/things?limit=1");
    expect(res.status).toBe(200);
  });

  it("rate-limits a caller with 429 and Retry-After", async () => {
    const client = api(limited.url);
    client.token = alice.token;
    const statuses: number[] = [];
    let last: Awaited<ReturnType<ApiClient["get"]>> | undefined;
    for (let i = 0; i < 5; i++) {
      last = await client.get("/auth/me");
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.at(-1)).toBe(429);
    expectErrorBody(last?.body, "TooManyRequests");
    expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
    // Probes are never limited.
    expect((await client.get("/health/live")).status).toBe(200);
  });
});
