import { Type as T } from "@sinclair/typebox";
import { type Context, Errors, ServiceBroker } from "moleculer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileChecker, isTypeBox, TypeBoxValidator, type ValidationIssue } from "../src/validator.js";

const Item = T.Object(
  {
    name: T.String({ minLength: 1, maxLength: 20 }),
    qty: T.Integer({ minimum: 1, maximum: 100 }),
    address: T.Optional(T.Object({ city: T.String() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

describe("compileChecker (TypeBox)", () => {
  it("accepts a valid value", () => {
    expect(compileChecker(Item)({ name: "tea", qty: 2 })).toBe(true);
    expect(compileChecker(Item)({ name: "tea", qty: 2, address: { city: "Seoul" } })).toBe(true);
  });

  it("rejects extra fields of a closed object, naming them by JSON pointer", () => {
    const r = compileChecker(Item)({ name: "tea", qty: 2, price: 1 });
    expect(r).not.toBe(true);
    const issues = r as ValidationIssue[];
    expect(issues.some((i) => i.path === "/price")).toBe(true);
    const nested = compileChecker(Item)({
      name: "tea",
      qty: 2,
      address: { city: "Seoul", zip: "1" },
    }) as ValidationIssue[];
    expect(nested.map((i) => i.path)).toContain("/address/zip");
    expect(nested.find((i) => i.path === "/address/zip")?.field).toBe("address.zip");
  });

  it("reports each wrong field once with its path, type and message", () => {
    const issues = compileChecker(Item)({ name: "", qty: 0 }) as ValidationIssue[];
    expect(issues.map((i) => i.path).sort()).toEqual(["/name", "/qty"]);
    for (const i of issues) {
      expect(i.type).toBe("schema");
      expect(i.message).toEqual(expect.any(String));
      expect(i.field).toBe(i.path.slice(1));
    }
    const missing = compileChecker(Item)({}) as ValidationIssue[];
    expect(missing.map((i) => i.path).sort()).toEqual(["/name", "/qty"]);
    // A wrong value at the root has the root pointer.
    expect((compileChecker(Item)("nope") as ValidationIssue[])[0]?.path).toBe("/");
  });

  it("bounds the number of reported issues", () => {
    const Many = T.Object(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, T.Integer()])), {
      additionalProperties: false,
    });
    const issues = compileChecker(Many)({}) as ValidationIssue[];
    expect(issues.length).toBeLessThanOrEqual(20);
    expect(issues.length).toBeGreaterThan(0);
  });

  it("caches the compiled checker per schema object", () => {
    expect(compileChecker(Item)).toBe(compileChecker(Item));
  });

  it("tells TypeBox schemas from fastest-validator ones", () => {
    expect(isTypeBox(Item)).toBe(true);
    expect(isTypeBox(T.String())).toBe(true);
    expect(isTypeBox({ type: "object", properties: { a: { type: "string" } } })).toBe(true);
    expect(isTypeBox({ name: "string", qty: { type: "number", positive: true } })).toBe(false);
    expect(isTypeBox(null)).toBe(false);
  });
});

describe("TypeBoxValidator in a ServiceBroker", () => {
  const broker = new ServiceBroker({ logger: false, validator: new TypeBoxValidator(), nodeID: "validator-test" });

  beforeAll(async () => {
    broker.createService({
      name: "shop",
      actions: {
        add: {
          params: Item,
          handler: (ctx: Context<{ name: string; qty: number }>) => ({ ok: true, qty: ctx.params.qty }),
        },
        legacy: {
          // fastest-validator syntax goes to Moleculer's built-in validator.
          params: { name: "string", qty: { type: "number", positive: true, integer: true } },
          handler: (ctx: Context<{ name: string }>) => `hello ${ctx.params.name}`,
        },
      },
    });
    await broker.start();
  });
  afterAll(() => broker.stop());

  it("starts, and Moleculer's own actions ($node.*, fastest-validator schemas) work", async () => {
    const nodes = await broker.call<Array<{ id: string }>, Record<string, never>>("$node.list", {});
    expect(nodes.map((n) => n.id)).toContain("validator-test");
    const services = await broker.call<Array<{ name: string }>, { onlyLocal: boolean }>("$node.services", {
      onlyLocal: true,
    });
    expect(services.map((s) => s.name)).toContain("shop");
  });

  it("checks TypeBox params: valid calls pass, invalid ones fail with a ValidationError carrying the issues", async () => {
    expect(await broker.call("shop.add", { name: "tea", qty: 3 })).toEqual({ ok: true, qty: 3 });
    const err = await broker.call("shop.add", { name: "tea", qty: 3, admin: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Errors.ValidationError);
    expect((err as Errors.ValidationError).code).toBe(422);
    const data = (err as Errors.ValidationError).data as Array<ValidationIssue & { action?: string }>;
    expect(data.map((i) => i.path)).toContain("/admin");
    expect(data[0]?.action).toBe("shop.add");
  });

  it("checks fastest-validator params with the built-in validator", async () => {
    expect(await broker.call("shop.legacy", { name: "Ann", qty: 1 })).toBe("hello Ann");
    const err = await broker.call("shop.legacy", { name: 5, qty: -1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Errors.ValidationError);
    const fields = ((err as Errors.ValidationError).data as Array<{ field: string }>).map((i) => i.field).sort();
    expect(fields).toEqual(["name", "qty"]);
  });

  it("validate() throws a ValidationError for TypeBox schemas and defers the others", () => {
    const v = new TypeBoxValidator();
    v.init(broker);
    expect(v.validate({ name: "tea", qty: 1 }, Item as unknown as Record<string, unknown>)).toBe(true);
    expect(() => v.validate({ name: "tea" }, Item as unknown as Record<string, unknown>)).toThrow(
      Errors.ValidationError,
    );
    expect(v.validate({ name: "x" }, { name: "string" })).toBe(true);
    expect(() => v.validate({ name: 1 }, { name: "string" })).toThrow(Errors.ValidationError);
  });
});
