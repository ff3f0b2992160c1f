import { describe, expect, it } from "vitest";
import { buildOpenApi, openApiPath, operationIdOf } from "../src/openapi.js";
import { checkRoutes } from "../src/routes.js";
import { demoSystem } from "./fake-system.js";

describe("OpenAPI document", () => {
  it("converts express paths", () => {
    expect(openApiPath("/mall/orders/:id/cancel")).toEqual({ path: "/mall/orders/{id}/cancel", params: ["id"] });
    expect(operationIdOf({ method: "POST", path: "/mall/orders/:id/cancel" })).toBe("postMallOrdersByIdCancel");
  });

  it("describes params, bodies, errors and security from the RouteSpecs", () => {
    const doc = buildOpenApi([demoSystem]) as {
      paths: Record<
        string,
        Record<string, { parameters: Array<Record<string, unknown>>; responses: Record<string, unknown> }>
      >;
      tags: Array<{ name: string }>;
    };
    const list = doc.paths["/demo/things"]?.get;
    expect(list?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: "limit",
          in: "query",
          required: false,
          schema: expect.objectContaining({ type: "integer", maximum: 500 }),
        }),
      ]),
    );
    const get = doc.paths["/demo/things/{id}"]?.get;
    expect(get?.parameters).toEqual(
      expect.arrayContaining([{ name: "id", in: "path", required: true, schema: { type: "string" } }]),
    );
    expect(Object.keys(get?.responses ?? {})).toEqual(["200", "400", "401", "404", "422", "429", "500", "503"]);
    const create = doc.paths["/demo/things"]?.post;
    expect(create?.parameters).toEqual(expect.arrayContaining([{ $ref: "#/components/parameters/IdempotencyKey" }]));
    expect(Object.keys(create?.responses ?? {})).toEqual(expect.arrayContaining(["201", "403", "413"]));
    expect(doc.tags.map((t) => t.name)).toEqual(expect.arrayContaining(["auth", "platform", "demo"]));
  });

  it("refuses routes outside their system's prefix or declared twice", () => {
    const route = demoSystem.routes[0];
    if (!route) throw new Error("no route");
    expect(() => checkRoutes([{ ...demoSystem, name: "other" }])).toThrow(/must start with \/other/);
    expect(() => checkRoutes([{ ...demoSystem, routes: [route, { ...route }] }])).toThrow(/declared twice/);
    expect(() => checkRoutes([demoSystem])).not.toThrow();
  });
});
