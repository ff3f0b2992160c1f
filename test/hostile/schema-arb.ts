// From a route's TypeBox schema to hostile request bodies. The walk reads the
// JSON Schema keywords TypeBox writes (type, properties, required,
// additionalProperties, min/maxLength, pattern, format, minimum/maximum,
// const, anyOf, items, min/maxItems), so it follows any schema a system
// declares. A valid body is built first (the route's example when it passes,
// else one generated from the schema); each hostile variant breaks it in one
// place, and the test knows which JSON pointer the answer must name.
import { compileChecker } from "@seed/platform/node";
import type { TSchema } from "@sinclair/typebox";
import fc from "fast-check";

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema keywords are read dynamically
type Schema = TSchema & Record<string, any>;

/** The body limit of the gateway (BODY_LIMIT, 64kb in bytes). */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Strings a client might send to break parsers, logs or subjects. */
export const NASTY_STRINGS = [
  "😀🔥",
  "\u202Eevil\u202C", // right-to-left override
  "مرحبا",
  "주문접수",
  "a\u0000b", // NUL
  "\uD800", // lone high surrogate (JSON.stringify escapes it)
  "\uDFFF", // lone low surrogate
  "\u200B\uFEFF", // zero width
  "e\u0301\u0301\u0301", // combining marks
  "a.b",
  "*",
  ">",
  "a.>",
  "$JS.API.STREAM.LIST",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  '{"$gt":""}',
  "%00%2E%2E",
  "\r\nX-Injected: 1",
];

const isObject = (s: Schema) => s.type === "object" || typeof s.properties === "object";

/** Properties of an object schema. */
export const propertiesOf = (s: Schema): Record<string, Schema> => (s.properties ?? {}) as Record<string, Schema>;
export const requiredOf = (s: Schema): string[] => (Array.isArray(s.required) ? s.required : []);

// ── Valid values ────────────────────────────────────────────────────────────

