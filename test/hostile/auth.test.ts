// Attacks on identity, on every protected route of every system (api.md
// "Identity and roles"): a missing, malformed, expired, unsigned, wrongly
// signed, algorithm-confused or edited token is a 401 before anything else
// happens; a valid token of a user without the route's role is a 403. Nothing
// is stored by any of them, and no answer shows anything internal.
import { createHmac } from "node:crypto";
import type { TSchema } from "@sinclair/typebox";
import { beforeAll, describe, expect, it } from "vitest";
import { systems } from "../../scripts/systems.js";
import { validBase } from "./schema-arb.js";
import {
  type CatalogRoute,
  callerFor,
  expectNothingAppended,
  expectRefusal,
  fillPath,
  outsiderFor,
  type RawResponse,
  ROUTES,
  send,
  unknownId,
  useHostileNode,
} from "./support.js";
import { type Claims, confused, hs256, otherAlgorithm, tampered, unsigned } from "./tokens.js";

/** Every role the systems declare. */
const ROLES = [...new Set(systems.flatMap((s) => s.roles))];

const h = useHostileNode();
let before: Record<string, number>;
/** Authorization header values that must all be refused with 401, by what they try. */
const attacks: Array<[string, string]> = [];
/** Validly signed tokens whose roles give nothing (none, unknown, not a list). */
const powerless: Array<[string, string]> = [];

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

beforeAll(async () => {
  const secret = h.config.JWT_SECRET;
  const now = Math.floor(Date.now() / 1000);
  const erin = h.users.find((u) => u.username === "erin");
  const dave = h.users.find((u) => u.username === "dave");
  if (!erin || !dave) throw new Error("demo users missing");
  // erin (customer, member) trying to be everyone
  const escalated: Claims = { sub: erin.id, username: "erin", roles: [...ROLES], iat: now, exp: now + 600 };
  const honest: Claims = { sub: erin.id, username: "erin", roles: erin.roles, iat: now };

  const header = (name: string, value: string) => attacks.push([name, value]);
  const bearer = (name: string, token: string) => header(name, `Bearer ${token}`);

  header("empty", "");
  header("scheme only", "Bearer");
  header("scheme and space", "Bearer ");
  header("no scheme", erin.token);
  header("Basic credentials", `Basic ${Buffer.from("erin:demo").toString("base64")}`);
  header("two tokens", `Bearer ${erin.token}, Bearer ${dave.token}`);
  header("token then junk", `Bearer ${erin.token} junk`);
  bearer("garbage", "not-a-token");
  bearer("one segment", "eyJhbGciOiJIUzI1NiJ9");
  bearer("empty segments", "..");
  bearer("characters outside base64url", `${erin.token.slice(0, 20)}$%^&${erin.token.slice(24)}`);
  bearer("huge", "a".repeat(12_000));
  bearer("header not JSON", `${Buffer.from("{alg").toString("base64url")}.${b64(escalated)}.sig`);
  bearer("expired", await hs256({ ...honest, iat: now - 7200, exp: now - 3600 }, secret));
  bearer("not yet valid", await hs256({ ...honest, exp: now + 7200, nbf: now + 3600 }, secret));
  bearer("without exp", await hs256({ ...honest }, secret));
  bearer("without sub", await hs256({ username: "erin", roles: erin.roles, iat: now, exp: now + 600 }, secret));
  bearer("empty sub", await hs256({ ...honest, sub: "", exp: now + 600 }, secret));
  bearer("sub not a string", await hs256({ ...honest, sub: 42 as unknown as string, exp: now + 600 }, secret));
  bearer("wrong secret, escalated", await hs256(escalated, "another-secret-0123456789abcdef"));
  bearer("empty secret, escalated", await hs256(escalated, "\u0000"));
  bearer("secret with a changed letter", await hs256(escalated, `${secret.slice(0, -1)}X`));
  for (const [i, token] of unsigned(escalated).entries()) bearer(`alg none #${i + 1}`, token);
  for (const [i, token] of confused(escalated, secret).entries()) bearer(`algorithm confusion #${i + 1}`, token);
  bearer("RS256 with an attacker's key", await otherAlgorithm(escalated, "RS256", secret));
  {
    const data = `${b64({ alg: "HS512", typ: "JWT" })}.${b64(escalated)}`;
    bearer("HS512 with the right secret", `${data}.${createHmac("sha512", secret).update(data).digest("base64url")}`);
  }
  bearer(
    "embedded jwk",
    await hs256(escalated, "attacker-secret-0123456789abcdef", {
      jwk: { kty: "oct", k: Buffer.from("attacker-secret-0123456789abcdef").toString("base64url") },
    }),
  );
  bearer("kid traversal", await hs256(escalated, "\n", { kid: "../../../../dev/null" }));
  bearer(
    "roles edited",
    tampered(erin.token, (c) => Object.assign(c, { roles: [...ROLES] })),
  );
  bearer(
    "sub edited to dave",
    tampered(erin.token, (c) => Object.assign(c, { sub: dave.id, roles: dave.roles })),
  );
  bearer(
    "expiry edited",
    tampered(erin.token, (c) => Object.assign(c, { exp: now + 10 * 365 * 86400 })),
  );
  bearer("signature stripped", erin.token.replace(/[^.]+$/, ""));
  bearer("signature of another token", `${erin.token.split(".").slice(0, 2).join(".")}.${dave.token.split(".")[2]}`);
  bearer("signature truncated", erin.token.slice(0, -3));

  const signed = (name: string, claims: Claims) => hs256(claims, secret).then((t) => powerless.push([name, t]));
  await signed("no roles", { sub: erin.id, username: "erin", roles: [], iat: now, exp: now + 600 });
  await signed("unknown roles", { sub: erin.id, roles: ["root", "superuser", "ADMIN"], iat: now, exp: now + 600 });
  await signed("roles not a list", { sub: erin.id, roles: "admin" as unknown as string[], iat: now, exp: now + 600 });

  before = await h.settle();
});

