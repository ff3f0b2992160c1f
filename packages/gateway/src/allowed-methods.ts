// Which methods a path takes, from the same route table moleculer-web serves.
// moleculer-web answers "no route" alike for an unknown path and for a known
// path asked with another method; HTTP tells them apart (404 vs 405 with
// `Allow`), so the gateway looks the path up here when moleculer-web finds
// nothing.
import type { ApiRouteSchema } from "moleculer-web";

interface PathEntry {
  pattern: RegExp;
  methods: Set<string>;
}

const ESCAPE = /[.*+?^$()|[\]\\{}]/g;

/** `/mall/orders/:id` as a pattern of whole segments: a parameter is any one non-empty segment. */
function patternOf(path: string): RegExp {
  const source = path
    .split("/")
    .map((seg) => (seg.startsWith(":") ? "[^/]+" : seg.replace(ESCAPE, "\\$&")))
    .join("/");
  return new RegExp(`^${source}$`);
}

const normalize = (path: string): string => {
  const joined = path.replace(/\/{2,}/g, "/");
  return joined.length > 1 && joined.endsWith("/") ? joined.slice(0, -1) : joined;
};

export class AllowedMethods {
  private readonly entries = new Map<string, PathEntry>();

  constructor(routes: ApiRouteSchema[]) {
    for (const route of routes) {
      for (const alias of Object.keys(route.aliases ?? {})) {
        const [method, rest] = alias.split(" ");
        if (!method || rest === undefined) continue;
        const path = normalize(`${route.path ?? ""}/${rest}`);
        const entry = this.entries.get(path) ?? { pattern: patternOf(path), methods: new Set<string>() };
        entry.methods.add(method.toUpperCase());
        this.entries.set(path, entry);
      }
    }
  }

  /** The methods declared for `path` (every route whose pattern matches it), sorted; empty for an unknown path. */
  of(path: string): string[] {
    const target = normalize(path);
    const methods = new Set<string>();
    for (const { pattern, methods: m } of this.entries.values()) {
      if (pattern.test(target)) for (const x of m) methods.add(x);
    }
    return [...methods].sort();
  }
}
