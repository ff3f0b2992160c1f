// Moleculer validator for TypeBox schemas. Action params declared with TypeBox
// are checked by a compiled checker (fast, closed schemas); any other schema —
// Moleculer's own `$node.*` actions use fastest-validator syntax — goes to the
// built-in validator.
import { Kind, type TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Errors, Validators } from "moleculer";
import { humanMessage } from "./messages.js";

const MAX_REPORTED = 20;

export interface ValidationIssue {
  type: string;
  field: string;
  /** JSON pointer of the offending value, e.g. "/qty". */
  path: string;
  message: string;
}

export type Checker = (value: unknown) => true | ValidationIssue[];

export const isTypeBox = (schema: unknown): schema is TSchema =>
  typeof schema === "object" &&
  schema !== null &&
  (Kind in schema ||
    ((schema as { type?: unknown }).type === "object" &&
      typeof (schema as { properties?: unknown }).properties === "object"));

const cache = new WeakMap<TSchema, Checker>();

/** A compiled checker for a TypeBox schema, cached per schema object. */
export function compileChecker(schema: TSchema): Checker {
  const cached = cache.get(schema);
  if (cached) return cached;
  const compiled = TypeCompiler.Compile(schema);
  const checker: Checker = (value) => {
    if (compiled.Check(value)) return true;
    const issues: ValidationIssue[] = [];
    for (const e of compiled.Errors(value)) {
      // Several messages for one path (e.g. each branch of a union) add nothing for a client.
      if (issues.some((i) => i.path === e.path)) continue;
      issues.push({
        type: "schema",
        field: e.path.slice(1).replaceAll("/", "."),
        path: e.path || "/",
        message: humanMessage(e),
      });
      if (issues.length >= MAX_REPORTED) break;
    }
    return issues;
  };
  cache.set(schema, checker);
  return checker;
}

export class TypeBoxValidator extends Validators.Base {
  private readonly fallback = new Validators.Fastest();

  constructor() {
    super({});
  }

  override init(broker: Parameters<Validators.Base["init"]>[0]): void {
    super.init(broker);
    this.fallback.init(broker);
  }

  override compile(schema: Record<string, unknown>) {
    if (!isTypeBox(schema)) return this.fallback.compile(schema);
    return compileChecker(schema) as ReturnType<Validators.Base["compile"]>;
  }

  override validate(params: Record<string, unknown>, schema: Record<string, unknown>): boolean {
    if (!isTypeBox(schema)) return this.fallback.validate(params, schema);
    const r = compileChecker(schema)(params);
    if (r === true) return true;
    throw new Errors.ValidationError("Parameters validation error!", "VALIDATION_ERROR", r);
  }

  override convertSchemaToMoleculer(schema: Record<string, unknown>): Record<string, unknown> {
    return schema;
  }
}
