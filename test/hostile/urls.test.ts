// Hostile URLs on every route of every system. Path ids carrying NATS subject
// tokens and separators (`a.b`, `*`, `>`, `..`), encodings, unicode and sheer
// length are a 404 (400 for a URL that does not decode), never a 5xx,
// and never reach another aggregate: ids derived from a real resource's id
// (`<id>.x`, `<id>*`, `<prefix>>`) find nothing. Query strings: unknown
// parameters, wrong types, paging out of bounds, repeated and nested
// parameters are 422 naming the parameter (params.ts: query values are
// converted only when they are plain decimals, anything else fails the
// schema); a filter value the schema accepts is a 200 list. Nothing is stored.
import { compileChecker } from "@seed/platform/node";
import type { TSchema } from "@sinclair/typebox";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { propertiesOf, validBase } from "./schema-arb.js";
import {
  type CatalogRoute,
  callerFor,
  detailPaths,
  expectNothingAppended,
  expectRefusal,
  fillPath,
  type RawResponse,
  ROUTES,
  send,
  sendJson,
  show,
  unknownId,
  useHostileNode,
} from "./support.js";

const h = useHostileNode();
let before: Record<string, number>;

/** Resources the routes' own examples created, by the path they were created at. */
const created: Array<{ path: string; id: string }> = [];

const CREATING = ROUTES.filter((r) => r.method === "POST" && r.status === 201 && r.params.length === 0);
/**
 * Reference fields not named after their collection (`productId` →
 * `/mall/products` is found by name): the collection, and the field of the
 * created resource's body to take (default: its id). A review needs a
 * finished cleaning: the request of a clean made for it.
 */
const REFERS_TO: Record<string, Record<string, { collection: string; field?: string }>> = {
  "/cleaning/cleans": { requestId: { collection: "cleaningReservations" } },
  "/cleaning/reviews": { requestId: { collection: "cleans", field: "requestId" } },
  "/insurance/proposals": { planNo: { collection: "plans" } },
};
/**
 * The one creating route an example cannot satisfy at once, and the refusal
 * it gets instead: a proposal needs its plan's document, issued
 * asynchronously after a delay. Its id routes are hit with unknown ids only.
 */
const REFUSED_AT_ONCE: Record<string, { status: number; reason: string }> = {
  "/insurance/proposals": { status: 409, reason: "DocumentNotIssued" },
};

/**
 * Creates one resource with the route's own example. A field that refers to
 * another collection of the system (`productId`, `roomId`, `reserveId`) gets
 * a resource of that collection made for it first, so no example depends on
 * what an earlier one left behind (an order of a product that does not exist
 * is refused, as it should be). Every creation must answer 201 with its
 * Location: a route left out would go untested below.
 */
async function create(route: CatalogRoute): Promise<{ id: string; body: Record<string, unknown> } | undefined> {
  const system = route.path.split("/")[1];
  const body = { ...(route.body ? validBase(route.body, route.example) : {}) };
  for (const key of Object.keys(body)) {
    const ref =
      REFERS_TO[route.path]?.[key] ?? (key.endsWith("Id") ? { collection: `${key.slice(0, -2)}s` } : undefined);
    const target = CREATING.find((c) => c.path === `/${system}/${ref?.collection}`);
    if (!target) continue;
    const made = await create(target);
    if (made) body[key] = ref?.field ? made.body[ref.field] : made.id;
  }
  const res = await sendJson(h.url, "POST", route.path, body, callerFor(h, route).token);
  const refused = REFUSED_AT_ONCE[route.path];
  if (refused) {
    expect([res.status, (res.body as { reason?: string }).reason], route.path).toEqual([
      refused.status,
      refused.reason,
    ]);
    return undefined;
  }
  const location = String(res.headers.location ?? "");
  expect(res.status, `POST ${route.path}: ${JSON.stringify(res.body)}`).toBe(201);
  expect(location.startsWith(`${route.path}/`), `POST ${route.path}: Location ${location}`).toBe(true);
  return { id: decodeURIComponent(location.slice(route.path.length + 1)), body };
}

beforeAll(async () => {
  // One resource of every kind a route's example can create.
  for (const r of CREATING) {
    const made = await create(r);
    if (made) created.push({ path: r.path, id: made.id });
  }
  before = await h.settle();
}, 60_000);

const WITH_PARAMS = ROUTES.filter((r) => r.params.length > 0);
const LISTS = ROUTES.filter((r) => r.method === "GET" && r.query !== undefined);