const ISO = fc
  .date({ min: new Date("2030-01-01T00:00:00Z"), max: new Date("2039-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());

function validString(s: Schema): fc.Arbitrary<string> {
  if (typeof s.pattern === "string") return fc.stringMatching(new RegExp(s.pattern));
  switch (s.format) {
    case "date-time":
      return ISO;
    case "date":
      return ISO.map((v) => v.slice(0, 10));
    case "time":
      return ISO.map((v) => v.slice(11, 19));
    case "email":
      return fc.constant("someone@example.com");
    case "uri":
      return fc.constant("https://example.com/x");
  }
  const min = s.minLength ?? 1;
  const max = Math.min(s.maxLength ?? 40, Math.max(min, 40));
  return fc.string({ minLength: min, maxLength: max, unit: "grapheme-ascii" });
}

/** A value the schema accepts (best effort: callers keep only what the checker accepts). */
export function validArb(schema: TSchema): fc.Arbitrary<unknown> {
  const s = schema as Schema;
  if ("const" in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  if (Array.isArray(s.anyOf)) return fc.oneof(...s.anyOf.map((b: TSchema) => validArb(b)));
  if (isObject(s)) {
    const props = propertiesOf(s);
    const required = new Set(requiredOf(s));
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [k, p] of Object.entries(props)) shape[k] = validArb(p);
    return fc.record(shape, { requiredKeys: [...required] });
  }
  switch (s.type) {
    case "string":
      return validString(s);
    case "integer":
      return fc.integer({ min: Math.ceil(s.minimum ?? 0), max: Math.floor(Math.min(s.maximum ?? 1000, 1e9)) });
    case "number":
      return fc.double({ min: s.minimum ?? 0, max: Math.min(s.maximum ?? 1000, 1e9), noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(validArb(s.items ?? {}), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
  }
  return fc.constant(null);
}

/** A body the route accepts: its example when valid, else one generated from the schema. */
export function validBase(schema: TSchema, example: unknown): Record<string, unknown> | undefined {
  const check = compileChecker(schema);
  if (example !== undefined && check(example) === true) return structuredClone(example) as Record<string, unknown>;
  const samples = fc.sample(validArb(schema), { numRuns: 200, seed: 42 });
  const ok = samples.find((v) => check(v) === true && typeof v === "object" && v !== null);
  return ok as Record<string, unknown> | undefined;
}

// ── Invalid values of one field ─────────────────────────────────────────────

/** Values of the wrong JSON type, nested junk and edge numbers, whatever the field. */
const JUNK: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  "",
  " ",
  "1",
  "true",
  "null",
  "NaN",
  "Infinity",
  [],
  [1, 2],
  {},
  { $gt: "" },
  JSON.parse('{"__proto__": {"admin": true}}'),
  { a: { b: { c: { d: { e: [[[[[]]]]] } } } } },
  ...NASTY_STRINGS,
];

/** Raw JSON tokens that JSON.stringify cannot produce. */
export const RAW_NUMBERS = [
  "1e400",
  "-1e400",
  "-0",
  "1E+2",
  "0.0000000000000000000001",
  "123456789012345678901234567890",
];

/** Invalid values aimed at the field's own constraints. */
function targeted(s: Schema): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = [];
  if (s.type === "string") {
    if (typeof s.maxLength === "number") {
      const max = s.maxLength as number;
      // just over the limit, in ASCII or in characters that take two UTF-16 units
      out.push(fc.integer({ min: max + 1, max: max + 64 }).map((n) => "x".repeat(n)));
      out.push(fc.constantFrom(...NASTY_STRINGS).map((u) => u.repeat(Math.ceil((max + 1) / Math.max(1, u.length)))));
      // far over the limit but inside the body limit
      out.push(fc.constant("y".repeat(60_000)));
    }
    if (typeof s.minLength === "number" && s.minLength > 0) out.push(fc.constant("".padEnd(s.minLength - 1, "z")));
    if (typeof s.pattern === "string" || typeof s.format === "string") {
      out.push(fc.constantFrom(...NASTY_STRINGS));
      out.push(fc.string({ maxLength: 40, unit: "binary" }));
    }
  }
  if (s.type === "integer" || s.type === "number") {
    const min = s.minimum as number | undefined;
    const max = s.maximum as number | undefined;
    if (min !== undefined) out.push(fc.constantFrom(min - 1, min - 0.5, -1e308));
    if (max !== undefined) out.push(fc.constantFrom(max + 1, max + 0.5, 1e308));
    const xmin = s.exclusiveMinimum as number | undefined;
    const xmax = s.exclusiveMaximum as number | undefined;
    if (xmin !== undefined) out.push(fc.constantFrom(xmin, xmin - 1, -0));
    if (xmax !== undefined) out.push(fc.constantFrom(xmax, xmax + 1));
    if (s.type === "integer")
      out.push(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Number.isInteger(v)));
  }
  if (Array.isArray(s.anyOf) || "const" in s || Array.isArray(s.enum)) {
    const allowed = [...(s.anyOf ?? []).map((b: Schema) => b.const), s.const, ...(s.enum ?? [])].filter(
      (v) => typeof v === "string",
    ) as string[];
    for (const v of allowed)
      out.push(fc.constantFrom(v.toLowerCase(), `${v} `, ` ${v}`, `${v}\u0000`, v.toUpperCase()));
  }
  if (s.type === "array") {
    if (typeof s.maxItems === "number") {
      out.push(fc.constant(Array.from({ length: (s.maxItems as number) + 1 }, () => null)));
    }
    out.push(fc.constant([{ junk: true }]));
  }
  return out;
}

/** Values that break the field's schema (checked: the checker refuses every one). */
export function invalidArb(schema: TSchema): fc.Arbitrary<unknown> {
  const check = compileChecker(schema);
  return fc
    .oneof(fc.constantFrom(...JUNK), fc.jsonValue({ maxDepth: 3 }), ...targeted(schema as Schema))
    .filter((v) => check(v) !== true);
}

// ── Hostile bodies ──────────────────────────────────────────────────────────

export interface BodyVariant {
  label: string;
  /** The request body's bytes. */
  text: string;
  /** The JSON pointer (or its prefix) the 422 must name, when the variant breaks one place. */
  pointer?: string;
}

const RAW = "\u0001raw\u0001";

/** JSON text of `value` where the string RAW stands for the raw token. */
const withRaw = (value: unknown, raw: string) => JSON.stringify(value).replace(JSON.stringify(RAW), raw);

/** JSON pointer of a key (RFC 6901). */
export const pointerOf = (key: string) => `/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;

const EXTRA_KEYS = [
  "id",
  "customerId",
  "userId",
  "roles",
  "status",
  "createdAt",
  "admin",
  "__proto__",
  "constructor",
  "prototype",
  "$where",
  "a.b",
  "*",
  ">",
  "주문",
  "😀",
  "\u0000",
  "\uD800",
  "toString",
];

/**
 * One-place hostile variants of a valid object body: each field with a wrong
 * value, each required field missing, an unknown field, a raw number token —
 * plus whole-body junk. Every variant is refused by the schema (the test
 * drops any the local checker would accept).
 */
export function bodyVariantArb(schema: TSchema, base: Record<string, unknown>): fc.Arbitrary<BodyVariant> {
  const s = schema as Schema;
  const props = propertiesOf(s);
  const required = requiredOf(s);
  const keys = Object.keys(props);
  const arbs: fc.Arbitrary<BodyVariant>[] = [];

  if (keys.length > 0) {
    arbs.push(
      fc
        .constantFrom(...keys)
        .chain((k) => invalidArb(props[k] as TSchema).map((v) => ({ k, v })))
        .map(({ k, v }) => ({
          label: `${k} = ${JSON.stringify(v)?.slice(0, 60)}`,
          text: JSON.stringify({ ...base, [k]: v }),
          pointer: pointerOf(k),
        })),
    );
    arbs.push(
      fc.constantFrom(...keys).chain((k) =>
        fc.constantFrom(...RAW_NUMBERS).map((raw) => ({
          label: `${k} = ${raw} (raw JSON number)`,
          text: withRaw({ ...base, [k]: RAW }, raw),
          pointer: pointerOf(k),
        })),
      ),
    );
  }
  if (required.length > 0) {
    arbs.push(
      fc.constantFrom(...required).map((k) => {
        const { [k]: _, ...rest } = base;
        return { label: `without ${k}`, text: JSON.stringify(rest), pointer: pointerOf(k) };
      }),
    );
  }
  if (s.additionalProperties === false) {
    const extraKey = fc.oneof(
      fc.constantFrom(...EXTRA_KEYS),
      fc.string({ minLength: 1, maxLength: 20, unit: "grapheme" }),
    );
    arbs.push(
      fc
        .tuple(
          extraKey.filter((k) => !(k in props)),
          fc.oneof(fc.constantFrom(...JUNK), fc.jsonValue({ maxDepth: 2 })),
        )
        .map(([k, v]) => ({
          label: `extra field ${JSON.stringify(k)}`,
          // Built as text so that "__proto__" is a key of the JSON, not the object's prototype.
          text: `${JSON.stringify(base).slice(0, -1)}${Object.keys(base).length > 0 ? "," : ""}${JSON.stringify(k)}:${JSON.stringify(v) ?? "null"}}`,
          pointer: pointerOf(k),
        })),
    );
  }
  arbs.push(
    fc.constantFrom<BodyVariant>(
      { label: "array body", text: JSON.stringify([base]), pointer: "/" },
      { label: "empty array body", text: "[]", pointer: "/" },
      { label: "array of junk", text: JSON.stringify([null, 1, "x"]), pointer: "/" },
      // Deep nesting: a parser or checker that recurses must not fall over.
      { label: "deeply nested arrays", text: `${"[".repeat(5000)}${"]".repeat(5000)}` },
      { label: "deeply nested objects", text: `${'{"a":'.repeat(3000)}1${"}".repeat(3000)}` },
      {
        label: "many unknown fields",
        text: JSON.stringify(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`f${i}`, i]))),
      },
    ),
  );
  return fc.oneof(...arbs);
}

/** Bodies that are not JSON at all, or not what JSON allows. */
export const MALFORMED_JSON = [
  "{bad",
  '{"a": 1,}',
  "{'a': 1}",
  "[1, 2",
  '{"a": NaN}',
  '{"a": Infinity}',
  '{"a": 0x10}',
  '{"a": 01}',
  '{"a": undefined}',
  '{"a": 1}{"b": 2}',
  '{"a": "unterminated}',
  '{"a": "\\x41"}',
  '{"a": "\\u12"}',
  "\u0000",
  "nul\u0000l",
  "{a: 1}",
  "//\n{}",
  '{"a": 1} // trailing comment',
];

/** Is the text's parsed value something the schema refuses? (undefined: not JSON) */
export function refusedBySchema(schema: TSchema, text: string): boolean | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return true;
  return compileChecker(schema)(parsed) !== true;
}
