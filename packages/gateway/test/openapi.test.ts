import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { systems as modules } from "../../../scripts/systems.js";
import { buildOpenApi, openApiPath, operationIdOf } from "../src/openapi.js";
import { routedSystems } from "../src/routed-systems.js";
import { checkRoutes } from "../src/routes.js";
import { demoSystem } from "./fake-system.js";

const [demo] = routedSystems([demoSystem]);
const systems = routedSystems(modules);

describe("OpenAPI document", () => {
  it("converts express paths", () => {
    expect(openApiPath("/mall/orders/:id/cancel")).toEqual({ path: "/mall/orders/{id}/cancel", params: ["id"] });
    expect(operationIdOf({ method: "POST", path: "/mall/orders/:id/cancel" })).toBe("postMallOrdersByIdCancel");
  });

  it("describes params, bodies, errors and security from the routes the actions declare", () => {
    if (!demo) throw new Error("no demo system");
    const doc = buildOpenApi([demo]) as {
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
      expect.arrayContaining([
        {
          name: "id",
          in: "path",
          required: true,
          schema: { type: "string", pattern: "^[0-9A-HJKMNP-TV-Z]{26}$", description: "a 26-character id" },
        },
      ]),
    );
    expect(Object.keys(get?.responses ?? {})).toEqual(["200", "400", "401", "404", "422", "429", "500", "503"]);
    const create = doc.paths["/demo/things"]?.post;
    expect(create?.parameters).toEqual(expect.arrayContaining([{ $ref: "#/components/parameters/IdempotencyKey" }]));
    expect(Object.keys(create?.responses ?? {})).toEqual(expect.arrayContaining(["201", "403", "413"]));
    expect(doc.tags.map((t) => t.name)).toEqual(expect.arrayContaining(["auth", "platform", "demo"]));
  });

  it("refuses routes outside their system's prefix or declared twice", () => {
    const route = demo?.routes[0];
    if (!demo || !route) throw new Error("no route");
    expect(() => checkRoutes([{ ...demo, name: "other" }])).toThrow(/must start with \/other/);
    expect(() => checkRoutes([{ ...demo, routes: [route, { ...route }] }])).toThrow(/declared twice/);
    expect(() => checkRoutes([demo])).not.toThrow();
  });
});

type Operation = { parameters: Array<Record<string, unknown>>; responses: Record<string, unknown> };

describe("OpenAPI document of the systems", () => {
  const doc = buildOpenApi(systems) as { paths: Record<string, Record<string, Operation>> };
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, op })),
  );

  it("declares the pattern of every path parameter", () => {
    const params = operations.flatMap(({ name, op }) =>
      (op.parameters ?? []).filter((p) => p.in === "path").map((p) => ({ name, p })),
    );
    expect(params.length).toBeGreaterThan(30);
    for (const { name, p } of params) {
      expect((p.schema as { pattern?: string }).pattern, `${name} {${String(p.name)}}`).toEqual(expect.any(String));
    }
    const code = doc.paths["/insurance/products/{code}"]?.get?.parameters.find((p) => p.name === "code");
    expect((code?.schema as { pattern?: string } | undefined)?.pattern).toBe("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$");
  });

  it("lists the 4xx answers of every system operation, 404 wherever a path names a resource", () => {
    for (const { name, path, op } of operations.filter((o) => !/^\/(health|metrics|auth)/.test(o.path))) {
      const codes = Object.keys(op.responses);
      expect(codes, name).toEqual(expect.arrayContaining(["400", "401", "422", "429"]));
      if (path.includes("{")) expect(codes, name).toContain("404");
    }
  });

  it("passes redocly lint (recommended rules) with no errors", () => {
    const dir = tempDir("openapi-lint-");
    const file = join(dir, "openapi.json");
    writeFileSync(file, JSON.stringify(doc));
    const cli = fileURLToPath(new URL("../../../node_modules/@redocly/cli/bin/cli.js", import.meta.url));
    // Run where no redocly config can be found, offline: no telemetry, no update check.
    const run = spawnSync(process.execPath, [cli, "lint", file, "--extends=recommended", "--format=json"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", CI: "true" },
    });
    const start = run.stdout.indexOf("{");
    expect(start, `redocly printed no report: ${run.stderr}`).toBeGreaterThanOrEqual(0);
    const report = JSON.parse(run.stdout.slice(start)) as {
      totals: { errors: number };
      problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }>;
    };
    const errors = report.problems
      .filter((p) => p.severity === "error")
      .map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 60_000);
});