/** A request on `route` with its parameters set to `rawId` (already URL-encoded); a valid body when it takes one. */
function hit(route: CatalogRoute, rawId: string): Promise<RawResponse> {
  const body = route.body ? validBase(route.body, route.example) : undefined;
  return sendJson(h.url, route.method, fillPath(route, rawId, true), body, callerFor(h, route).token);
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** Path segments as sent on the wire. */
const HOSTILE_IDS = [
  "a.b",
  "*",
  "%2A",
  ">",
  "%3E",
  "a.%3E",
  "a%20b",
  "%20",
  "%2E",
  "%2E%2E",
  "%252E",
  "..%2F..%2Fetc%2Fpasswd",
  "a%2Fb",
  "%00",
  "a%00b",
  "%0D%0AX-Injected:%201",
  "%C0%AE",
  "%FF",
  "%E2%80%AE",
  "%F0%9F%98%80",
  "%ED%A0%80",
  "%EC%A3%BC%EB%AC%B8",
  "%",
  "%ZZ",
  "$JS.API.STREAM.LIST",
  "_INBOX.x",
  "mall.order.%3E",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "null",
  "undefined",
  "0",
  "-1",
  "x".repeat(300),
  "9".repeat(8000),
];

describe.concurrent("path ids", () => {
  it.each(WITH_PARAMS.map((r) => [r.name, r] as const))("%s: hostile ids are 400/404", async (_, route) => {
    for (const raw of HOSTILE_IDS) {
      const res = await hit(route, raw);
      expectRefusal(res, [400, 404], `${route.method} ${fillPath(route, raw, true).slice(0, 120)}`, [
        safeDecode(raw),
        raw,
      ]);
    }
  });

  it.each(WITH_PARAMS.map((r) => [r.name, r] as const))("%s: random ids are 404", async (_, route) => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 60, unit: "grapheme" }), async (id) => {
        fc.pre(id !== "me"); // a route of its own (e.g. GET /insurance/customers/me)
        const res = await hit(route, encodeURIComponent(id));
        expectRefusal(res, [404], `${route.method} ${fillPath(route, id)}`, [id]);
      }),
      { numRuns: 8 },
    );
  });

  it("a real resource's id, extended into subject wildcards and separators, finds nothing", async () => {
    expect(created.length, "the routes' examples created nothing to aim at").toBeGreaterThan(0);
    const singleParam = WITH_PARAMS.filter((r) => r.params.length === 1);
    for (const { path, id } of created) {
      // The resource is there under its own id.
      const own = ROUTES.find((r) => r.method === "GET" && r.params.length === 1 && fillPath(r, "X") === `${path}/X`);
      if (own) {
        const ok = await sendJson(h.url, "GET", fillPath(own, id), undefined, callerFor(h, own).token);
        expect(ok.status, `GET ${path}/${id}: ${show(ok)}`).toBe(200);
      }
      const e = encodeURIComponent;
      const derived = [
        e(`${id}.x`),
        `${e(id)}%2Ex`,
        e(`${id}.>`),
        e(`${id}*`),
        e(`${id}>`),
        e(`${id.slice(0, -1)}*`),
        e(`${id.slice(0, -1)}>`),
        e(`${id.slice(0, 10)}.*`),
        e(`*.${id}`),
        e(`${id} `),
        e(` ${id}`),
        `${e(id)}%00`,
        e(`${id}\n`),
        e(`${id}${id}`),
      ];
      // Aimed at every by-id route of the resource's system, side by side.
      const system = path.split("/")[1];
      const targets = singleParam.filter((r) => r.system === system);
      await Promise.all(
        targets.map(async (route) => {
          for (const raw of derived) {
            const res = await hit(route, raw);
            const what = `${route.method} ${fillPath(route, raw, true)}`;
            expectRefusal(res, [400, 404], what, [safeDecode(raw), id]);
          }
        }),
      );
    }
  });
});

describe.concurrent("methods a path does not declare", () => {
  const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
  const paths = [...new Set(ROUTES.map((r) => r.path))];
  it.each(paths.map((p) => [p] as const))("%s", async (path) => {
    const declared = ROUTES.filter((r) => r.path === path).map((r) => r.method as string);
    const filled = fillPath(ROUTES.find((r) => r.path === path) as CatalogRoute, unknownId());
    const user = h.users.find((u) => u.username === "dave");
    for (const method of METHODS.filter((m) => !declared.includes(m))) {
      const res = await sendJson(h.url, method, filled, method === "GET" ? undefined : {}, user?.token);
      // Never the route of another method: 405, and `Allow` names the methods the path takes.
      expectRefusal(res, [405], `${method} ${filled}`);
      expect(String(res.headers.allow ?? ""), `${method} ${filled}`).toBe([...declared].sort().join(", "));
    }
  });
});

// ── Query strings ───────────────────────────────────────────────────────────

const INTEGER = /^-?\d{1,15}$/;
const NUMBER = /^-?\d{1,15}(\.\d{1,15})?$/;

