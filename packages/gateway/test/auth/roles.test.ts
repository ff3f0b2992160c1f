import type { RouteSpec } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import { checkRouteRoles, rolesOf } from "../../src/auth/roles.js";

const route = (roles: RouteSpec["roles"]): RouteSpec => ({
  method: "GET",
  path: "/shop/things",
  action: "shop.thing.list",
  roles,
  summary: "things",
  response: T.Object({}),
  tag: "things",
});

describe("roles", () => {
  it("are those the systems declare, each once", () => {
    expect(rolesOf([{ roles: ["customer", "admin"] }, { roles: ["admin", "member"] }])).toEqual([
      "customer",
      "admin",
      "member",
    ]);
  });

  it("a route may name only roles its system declares", () => {
    const shop = { name: "shop", roles: ["customer"], routes: [route(["customer"]), route("any"), route("public")] };
    expect(() => checkRouteRoles([shop])).not.toThrow();
    expect(() => checkRouteRoles([{ ...shop, routes: [route(["customer", "clerk"])] }])).toThrow(
      /shop: route GET \/shop\/things names roles the system does not declare: clerk/,
    );
  });
});
