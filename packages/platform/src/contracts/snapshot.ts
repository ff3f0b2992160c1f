// The published event contract of a system, as committed in
// `contracts/events/<system>.json`: every (type, version) ever published →
// its JSON Schema. Versions stay in the snapshot after a bump, because events
// of them stay in the stream; the catalog must be able to upcast each of them.
import { breakingChanges, type JsonSchema, plainSchema } from "./compat.js";
import type { EventCatalog } from "./events.js";

export interface EventSnapshot {
  system: string;
  /** type → version (as a string key) → JSON Schema of `data`. */
  events: Record<string, Record<string, JsonSchema>>;
}

export interface ContractProblem {
  type: string;
  version: number;
  /** `breaking`: fix the code or bump the version. `unpublished`: new, only the snapshot is behind. */
  kind: "breaking" | "unpublished";
  message: string;
}

/** The snapshot of a catalog as it is now, merged over what was published before. */
export function snapshotOf(catalog: EventCatalog, published?: EventSnapshot): EventSnapshot {
  const events: EventSnapshot["events"] = {};
  for (const type of [...new Set([...Object.keys(published?.events ?? {}), ...catalog.types])].sort()) {
    const versions: Record<string, JsonSchema> = { ...published?.events[type] };
    const schema = catalog.schemas[type];
    const version = catalog.versionOf(type);
    if (schema && version !== undefined) versions[String(version)] = plainSchema(schema);
    events[type] = Object.fromEntries(Object.entries(versions).sort(([x], [y]) => Number(x) - Number(y)));
  }
  return { system: catalog.system, events };
}

/** What keeps the catalog from honouring the published snapshot. */
export function checkContract(catalog: EventCatalog, published: EventSnapshot): ContractProblem[] {
  const problems: ContractProblem[] = [];
  for (const [type, versions] of Object.entries(published.events)) {
    const numbers = Object.keys(versions).map(Number);
    const current = catalog.versionOf(type);
    if (current === undefined) {
      problems.push({
        type,
        version: Math.max(...numbers),
        kind: "breaking",
        message: `${type} was published and is no longer declared: its stored events could not be read`,
      });
      continue;
    }
    const declaration = catalog.declarations[type];
    for (const v of numbers) {
      if (v > current) {
        problems.push({
          type,
          version: v,
          kind: "breaking",
          message: `${type} v${v} was published; v${current} is older`,
        });
      } else if (v === current) {
        for (const b of breakingChanges(versions[String(v)], plainSchema(catalog.schemas[type]))) {
          problems.push({
            type,
            version: v,
            kind: "breaking",
            message: `${type} v${v} ${b.path}: ${b.reason} — bump the version and add an upcaster from v${v}`,
          });
        }
      } else {
        for (let step = v; step < current; step++) {
          if (typeof declaration?.upcasters?.[step] !== "function") {
            problems.push({
              type,
              version: v,
              kind: "breaking",
              message: `${type} v${v} was published; v${current} has no upcaster from v${step}`,
            });
          }
        }
      }
    }
  }
  for (const type of catalog.types) {
    const version = catalog.versionOf(type) ?? 1;
    if (!published.events[type]?.[String(version)]) {
      problems.push({
        type,
        version,
        kind: "unpublished",
        message: `${type} v${version} is not in contracts/events/${catalog.system}.json yet: run npm run contracts:update`,
      });
    }
  }
  return problems;
}
