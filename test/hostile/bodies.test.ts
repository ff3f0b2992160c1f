// Hostile request bodies on every route of every system (api.md "Errors"):
// each body the route's own schema refuses — a field of the wrong type, out
// of range, too long, not matching its pattern, missing, unknown, raw JSON
// numbers, nested junk, unicode — is a 422 naming the field; text that is not
// JSON is a 400, a body over the limit a 413, a route without a body refuses
// one. Never a 5xx, never anything internal in the answer, and nothing stored:
// no stream on the node's nats-server moves.
import type { TSchema } from "@sinclair/typebox";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BODY_LIMIT_BYTES,
  type BodyVariant,
  bodyVariantArb,
  MALFORMED_JSON,
  propertiesOf,
  refusedBySchema,
  validBase,
} from "./schema-arb.js";
import {
  type CatalogRoute,
  callerFor,
  detailPaths,
  expectNothingAppended,
  expectRefusal,
  fillPath,
  ROUTES,
  send,
  sendJson,
  unknownId,
  useHostileNode,
} from "./support.js";

const h = useHostileNode();
let before: Record<string, number>;

beforeAll(async () => {
  before = await h.settle();
});

const WITH_BODY = ROUTES.filter((r) => r.body !== undefined);
const WRITES = ROUTES.filter((r) => r.method !== "GET");
/** Runs per route; the routes run side by side. */
const RUNS = 30;

/** The path of a route, its parameters filled with ids nobody created (the body is refused before any lookup). */
const pathOf = (r: CatalogRoute) => fillPath(r, unknownId());

/** What the gateway must answer to this text as the body of `route`. */
function expectedFor(route: CatalogRoute, v: BodyVariant): number[] | undefined {
  if (Buffer.byteLength(v.text) > BODY_LIMIT_BYTES) return [413];
  const refused = refusedBySchema(route.body as TSchema, v.text);
  if (refused === undefined) return [400];
  return refused ? [422] : undefined;
}

