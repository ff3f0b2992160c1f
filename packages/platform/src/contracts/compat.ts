// Is a new schema of a published event version still the same contract? Both
// sides read it: events already stored were written against the old schema,
// and consumers that were built against the old schema will read events
// written against the new one. So within one version only additions a reader
// may ignore are allowed:
//
//   compatible  an optional field added; an enum or a range widened; a
//               description, title or example changed
//   breaking    a field removed; a field's type changed; an optional field
//               made required or a required one optional; a required field
//               added; an enum, a constant,
//               a range, a length, a pattern or a format narrowed or changed
//
// Anything breaking needs a new version (and an upcaster from the old one).

/** A JSON Schema as stored in a snapshot (plain JSON, no TypeBox symbols). */
export type JsonSchema = { [key: string]: unknown };

/** One reason a change breaks readers, at a JSON pointer into the data. */
export interface Breaking {
  path: string;
  reason: string;
}

const asSchema = (v: unknown): JsonSchema => (typeof v === "object" && v !== null ? (v as JsonSchema) : {});
const at = (path: string, key: string) => `${path}/${key}`;

/** The schema as plain JSON (TypeBox keeps its metadata under symbols, which JSON drops). */
export const plainSchema = (schema: unknown): JsonSchema => JSON.parse(JSON.stringify(schema)) as JsonSchema;

/** The finite set of values a schema allows (enum, const, a union of constants), or undefined. */
function valueSet(s: JsonSchema): unknown[] | undefined {
  if ("const" in s) return [s.const];
  if (Array.isArray(s.enum)) return s.enum;
  const branches = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) {
    const values: unknown[] = [];
    for (const b of branches) {
      const set = valueSet(asSchema(b));
      if (!set) return undefined;
      values.push(...set);
    }
    return values;
  }
  return undefined;
}

const key = (v: unknown) => JSON.stringify(v);

function typesOf(s: JsonSchema): string[] | undefined {
  if (typeof s.type === "string") return [s.type];
  if (Array.isArray(s.type)) return (s.type as string[]).slice().sort();
  return undefined;
}

/** Lower bounds: a higher value in the new schema narrows. */
const LOWER = ["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"];
/** Upper bounds: a lower value in the new schema narrows. */
const UPPER = ["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"];
/** Constraints that must stay exactly as they were. */
const EXACT = ["pattern", "format", "multipleOf", "uniqueItems"];

/** Every change from `before` to `after` that breaks a reader or a stored event; empty when compatible. */
export function breakingChanges(before: unknown, after: unknown, path = ""): Breaking[] {
  const a = asSchema(before);
  const b = asSchema(after);
  const out: Breaking[] = [];
  const breaks = (reason: string, where = path) => out.push({ path: where || "/", reason });

  const valuesA = valueSet(a);
  const valuesB = valueSet(b);
  if (valuesB && !valuesA) {
    breaks("narrowed to a fixed set of values");
    return out;
  }
  if (valuesA && valuesB) {
    const allowed = new Set(valuesB.map(key));
    const removed = valuesA.filter((v) => !allowed.has(key(v)));
    if (removed.length > 0) breaks(`values no longer allowed: ${removed.map(key).join(", ")}`);
    return out;
  }

  // A union of shapes: every old branch must still be accepted by a compatible new branch.
  const unionA = (a.anyOf ?? a.oneOf) as unknown[] | undefined;
  const unionB = (b.anyOf ?? b.oneOf) as unknown[] | undefined;
  if (unionA || unionB) {
    const oldBranches = unionA ?? [a];
    const newBranches = unionB ?? [b];
    oldBranches.forEach((branch, i) => {
      const fits = newBranches.some((n) => breakingChanges(branch, n, path).length === 0);
      if (!fits) breaks(`variant ${i + 1} of the union is no longer accepted`);
    });
    return out;
  }

  const typeA = typesOf(a);
  const typeB = typesOf(b);
  if (typeA?.join() !== typeB?.join()) {
    breaks(`type changed from ${typeA?.join("|") ?? "any"} to ${typeB?.join("|") ?? "any"}`);
    return out;
  }

  for (const k of LOWER) {
    const va = a[k];
    const vb = b[k];
    if (typeof vb === "number" && (typeof va !== "number" || vb > va)) breaks(`${k} narrowed from ${va} to ${vb}`);
  }
  for (const k of UPPER) {
    const va = a[k];
    const vb = b[k];
    if (typeof vb === "number" && (typeof va !== "number" || vb < va)) breaks(`${k} narrowed from ${va} to ${vb}`);
  }
  for (const k of EXACT) {
    if (k in b && key(a[k]) !== key(b[k])) breaks(`${k} changed from ${key(a[k])} to ${key(b[k])}`);
  }

  if (typeA?.includes("object") || a.properties || b.properties) {
    const propsA = asSchema(a.properties);
    const propsB = asSchema(b.properties);
    const reqA = new Set(Array.isArray(a.required) ? (a.required as string[]) : []);
    const reqB = new Set(Array.isArray(b.required) ? (b.required as string[]) : []);
    for (const name of Object.keys(propsA)) {
      if (!(name in propsB)) {
        breaks("field removed", at(path, name));
        continue;
      }
      if (!reqA.has(name) && reqB.has(name)) breaks("optional field made required", at(path, name));
      if (reqA.has(name) && !reqB.has(name)) breaks("required field made optional", at(path, name));
      out.push(...breakingChanges(propsA[name], propsB[name], at(path, name)));
    }
    for (const name of Object.keys(propsB)) {
      if (!(name in propsA) && reqB.has(name)) breaks("required field added", at(path, name));
    }
    if (a.additionalProperties !== false && b.additionalProperties === false && Object.keys(propsA).length === 0) {
      breaks("no longer accepts additional properties");
    }
  }

  if (a.items !== undefined || b.items !== undefined) {
    out.push(...breakingChanges(a.items, b.items, at(path, "*")));
  }
  return out;
}
