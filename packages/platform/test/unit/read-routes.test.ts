import { Type as T } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import { readRoutes } from "../../src/read-routes.js";

const Thing = T.Object({ id: T.String() });

describe("the read routes of a resource", () => {
  it("serve one at <path>/:id and pages at <path>, refusing non-owners the staff roles do not cover", () => {
    const { get, list } = readRoutes(
      { path: "/shop/orders", schema: Thing, roles: ["customer", "admin"] },
      { name: "order", idParam: "id", staff: ["admin"] },
    );
    expect(get).toMatchObject({
      method: "GET",
      path: "/shop/orders/:id",
      roles: ["customer", "admin"],
      summary: "One order",
      response: Thing,
      errors: [404],
      reasons: { 403: ["NotOwner"] },
    });
    expect(list).toMatchObject({ method: "GET", path: "/shop/orders", summary: "List orders" });
    expect(list.response.properties.items.items).toBe(Thing);
  });

  it("name the id param, and list 403 beside 404 when the route lets every user in", () => {
    const { get } = readRoutes(
      { path: "/shop/statuses", schema: Thing, roles: "any", summaries: { get: "A status" } },
      { name: "status", idParam: "orderId", staff: ["admin"] },
    );
    expect(get).toMatchObject({ path: "/shop/statuses/:orderId", summary: "A status", errors: [403, 404] });
  });

  it("refuse nobody as a non-owner when only staff may call, or when everyone sees everything", () => {
    const staffOnly = readRoutes(
      { path: "/shop/audits", schema: Thing, roles: ["admin"] },
      { name: "audit", idParam: "id", staff: ["admin"] },
    );
    const open = readRoutes(
      { path: "/shop/reviews", schema: Thing, roles: "any" },
      { name: "review", idParam: "id", staff: "any" },
    );
    for (const { get } of [staffOnly, open]) {
      expect(get.errors).toEqual([404]);
      expect(get).not.toHaveProperty("reasons");
    }
  });

  it("open one resource wider than the list when asked", () => {
    const { get, list } = readRoutes(
      { path: "/shop/customers", schema: Thing, roles: ["customer", "admin"], getRoles: "any" },
      { name: "customer", idParam: "id", staff: ["admin"] },
    );
    expect(get.roles).toBe("any");
    expect(list.roles).toEqual(["customer", "admin"]);
    expect(get.reasons).toEqual({ 403: ["NotOwner"] });
  });
});
