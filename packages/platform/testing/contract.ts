// The API contract, checked on every response a test client receives: the
// OpenAPI document the gateway publishes must list the route and the status,
// and the body must match the schema published for that status (closed
// objects: a field the document does not name fails). A mismatch throws, so
// every test that talks to the gateway checks the contract for free.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";

type Json = Record<string, unknown>;

/** Platform pages outside the document (the document itself and its viewer). */
const OUTSIDE_THE_DOCUMENT = [/^\/openapi\.json$/, /^\/docs(\/[^/]*)?$/];
/** What a path no route matches may answer: the error body, 404 (or 405 for a known path, another method). */
const UNROUTED_STATUSES = new Set([404, 405]);

interface Operation {
  path: string;
  pattern: RegExp;
  params: number;
  methods: Record<string, Json>;
}

export class ContractViolation extends Error {
  constructor(message: string) {
    super(`API contract: ${message}`);
    this.name = "ContractViolation";
  }
}

/** One OpenAPI document, compiled once: finds the operation of a request and checks its response. */
export class ApiContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  private readonly operations: Operation[];
  private readonly compiled = new Map<unknown, ValidateFunction>();

  constructor(private readonly doc: Json) {
    const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
    this.operations = Object.entries(paths)
      .map(([path, methods]) => {
        const params = (path.match(/\{[^}]+\}/g) ?? []).length;
        const source = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "[^/]+");
        return { path, pattern: new RegExp(`^${source}$`), params, methods };
      })
      // A literal segment wins over a parameter (`/customers/me` before `/customers/{id}`).
      .sort((a, b) => a.params - b.params);
  }

  /** Throws a ContractViolation when `status` and `body` are not what the document says for the request. */
  check(method: string, url: string, status: number, contentType: string, body: unknown): void {
    const m = method.toUpperCase();
    if (m === "HEAD" || m === "OPTIONS") return;
    const pathname = new URL(url, "http://x").pathname;
    if (OUTSIDE_THE_DOCUMENT.some((p) => p.test(pathname))) return;
    const matches = this.operations.filter((o) => o.pattern.test(pathname));
    const op = matches
      .map((o) => ({ o, op: o.methods[m.toLowerCase()] }))
      .find((x): x is { o: Operation; op: Json } => x.op !== undefined);
    if (!op) {
      if (!UNROUTED_STATUSES.has(status)) {
        throw new ContractViolation(`${m} ${pathname} is no documented route, yet it answered ${status}`);
      }
      this.checkBody(`${m} ${pathname} → ${status}`, { $ref: "#/components/schemas/Error" }, contentType, body);
      return;
    }
    const where = `${m} ${op.o.path} → ${status}`;
    const responses = (op.op.responses ?? {}) as Record<string, Json>;
    const response = responses[String(status)];
    if (!response) {
      throw new ContractViolation(`${where} is not documented (documented: ${Object.keys(responses).join(", ")})`);
    }
    this.checkBody(where, this.schemaOf(response), contentType, body);
  }

  private resolve(node: Json): Json {
    let cur = node;
    for (let i = 0; typeof cur.$ref === "string" && i < 5; i++) {
      const parts = (cur.$ref as string).replace(/^#\//, "").split("/");
      cur = parts.reduce<Json>((o, k) => (o[k] ?? {}) as Json, this.doc);
    }
    return cur;
  }

  /** The JSON schema of a response object, or undefined when it has no JSON body. */
  private schemaOf(response: Json): Json | undefined {
    const content = (this.resolve(response).content ?? {}) as Record<string, Json>;
    const json = content["application/json"];
    return json ? (json.schema as Json) : undefined;
  }

  private checkBody(where: string, schema: Json | undefined, contentType: string, body: unknown): void {
    if (!schema) return;
    if (!contentType.includes("json")) {
      throw new ContractViolation(`${where}: expected a JSON body, got ${contentType || "no content type"}`);
    }
    const validate = this.compile(schema);
    if (!validate(body)) {
      const errors = (validate.errors ?? [])
        .slice(0, 5)
        .map(
          (e) =>
            `${e.instancePath || "/"} ${e.message}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`,
        );
      throw new ContractViolation(`${where}: ${errors.join("; ")} in ${JSON.stringify(body).slice(0, 500)}`);
    }
  }

  private compile(schema: Json): ValidateFunction {
    let v = this.compiled.get(schema);
    if (!v) {
      // Refs point into the document: compile against it.
      v = this.ajv.compile({ ...schema, components: this.doc.components });
      this.compiled.set(schema, v);
    }
    return v;
  }
}

const contracts = new Map<string, Promise<ApiContract>>();

/**
 * The contract of the gateway at `baseUrl`: the document it publishes at
 * /openapi.json; for a node without a gateway (a health server), the one the
 * repository's systems would publish.
 */
export function contractOf(baseUrl: string): Promise<ApiContract> {
  const origin = new URL(baseUrl).origin;
  let found = contracts.get(origin);
  if (!found) {
    found = loadDocument(origin).then((doc) => new ApiContract(doc));
    contracts.set(origin, found);
  }
  return found;
}

async function loadDocument(origin: string): Promise<Json> {
  try {
    const res = await fetch(`${origin}/openapi.json`, { signal: AbortSignal.timeout(5000) });
    if (res.ok) return (await res.json()) as Json;
  } catch {
    // not a gateway, or not answering now: use the document of this repository's systems
  }
  const [{ buildOpenApi }, { routedSystems }, { systems }] = await Promise.all([
    import("../../gateway/src/openapi.js"),
    import("../../gateway/src/routed-systems.js"),
    import("../../../scripts/systems.js"),
  ]);
  return buildOpenApi(routedSystems(systems)) as Json;
}
