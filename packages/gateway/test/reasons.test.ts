// Every refusal's reason is declared where clients read it. Three checks:
// the OpenAPI document lists exactly the reasons each route declares (plus
// the gateway's own); every reason a system's source can refuse with is
// declared by one of its routes (or is one only its internal calls meet),
// and nothing is declared that no code gives. Reasons thrown in integration
// tests are checked against their route by the test client's contract check
// (packages/platform/testing/contract.ts), which validates every error body
// against its operation's response schema.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RouteSpec } from "@seed/platform";
import { ApiContract } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { systems as modules } from "../../../scripts/systems.js";
import { buildOpenApi, openApiPath, reasonsOf } from "../src/openapi.js";
import { routedSystems } from "../src/routed-systems.js";

const PACKAGES = fileURLToPath(new URL("../../", import.meta.url));
const PASCAL = /^[A-Z][A-Za-z0-9]+$/;

type Json = Record<string, unknown>;
const systems = routedSystems(modules);
const doc = buildOpenApi(systems) as { paths: Record<string, Record<string, { responses: Record<string, Json> }>> };

/** The `reason` enum of one response of the document, or undefined when it names none. */
function documentedReasons(route: RouteSpec, status: string): string[] | undefined {
  const op = doc.paths[openApiPath(route.path).path]?.[route.method.toLowerCase()];
  const response = op?.responses[status] as { content?: Record<string, { schema?: Json }> } | undefined;
  const schema = response?.content?.["application/json"]?.schema as
    | { properties?: { reason?: { enum?: string[] } } }
    | undefined;
  return schema?.properties?.reason?.enum;
}

/**
 * Reasons a system's code refuses with: the first argument of every refusal
 * constructor, and NotOwner wherever the platform's owner check is used.
 */
function reasonsInSource(system: string): Set<string> {
  const dir = join(PACKAGES, system, "src");
  const found = new Set<string>();
  const CALL = /\b(?:conflict|forbidden|declined|paymentDeclined|invalidValue)\(\s*"([A-Za-z0-9]+)"/g;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(dir, file), "utf8");
    for (const m of text.matchAll(CALL)) found.add(m[1] as string);
    if (/\b(ensureOwnerOr|ownedReadActions)\(/.test(text)) found.add("NotOwner");
  }
  return found;
}

/**
 * Reasons only an internal call meets, never a client: the request's own
 * checks come first (a plan is quoted with the birth date checked when the
 * customer registered).
 */
const INTERNAL: Record<string, string[]> = {
  insurance: ["NotACalendarDate"],
};

describe("refusal reasons", () => {
  it("the document lists, per operation and status, exactly the declared reasons and the gateway's", () => {
    let checked = 0;
    for (const system of systems) {
      for (const route of system.routes) {
        for (const [status, reasons] of reasonsOf(route)) {
          for (const r of reasons) expect(r, `${route.method} ${route.path}`).toMatch(PASCAL);
          expect(documentedReasons(route, String(status)), `${route.method} ${route.path} ${status}`).toEqual(reasons);
          checked++;
        }
        // A route that declares nothing for a status documents no reasons there.
        for (const status of ["402", "403", "409", "422"]) {
          if (!reasonsOf(route).has(Number(status) as 402)) {
            expect(documentedReasons(route, status), `${route.method} ${route.path} ${status}`).toBeUndefined();
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("the gateway's own reasons are on the routes that can meet them", () => {
    const check = systems[0]?.routes.find((r) => r.path === "/mall/pays/:id/check") as RouteSpec;
    expect(reasonsOf(check).get(403)).toEqual(["RoleRequired"]);
    expect(reasonsOf(check).get(409)).toEqual(expect.arrayContaining(["OutOfStock", "IdempotencyKeyInProgress"]));
    expect(reasonsOf(check).get(422)).toEqual(["IdempotencyKeyReused"]);
  });

  it("an error body whose reason its operation does not declare breaks the contract the test client checks", () => {
    const contract = new ApiContract(doc);
    const body = (reason: string) => ({ error: "Conflict", reason, message: "m", requestId: "r" });
    const check = (reason: string) => () =>
      contract.check("POST", "/sauce/orders/01JD0000000000000000000000/cancel", 409, "application/json", body(reason));
    expect(check("AlreadyDelivered")).not.toThrow();
    expect(check("OutOfStock")).toThrow(/reason/);
    // A refusal by a rule must name it.
    const { reason: _, ...bare } = body("AlreadyDelivered");
    expect(() =>
      contract.check("POST", "/sauce/orders/01JD0000000000000000000000/cancel", 409, "application/json", bare),
    ).toThrow(/reason/);
  });

  it.each(systems.map((s) => [s.name, s] as const))(
    "%s: every reason in the code is declared by a route, and every declared one is in the code",
    (name, system) => {
      const inSource = reasonsInSource(name);
      const declared = new Set(system.routes.flatMap((r) => Object.values(r.reasons ?? {}).flat()));
      const internal = new Set(INTERNAL[name] ?? []);
      const undeclared = [...inSource].filter((r) => !declared.has(r) && !internal.has(r));
      expect(undeclared, `${name}: reasons no route declares`).toEqual([]);
      const stale = [...declared].filter((r) => !inSource.has(r));
      expect(stale, `${name}: declared reasons no code gives`).toEqual([]);
      expect(inSource.size).toBeGreaterThan(0);
    },
  );
});