/** What params.ts turns a query value into, by the schema's type of the key. */
function converted(schema: TSchema | undefined, value: string): unknown {
  const type = (schema as { type?: string } | undefined)?.type;
  if (type === "integer" && INTEGER.test(value)) return Number(value);
  if (type === "number" && NUMBER.test(value)) return Number(value);
  if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

/** Hostile query strings every list answers with 422 naming the given parameter. */
const BAD_QUERIES: Array<[string, string]> = [
  ["bogus=1", "/bogus"],
  ["limit=501", "/limit"],
  ["limit=0", "/limit"],
  ["limit=-1", "/limit"],
  ["limit=abc", "/limit"],
  ["limit=1.5", "/limit"],
  ["limit=1e2", "/limit"],
  ["limit=0x10", "/limit"],
  ["limit=", "/limit"],
  ["limit=%20", "/limit"],
  ["limit=99999999999999999999", "/limit"],
  ["limit=NaN", "/limit"],
  ["limit=Infinity", "/limit"],
  ["offset=0", "/offset"],
  ["after=", "/after"],
  ["after=a%2Bb", "/after"],
  ["after=AAAA", "/after"],
  ["after=abc%3D", "/after"],
  ["after=1", "/after"],
  ["limit=1&limit=2", "/limit"],
  ["limit[]=1", "/limit"],
  ["limit[$gt]=1", "/limit"],
  ["lang=fr", "/lang"],
  ["lang=en&lang=ko", "/lang"],
  ["lang[]=en", "/lang"],
  ["a[b]=1", "/a"],
  ["%24where=1", "/$where"],
];

describe.concurrent("query strings", () => {
  it.each(LISTS.map((r) => [r.name, r] as const))("%s: bad paging, types and names are 422", async (_, route) => {
    const token = callerFor(h, route).token;
    for (const [query, pointer] of BAD_QUERIES) {
      const res = await sendJson(h.url, "GET", `${route.path}?${query}`, undefined, token);
      expectRefusal(res, [422], `GET ${route.path}?${query}`);
      expect(detailPaths(res), `GET ${route.path}?${query}: ${show(res)}`).toContain(pointer);
    }
    // More parameters than the gateway reads (qs keeps the first 100): still refused, not crashed.
    const many = Array.from({ length: 300 }, (_, i) => `p${i}=${i}`).join("&");
    expectRefusal(await sendJson(h.url, "GET", `${route.path}?${many}`, undefined, token), [422], "300 parameters");
  });

  it.each(LISTS.map((r) => [r.name, r] as const))(
    "%s: property: 422 exactly when the schema refuses the value",
    async (_, route) => {
      const schema = route.query as TSchema;
      const props = propertiesOf(schema);
      const token = callerFor(h, route).token;
      const key = fc.oneof(
        fc.constantFrom(...Object.keys(props)),
        fc.stringMatching(/^[a-z][A-Za-z0-9_]{0,12}$/).filter((k) => !(k in props)),
      );
      const value = fc.oneof(
        fc.string({ maxLength: 30, unit: "grapheme" }),
        fc.constantFrom("1", "50", "500", "0", "-0", "00", "1.0", "ko", "en", "x".repeat(201), "*", ">", "a.b"),
        fc.integer().map(String),
      );
      await fc.assert(
        fc.asyncProperty(key, value, async (k, v) => {
          const res = await sendJson(
            h.url,
            "GET",
            `${route.path}?${encodeURIComponent(k)}=${encodeURIComponent(v)}`,
            undefined,
            token,
          );
          const what = `GET ${route.path}?${k}=${JSON.stringify(v)}`;
          const accepted = k in props && compileChecker(schema)({ [k]: converted(props[k], v) }) === true;
          if (accepted) {
            expect(res.status, `${what}: ${show(res)}`).toBe(200);
            expect(res.body, what).toMatchObject({ items: expect.any(Array), hasMore: expect.any(Boolean) });
          } else {
            expectRefusal(res, [422], what, [k, v]);
            expect(detailPaths(res), `${what}: ${show(res)}`).toContain(`/${k}`);
          }
        }),
        { numRuns: 20 },
      );
    },
  );

  const NO_QUERY = ROUTES.filter((r) => r.query === undefined);
  it.each(NO_QUERY.map((r) => [r.name, r] as const))("%s: takes no query parameters", async (_, route) => {
    const body = route.body ? validBase(route.body, route.example) : undefined;
    const path = fillPath(route, unknownId());
    for (const [query, pointer] of [
      ["bogus=1", "/bogus"],
      ["id=1", "/id"],
      ["lang=fr", "/lang"],
      ["a[b]=1", "/a"],
    ]) {
      const res = await sendJson(h.url, route.method, `${path}?${query}`, body, callerFor(h, route).token);
      expectRefusal(res, [422], `${route.method} ${path}?${query}`);
      expect(detailPaths(res), `${route.method} ${path}?${query}: ${show(res)}`).toContain(pointer);
    }
  });

  it("prototype keys in a query string are dropped, and pollute nothing", async () => {
    const queries = ["__proto__[polluted]=1", "constructor[prototype][polluted]=1", "__proto__.polluted=1"];
    await Promise.all(
      LISTS.flatMap((route) =>
        queries.map(async (query) => {
          const token = callerFor(h, route).token;
          const res = await send(h.url, { method: "GET", path: `${route.path}?${query}`, token });
          // qs drops keys that would reach Object.prototype: either ignored (200) or refused (422).
          expect([200, 422], `GET ${route.path}?${query}: ${show(res)}`).toContain(res.status);
        }),
      ),
    );
    // The node runs in this process: its objects share this prototype.
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("hostile URLs changed nothing", () => {
  it("no stream on the node's nats-server got a message", async () => {
    await expectNothingAppended(h, before, "hostile URLs");
  });
});