describe.concurrent("property: hostile JSON bodies are refused with a precise 4xx", () => {
  it.each(WITH_BODY.map((r) => [r.name, r] as const))("%s", async (_, route) => {
    const schema = route.body as TSchema;
    const base = validBase(schema, route.example);
    expect(base, `${route.name}: no valid body could be built from its schema or example`).toBeDefined();
    const caller = callerFor(h, route);
    const seen: string[] = [];
    await fc.assert(
      fc.asyncProperty(bodyVariantArb(schema, base ?? {}), async (variant) => {
        const expected = expectedFor(route, variant);
        fc.pre(expected !== undefined);
        const res = await sendJson(h.url, route.method, pathOf(route), variant.text, caller.token);
        const what = `${route.name} with ${variant.label}`;
        expectRefusal(res, expected ?? [], what);
        if (res.status === 422 && variant.pointer !== undefined) {
          const paths = detailPaths(res);
          // The violation is named by its JSON pointer (or one below it, e.g. /items/0).
          const named = paths.some((p) => p === variant.pointer || p.startsWith(`${variant.pointer}/`));
          expect(named, `${what}: details ${JSON.stringify(paths)} do not name ${variant.pointer}`).toBe(true);
        }
        seen.push(variant.label);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(seen.length).toBeGreaterThan(RUNS / 3);
  });
});

describe.concurrent("text that is not a JSON object", () => {
  it.each(WRITES.map((r) => [r.name, r] as const))("%s: malformed JSON is 400", async (_, route) => {
    const caller = callerFor(h, route);
    for (const text of MALFORMED_JSON) {
      const res = await sendJson(h.url, route.method, pathOf(route), text, caller.token);
      expectRefusal(res, [400], `${route.name} with ${JSON.stringify(text)}`);
    }
  });

  it.each(WRITES.map((r) => [r.name, r] as const))("%s: a JSON value that is not an object", async (_, route) => {
    const caller = callerFor(h, route);
    for (const text of ["[]", "[{}]", '"text"', "42", "null", "true"]) {
      const res = await sendJson(h.url, route.method, pathOf(route), text, caller.token);
      // body-parser's strict mode refuses a bare primitive as unparsable (400); arrays parse and fail the schema.
      expectRefusal(res, text.startsWith("[") ? [422] : [400, 422], `${route.name} with ${text}`);
    }
  });

  it.each(WRITES.map((r) => [r.name, r] as const))("%s: other content types are 400", async (_, route) => {
    const caller = callerFor(h, route);
    // A body the route would accept as JSON: only its content type is wrong.
    const json = JSON.stringify(route.body ? (validBase(route.body, route.example) ?? {}) : {});
    const bodies: Array<[string, string]> = [
      ["text/plain", json],
      ["application/x-www-form-urlencoded", "a=1&b=2"],
      ["multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'],
      ["application/xml", "<a>1</a>"],
      ["application/octet-stream", "\u0000\u0001\u0002"],
      ["application/json; charset=latin1", json],
      ["application/json; charset=utf-7", json],
      ["application/json; charset=utf-16", json],
      ["application/json; charset=utf-32", json],
    ];
    for (const [type, body] of bodies) {
      const res = await send(h.url, {
        method: route.method,
        path: pathOf(route),
        token: caller.token,
        headers: { "content-type": type },
        body,
      });
      expectRefusal(res, [400], `${route.name} as ${type}`);
    }
    // A body without any content type is not JSON either.
    const res = await send(h.url, { method: route.method, path: pathOf(route), token: caller.token, body: json });
    expectRefusal(res, [400], `${route.name} without a content type`);
  });

  it.each(WRITES.map((r) => [r.name, r] as const))("%s: a body over the limit is 413", async (_, route) => {
    const caller = callerFor(h, route);
    const big = JSON.stringify({ padding: "x".repeat(BODY_LIMIT_BYTES + 10) });
    const res = await sendJson(h.url, route.method, pathOf(route), big, caller.token);
    expectRefusal(res, [413], `${route.name} with ${big.length} bytes`);
    // A field of 100 KB, in characters that take several bytes each.
    const wide = JSON.stringify({ name: "한".repeat(35_000) });
    expectRefusal(await sendJson(h.url, route.method, pathOf(route), wide, caller.token), [413], `${route.name} wide`);
  });
});

describe.concurrent("required fields and routes without a body", () => {
  it.each(WITH_BODY.map((r) => [r.name, r] as const))(
    "%s: an empty body names every required field",
    async (_, route) => {
      const caller = callerFor(h, route);
      const required = (route.body as { required?: string[] }).required ?? [];
      if (required.length === 0) return; // {} is a valid body of this route (every field optional)
      for (const body of [undefined, "{}"]) {
        const res = await sendJson(h.url, route.method, pathOf(route), body, caller.token);
        expectRefusal(res, [422], `${route.name} with ${body ?? "no body"}`);
        expect(detailPaths(res).sort(), `${route.name} with ${body ?? "no body"}`).toEqual(
          expect.arrayContaining(required.map((k) => `/${k}`)),
        );
      }
    },
  );

  // GET routes too: a body the route does not take is refused, not ignored.
  const NO_BODY = ROUTES.filter((r) => r.body === undefined);
  it.each(NO_BODY.map((r) => [r.name, r] as const))("%s: any field in a body is 422", async (_, route) => {
    const caller = callerFor(h, route);
    for (const [key, value] of [
      ["reason", "x"],
      ["id", unknownId()],
      ["status", "Done"],
      ["__proto__", { admin: true }],
    ] as const) {
      const text = `{${JSON.stringify(key)}:${JSON.stringify(value)}}`;
      const res = await sendJson(h.url, route.method, pathOf(route), text, caller.token);
      expectRefusal(res, [422], `${route.name} with ${text}`);
      expect(detailPaths(res), `${route.name} with ${text}`).toContain(`/${key}`);
    }
  });

  it("every body field is bounded (strings have maxLength or a pattern, numbers a range)", () => {
    const unbounded: string[] = [];
    const walk = (s: Record<string, unknown>, at: string) => {
      if (s.type === "string" && s.maxLength === undefined && s.pattern === undefined && s.const === undefined) {
        if (s.format === undefined) unbounded.push(`${at}: string without maxLength`);
      }
      const low = s.minimum ?? s.exclusiveMinimum;
      const high = s.maximum ?? s.exclusiveMaximum;
      if ((s.type === "integer" || s.type === "number") && (low === undefined || high === undefined)) {
        unbounded.push(`${at}: number without minimum and maximum`);
      }
      if (s.type === "array" && s.maxItems === undefined) unbounded.push(`${at}: array without maxItems`);
      if (s.type === "object" && s.additionalProperties !== false) unbounded.push(`${at}: object not closed`);
      for (const [k, p] of Object.entries(propertiesOf(s as TSchema))) walk(p, `${at}/${k}`);
      if (Array.isArray(s.anyOf)) for (const b of s.anyOf) walk(b as Record<string, unknown>, at);
      if (typeof s.items === "object" && s.items !== null) walk(s.items as Record<string, unknown>, `${at}/items`);
    };
    for (const r of WITH_BODY) walk(r.body as Record<string, unknown>, r.name);
    expect(unbounded).toEqual([]);
  });
});

describe.concurrent("headers around a body", () => {
  const POSTS = ROUTES.filter((r) => r.method === "POST");

  it.each(POSTS.map((r) => [r.name, r] as const))("%s: a bad Idempotency-Key is 422", async (_, route) => {
    const caller = callerFor(h, route);
    const body = route.body ? JSON.stringify(validBase(route.body, route.example) ?? {}) : undefined;
    for (const key of ["", "k".repeat(201), " ".repeat(300)]) {
      const res = await send(h.url, {
        method: "POST",
        path: pathOf(route),
        token: caller.token,
        headers: { "content-type": "application/json", "idempotency-key": key },
        ...(body !== undefined ? { body } : {}),
      });
      expectRefusal(res, [422], `${route.name} with an Idempotency-Key of ${key.length} characters`);
    }
    // A refused body is refused before its key is claimed: nothing is kept for a replay (checked at the end).
    for (const key of ["a.b", "*", ">", "$JS.API.STREAM.LIST", "../x", "k".repeat(200)]) {
      const res = await send(h.url, {
        method: "POST",
        path: pathOf(route),
        token: caller.token,
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify({ "\u0000unknown": 1 }),
      });
      expectRefusal(res, [422], `${route.name} with Idempotency-Key ${key.slice(0, 20)}`);
    }
  });

  it("a hostile X-Request-Id is not echoed", async () => {
    const route = WITH_BODY[0];
    if (!route) return;
    for (const id of ["<script>x</script>", "a b", "x".repeat(200), 'id"quote', "mall.order.>", "%0d%0aSet-Cookie:x"]) {
      const res = await send(h.url, {
        method: route.method,
        path: pathOf(route),
        token: callerFor(h, route).token,
        headers: { "content-type": "application/json", "x-request-id": id },
        body: "{bad",
      });
      expectRefusal(res, [400], `X-Request-Id ${id}`);
      expect(res.body.requestId, `X-Request-Id ${id}`).not.toBe(id);
      expect(res.headers["x-request-id"], `X-Request-Id ${id}`).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    }
  });
});

describe("refused bodies changed nothing", () => {
  it("no stream on the node's nats-server got a message", async () => {
    await expectNothingAppended(h, before, "hostile bodies");
  });
});
