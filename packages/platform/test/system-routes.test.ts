// A system's routes are read from its actions: each `endpoint` gives its
// route, the service and system give the action's name and the tag, and the
// services are built without anything that connects.
import { Type as T } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import { endpoint, routeOfAction } from "../src/http.js";
import type { SystemModule } from "../src/node.js";
import { ownedReadActions } from "../src/read-actions.js";
import { defineSettings } from "../src/settings.js";
import { routesOf } from "../src/system-routes.js";

const Body = T.Object({ name: T.String() }, { additionalProperties: false });
const Query = T.Object({ limit: T.Optional(T.Integer()) }, { additionalProperties: false });
const View = T.Object({ id: T.String(), name: T.String() });

const settings = defineSettings({ SHOP_SHELVES: T.Integer({ default: 3, description: "shop: shelves" }) });

const shop: SystemModule = {
  name: "shop",
  roles: ["seller"],
  settings,
  services: {
    "shop.item": (rt) => {
      // A factory may read settings, the platform's and its system's, while it builds; it never connects.
      const limit = rt.config.BODY_LIMIT;
      const { SHOP_SHELVES: shelves } = settings.of(rt.config);
      return {
        name: "shop.item",
        metadata: { limit, shelves },
        actions: {
          add: endpoint({
            http: {
              method: "POST",
              path: "/shop/items",
              roles: ["seller"],
              summary: "add",
              input: "body",
              response: View,
            },
            params: Body,
            handler: () => ({}),
          }),
          // An action no route serves (called by other services only).
          reserve: { handler: () => ({}) },
          ...ownedReadActions({
            name: "item",
            load: async () => undefined,
            page: async () => ({ rows: [] }),
            ownerOf: () => "",
            staff: ["admin"],
            present: (s: { id: string }) => s,
            getParams: T.Object({ id: T.String() }),
            listQuery: Query,
            http: {
              get: { method: "GET", path: "/shop/items/:id", roles: "any", summary: "one", response: View },
              list: { method: "GET", path: "/shop/items", roles: "any", summary: "all", response: T.Array(View) },
            },
          }),
        },
      };
    },
  },
};

describe("routes of a system", () => {
  it("are the routes its actions declare, named after service and action, tagged with the system", () => {
    const routes = routesOf(shop);
    expect(routes.map((r) => `${r.method} ${r.path} ${r.action} ${r.tag}`)).toEqual([
      "POST /shop/items shop.item.add shop",
      "GET /shop/items/:id shop.item.get shop",
      "GET /shop/items shop.item.list shop",
    ]);
    expect(routes[0]?.body).toBe(Body);
    expect(routes[2]?.query).toBe(Query);
    expect(routes[1]).not.toHaveProperty("query");
    expect(routes[1]).not.toHaveProperty("body");
  });

  it("are read without starting anything: a factory that touches the node's connections is named", () => {
    const eager: SystemModule = {
      name: "eager",
      roles: [],
      services: {
        "eager.x": (rt) => {
          void rt.nc.flush();
          return { name: "eager.x" };
        },
      },
    };
    expect(() => routesOf(eager)).toThrow(/nc\.flush is not available while a service is only described/);
  });

  it("take an explicit body when the action's params hold more than it", () => {
    const Change = T.Object({ name: T.String() });
    const route = routeOfAction(
      endpoint({
        http: { method: "PATCH", path: "/shop/items/:id", roles: "any", summary: "s", response: View, body: Change },
        params: T.Object({ id: T.String(), name: T.String() }),
        handler: () => ({}),
      }),
      "shop.item.change",
      "shop",
    );
    expect(route?.body).toBe(Change);
  });

  it("refuse an input the action has no params for", () => {
    const action = endpoint({
      http: { method: "POST", path: "/shop/x", roles: "any", summary: "s", response: View, input: "body" },
      handler: () => ({}),
    });
    expect(() => routeOfAction(action, "shop.item.x", "shop")).toThrow(/takes its body from params it does not have/);
  });
});
