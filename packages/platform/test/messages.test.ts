// The message rule for schema violations: words a person can act on, never a
// regular expression or a schema term.
import { Type as T } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import { ULID_PATTERN } from "../src/ids.js";
import { compileChecker, type ValidationIssue } from "../src/validator.js";

const Body = T.Object(
  {
    id: T.String({ pattern: ULID_PATTERN, description: "ULID" }),
    paymentCycle: T.Union([T.Literal("monthly"), T.Literal("quarterly"), T.Literal("yearly")]),
    day: T.String({ pattern: "^[0-9]{8}$", description: "YYYYMMDD", examples: ["20261213"] }),
    code: T.String({ pattern: "^[a-z]+$" }),
    name: T.String({ minLength: 1, maxLength: 5 }),
    note: T.Optional(T.String({ minLength: 3 })),
    qty: T.Integer({ minimum: 1, maximum: 100 }),
    floor: T.Optional(T.Integer({ minimum: 0 })),
    rate: T.Optional(T.Number({ exclusiveMinimum: 0 })),
    tags: T.Optional(T.Array(T.String(), { minItems: 1, maxItems: 2, uniqueItems: true })),
    paid: T.Optional(T.Boolean()),
  },
  { additionalProperties: false },
);

const valid = {
  id: "01JD0000000000000000000000",
  paymentCycle: "monthly",
  day: "20261213",
  code: "ab",
  name: "tea",
  qty: 1,
};

/** The message of each violated field, by JSON pointer. */
function messages(value: unknown): Record<string, string> {
  const r = compileChecker(Body)(value);
  if (r === true) return {};
  return Object.fromEntries((r as ValidationIssue[]).map((i) => [i.path, i.message]));
}

describe("schema violation messages", () => {
  it("says what an id, a closed set and a described format must be", () => {
    expect(messages({ ...valid, id: "does-not-exist", paymentCycle: "weekly", day: "2026-12-13" })).toEqual({
      "/id": "must be a 26-character id",
      "/paymentCycle": "must be one of monthly, quarterly, yearly",
      "/day": "must be YYYYMMDD, e.g. 20261213",
    });
    // A pattern with no description still shows no regular expression.
    expect(messages({ ...valid, code: "A1" })).toEqual({ "/code": "is not in the expected format" });
  });

  it("says lengths, bounds, types, missing and unknown fields plainly", () => {
    expect(messages({ ...valid, name: "", note: "ab", qty: 0, floor: -1, rate: 0, bogus: 1 })).toEqual({
      "/name": "must not be empty",
      "/note": "must be at least 3 characters",
      "/qty": "must be a whole number from 1 to 100",
      "/floor": "must be at least 0",
      "/rate": "must be greater than 0",
      "/bogus": "is not a known field",
    });
    expect(messages({ ...valid, name: "teapots", qty: 1.5, tags: [], paid: "yes" })).toEqual({
      "/name": "must be at most 5 characters",
      "/qty": "must be a whole number",
      "/tags": "must not be empty",
      "/paid": "must be true or false",
    });
    expect(messages({ ...valid, tags: ["a", "a"], id: 7 })).toEqual({
      "/tags": "must not repeat an item",
      "/id": "must be a 26-character id",
    });
    const { qty: _, ...withoutQty } = valid;
    expect(messages(withoutQty)).toEqual({ "/qty": "is required" });
  });

  it("never shows a regular expression or a schema term", () => {
    const all = Object.values(messages({ id: "x", paymentCycle: 1, day: "x", code: "!", name: 3, qty: "x", z: 1 }));
    expect(all.length).toBeGreaterThan(5);
    for (const m of all) expect(m).not.toMatch(/Expected|\^|\$|\[|union|schema/);
  });
});
