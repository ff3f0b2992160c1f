// The event contract of one system: every event type has one schema and one
// version. Producers stamp that version on what they append; consumers read
// older versions through upcasters, so a projection, a follower or a policy
// only ever sees the current shape. `contracts/events/<system>.json` keeps
// the published (type, version) → JSON Schema, and test/contracts checks that
// a published version never changes in a way its readers would notice.
import { type Static, Type as T, type TLiteral, type TObject, type TSchema, type TUnion } from "@sinclair/typebox";
import type { EventEnvelope } from "../event-store.js";

/**
 * Turns the data of version n into the data of version n + 1. Pure, total,
 * and never throws on a valid input. It declares the old shape it reads as
 * its parameter type (`(d: { by: number }) => …`), which no schema holds any more.
 */
export type Upcaster = (data: never) => unknown;

export interface EventDeclaration<S extends TSchema = TSchema> {
  /** Version of `schema`; starts at 1, bumped for every breaking change. */
  version: number;
  schema: S;
  /**
   * `upcasters[n]` turns data of version n into version n + 1. A version
   * above 1 needs at least the one from the previous version.
   */
  upcasters?: Record<number, Upcaster>;
  /**
   * The aggregate whose subject carries the event (`order` → `<system>.order.<id>`).
   * Declared, a policy reacting to it takes only that aggregate's subjects;
   * an append of it by another aggregate is refused.
   */
  aggregate?: string;
}

export type EventDeclarations = Record<string, EventDeclaration>;

/** Turns a stored event of an older version into the current one; the same object when nothing is to do. */
export type Upcast = (event: EventEnvelope) => EventEnvelope;

export interface EventCatalog<D extends EventDeclarations = EventDeclarations> {
  system: string;
  declarations: D;
  /** Schema of each type's current version (what the service kit checks appended events against). */
  schemas: { [K in keyof D]: D[K]["schema"] };
  /** Current version of each type. */
  versions: { [K in keyof D]: number };
  /** Every event of the system as `{type, version, data}`: one TypeBox union. */
  union: TUnion<TObject<{ type: TLiteral<string>; version: TLiteral<number>; data: TSchema }>[]>;
  types: readonly string[];
  versionOf(type: string): number | undefined;
  /** The aggregate that appends events of this type, when declared. */
  aggregateOf(type: string): string | undefined;
  /** Present only when some type has upcasters: readers without any pay nothing. */
  upcast?: Upcast;
}

/**
 * Declares a system's events, e.g.
 * `defineEvents("shop", { OrderPlaced: { version: 1, schema: T.Object({…}) } })`.
 * Throws when a version above 1 comes without the upcaster from the previous one.
 */
export function defineEvents<const D extends EventDeclarations>(system: string, declarations: D): EventCatalog<D> {
  const schemas = {} as Record<string, TSchema>;
  const versions = {} as Record<string, number>;
  const chains = new Map<string, { version: number; upcasters: Record<number, Upcaster> }>();
  for (const [type, d] of Object.entries(declarations)) {
    if (!Number.isInteger(d.version) || d.version < 1) {
      throw new Error(`${system} event ${type}: version must be an integer from 1, got ${d.version}`);
    }
    if (d.version > 1 && typeof d.upcasters?.[d.version - 1] !== "function") {
      throw new Error(`${system} event ${type} v${d.version} needs an upcaster from v${d.version - 1}`);
    }
    schemas[type] = d.schema;
    versions[type] = d.version;
    if (d.upcasters && Object.keys(d.upcasters).length > 0) {
      chains.set(type, { version: d.version, upcasters: d.upcasters });
    }
  }
  const union = T.Union(
    Object.entries(declarations).map(([type, d]) =>
      T.Object({ type: T.Literal(type), version: T.Literal(d.version), data: d.schema }),
    ),
  );
  const catalog: EventCatalog<D> = {
    system,
    declarations,
    schemas: schemas as EventCatalog<D>["schemas"],
    versions: versions as EventCatalog<D>["versions"],
    union,
    types: Object.keys(declarations),
    versionOf: (type) => versions[type],
    aggregateOf: (type) => declarations[type]?.aggregate,
  };
  if (chains.size > 0) catalog.upcast = upcasterOf(system, chains);
  return catalog;
}

function upcasterOf(
  system: string,
  chains: Map<string, { version: number; upcasters: Record<number, Upcaster> }>,
): Upcast {
  return (event) => {
    const chain = chains.get(event.type);
    // Events stored before envelopes had a version are version 1.
    const from = event.version ?? 1;
    if (!chain || from >= chain.version) return event;
    let data = event.data;
    for (let v = from; v < chain.version; v++) {
      const up = chain.upcasters[v];
      if (!up) throw new Error(`${system} event ${event.type}: no upcaster from v${v} (stored ${event.id})`);
      data = (up as (old: unknown) => unknown)(data);
    }
    return { ...event, version: chain.version, data };
  };
}

/** A system's domain events as aggregates see them: `{type, data}` per declared type. */
export type EventsOf<C extends EventCatalog> = {
  [K in keyof C["schemas"] & string]: { type: K; data: Static<C["schemas"][K]> };
}[keyof C["schemas"] & string];