const PROTECTED = ROUTES.filter((r) => r.roles !== "public");

/** The route with ids nobody created and a valid body: only identity can make it refuse. */
function call(route: CatalogRoute, headers: Record<string, string>): Promise<RawResponse> {
  const body = route.body ? validBase(route.body as TSchema, route.example) : undefined;
  return send(h.url, {
    method: route.method,
    path: fillPath(route, unknownId()),
    headers: body !== undefined ? { ...headers, "content-type": "application/json" } : headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

describe.concurrent("401: no valid token", () => {
  // A public route takes anonymous callers, but a token that is sent must be valid there too.
  it.each(ROUTES.map((r) => [r.name, r] as const))("%s", async (_, route) => {
    if (route.roles !== "public") {
      const none = await call(route, {});
      expectRefusal(none, [401], `${route.name} without a token`);
      expect(none.headers["www-authenticate"], `${route.name}`).toMatch(/^Bearer/);
    }
    for (const [name, value] of attacks) {
      expectRefusal(await call(route, { authorization: value }), [401], `${route.name} with ${name}`);
    }
    if (route.roles === "public") return;
    // The token belongs in the header only.
    const erin = h.users.find((u) => u.username === "erin");
    const inQuery = await send(h.url, {
      method: route.method,
      path: `${fillPath(route, unknownId())}?access_token=${erin?.token}`,
    });
    expectRefusal(inQuery, [401], `${route.name} with the token in the query`);
  });
});

describe.concurrent("403: a valid token without the route's role", () => {
  const ROLE_ROUTES = PROTECTED.filter((r) => r.roles !== "any");
  it.each(ROLE_ROUTES.map((r) => [r.name, r] as const))("%s", async (_, route) => {
    const outsider = outsiderFor(h, route);
    if (outsider) {
      const res = await call(route, { authorization: `Bearer ${outsider.token}` });
      expectRefusal(res, [403], `${route.name} as ${outsider.username} (${outsider.roles.join(",")})`);
    }
    for (const [name, token] of powerless) {
      expectRefusal(await call(route, { authorization: `Bearer ${token}` }), [403], `${route.name} with ${name}`);
    }
    // The same request with a token that holds the role gets past identity
    // (whatever the service then says) — where that creates nothing.
    if (route.method !== "GET" && route.params.length === 0) return;
    const insider = await call(route, { authorization: `Bearer ${callerFor(h, route).token}` });
    expect([401, 403], `${route.name} as ${callerFor(h, route).username}: ${insider.status}`).not.toContain(
      insider.status,
    );
  });
});

describe("refused callers changed nothing", () => {
  it("no stream on the node's nats-server got a message", async () => {
    // The insiders above addressed ids nobody created: they changed nothing either.
    await expectNothingAppended(h, before, "auth attacks");
  });
});
