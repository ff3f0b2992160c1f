// The compatibility rule of a published event version, one rule at a time.
import { Type as T } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import { breakingChanges, plainSchema } from "./compat.js";

const Id = T.String({ pattern: "^[0-9A-Z]{26}$" });
const base = T.Object({ orderId: Id, qty: T.Integer({ minimum: 1, maximum: 100 }), note: T.Optional(T.String()) });
const changes = (before: unknown, after: unknown) => breakingChanges(plainSchema(before), plainSchema(after));
const reasons = (before: unknown, after: unknown) => changes(before, after).map((b) => `${b.path} ${b.reason}`);

describe("compatible changes", () => {
  it("the same schema", () => {
    expect(changes(base, base)).toEqual([]);
  });

  it("an optional field added", () => {
    expect(changes(base, T.Object({ ...base.properties, gift: T.Optional(T.Boolean()) }))).toEqual([]);
  });

  it("a range or an enum widened, a description added", () => {
    const Reason = T.Union([T.Literal("A"), T.Literal("B")]);
    const before = T.Object({ qty: T.Integer({ minimum: 1, maximum: 10 }), reason: Reason });
    const after = T.Object({
      qty: T.Integer({ minimum: 0, maximum: 20, description: "how many" }),
      reason: T.Union([T.Literal("A"), T.Literal("B"), T.Literal("C")]),
    });
    expect(changes(before, after)).toEqual([]);
  });
});

describe("breaking changes", () => {
  it("a field removed", () => {
    const { qty: _qty, ...rest } = base.properties;
    expect(reasons(base, T.Object(rest))).toEqual(["/qty field removed"]);
  });

  it("an optional field removed", () => {
    const { note: _note, ...rest } = base.properties;
    expect(reasons(base, T.Object(rest))).toEqual(["/note field removed"]);
  });

  it("a field's type changed, also integer to number", () => {
    expect(reasons(base, T.Object({ ...base.properties, qty: T.String() }))).toEqual([
      "/qty type changed from integer to string",
    ]);
    expect(reasons(base, T.Object({ ...base.properties, qty: T.Number({ minimum: 1, maximum: 100 }) }))).toEqual([
      "/qty type changed from integer to number",
    ]);
  });

  it("a range narrowed", () => {
    expect(reasons(base, T.Object({ ...base.properties, qty: T.Integer({ minimum: 2, maximum: 100 }) }))).toEqual([
      "/qty minimum narrowed from 1 to 2",
    ]);
    expect(reasons(base, T.Object({ ...base.properties, qty: T.Integer({ minimum: 1, maximum: 50 }) }))).toEqual([
      "/qty maximum narrowed from 100 to 50",
    ]);
    expect(
      reasons(T.Object({ name: T.String() }), T.Object({ name: T.String({ maxLength: 10 }) })).map((r) =>
        r.startsWith("/name maxLength narrowed"),
      ),
    ).toEqual([true]);
  });

  it("an enum narrowed, or a free value fixed to a set", () => {
    const before = T.Object({ reason: T.Union([T.Literal("A"), T.Literal("B")]) });
    expect(reasons(before, T.Object({ reason: T.Literal("A") }))).toEqual(['/reason values no longer allowed: "B"']);
    expect(reasons(T.Object({ reason: T.String() }), before)).toEqual(["/reason narrowed to a fixed set of values"]);
  });

  it("an optional field made required", () => {
    expect(reasons(base, T.Object({ ...base.properties, note: T.String() }))).toEqual([
      "/note optional field made required",
    ]);
  });

  it("a required field made optional (readers of the version rely on it)", () => {
    expect(reasons(base, T.Object({ ...base.properties, qty: T.Optional(base.properties.qty) }))).toEqual([
      "/qty required field made optional",
    ]);
  });

  it("a required field added", () => {
    expect(reasons(base, T.Object({ ...base.properties, customerId: T.String() }))).toEqual([
      "/customerId required field added",
    ]);
  });

  it("a pattern or a format changed", () => {
    expect(reasons(base, T.Object({ ...base.properties, orderId: T.String({ pattern: "^o-" }) })).length).toBe(1);
    expect(reasons(T.Object({ at: T.String() }), T.Object({ at: T.String({ format: "date-time" }) }))).toEqual([
      '/at format changed from undefined to "date-time"',
    ]);
  });

  it("changes deep inside arrays and nested objects", () => {
    const before = T.Object({ lines: T.Array(T.Object({ sku: T.String(), qty: T.Integer() })) });
    const after = T.Object({ lines: T.Array(T.Object({ sku: T.String() })) });
    expect(reasons(before, after)).toEqual(["/lines/*/qty field removed"]);
  });

  it("a variant of a union of shapes dropped", () => {
    const A = T.Object({ kind: T.Literal("a"), x: T.Integer() });
    const B = T.Object({ kind: T.Literal("b"), y: T.String() });
    expect(changes(T.Union([A, B]), T.Union([B, A]))).toEqual([]);
    expect(reasons(T.Union([A, B]), T.Union([A]))).toEqual(["/ variant 2 of the union is no longer accepted"]);
  });
});
