// What a schema violation says to a person: one rule for every field of every
// system, so a message never shows a regular expression or a schema term.
// A field whose shape needs explaining (a date, a code) says it in its
// schema: `description` reads after "must be", and `examples[0]` follows as
// "e.g.", so `{pattern, description: "YYYYMMDD", examples: ["20261213"]}`
// reads "must be YYYYMMDD, e.g. 20261213".
import type { TSchema } from "@sinclair/typebox";
import { type ValueError, ValueErrorType } from "@sinclair/typebox/errors";
import { ULID_PATTERN } from "./ids.js";

const num = (v: unknown): string => String(v);

/** "must be …" for a value of the wrong shape: the schema's own words, else a plain default. */
function expected(schema: TSchema, fallback: string): string {
  if (schema.pattern === ULID_PATTERN) return "must be a 26-character id";
  const description = typeof schema.description === "string" ? schema.description : undefined;
  if (!description) return fallback;
  const example = Array.isArray(schema.examples) ? schema.examples[0] : undefined;
  return `must be ${description}${example !== undefined ? `, e.g. ${String(example)}` : ""}`;
}

/** The constants of a closed set (a union of literals, or `enum`), or undefined when it is not one. */
function choices(schema: TSchema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  if (!Array.isArray(schema.anyOf)) return undefined;
  const consts = (schema.anyOf as TSchema[]).map((s) => s.const);
  return consts.every((c) => c !== undefined) ? consts : undefined;
}

function range(schema: TSchema, noun: string): string | undefined {
  const { minimum, maximum } = schema;
  if (minimum !== undefined && maximum !== undefined) return `must be ${noun} from ${num(minimum)} to ${num(maximum)}`;
  return undefined;
}

const TYPE_NAMES: Partial<Record<ValueErrorType, string>> = {
  [ValueErrorType.Integer]: "must be a whole number",
  [ValueErrorType.Number]: "must be a number",
  [ValueErrorType.Boolean]: "must be true or false",
  [ValueErrorType.Object]: "must be an object",
  [ValueErrorType.Array]: "must be a list",
  [ValueErrorType.Null]: "must be null",
};

/** A short message for one violation, in words a client's user can act on. */
export function humanMessage(e: ValueError): string {
  const s = e.schema;
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return "is required";
    case ValueErrorType.ObjectAdditionalProperties:
      return "is not a known field";
    case ValueErrorType.StringPattern:
      return expected(s, "is not in the expected format");
    case ValueErrorType.StringFormat:
    case ValueErrorType.StringFormatUnknown:
      return expected(
        s,
        s.format === "date-time"
          ? "must be a date and time, e.g. 2026-12-13T09:00:00Z"
          : `must be a valid ${String(s.format)}`,
      );
    case ValueErrorType.StringMinLength:
      return s.minLength === 1 ? "must not be empty" : `must be at least ${num(s.minLength)} characters`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${num(s.maxLength)} characters`;
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.IntegerMaximum:
      return (
        range(s, "a whole number") ??
        (e.type === ValueErrorType.IntegerMinimum
          ? `must be at least ${num(s.minimum)}`
          : `must be at most ${num(s.maximum)}`)
      );
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.NumberMaximum:
      return (
        range(s, "a number") ??
        (e.type === ValueErrorType.NumberMinimum
          ? `must be at least ${num(s.minimum)}`
          : `must be at most ${num(s.maximum)}`)
      );
    case ValueErrorType.IntegerExclusiveMinimum:
    case ValueErrorType.NumberExclusiveMinimum:
      return `must be greater than ${num(s.exclusiveMinimum)}`;
    case ValueErrorType.IntegerExclusiveMaximum:
    case ValueErrorType.NumberExclusiveMaximum:
      return `must be less than ${num(s.exclusiveMaximum)}`;
    case ValueErrorType.IntegerMultipleOf:
    case ValueErrorType.NumberMultipleOf:
      return `must be a multiple of ${num(s.multipleOf)}`;
    case ValueErrorType.ArrayMinItems:
      return s.minItems === 1 ? "must not be empty" : `must have at least ${num(s.minItems)} items`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${num(s.maxItems)} items`;
    case ValueErrorType.ArrayUniqueItems:
      return "must not repeat an item";
    case ValueErrorType.Literal:
      return `must be ${String(s.const)}`;
    case ValueErrorType.Union: {
      const set = choices(s);
      return set ? `must be one of ${set.map(String).join(", ")}` : "does not match any of the accepted forms";
    }
  }
  // A value of the wrong type: the closed set or shape it should have, when the schema has one.
  if (e.type === ValueErrorType.String)
    return s.pattern !== undefined ? expected(s, "must be a string") : "must be a string";
  const set = choices(s);
  if (set) return `must be one of ${set.map(String).join(", ")}`;
  return TYPE_NAMES[e.type] ?? "is not valid";
}
