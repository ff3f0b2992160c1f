// The read side of a resource that belongs to a customer: `get` (404 unknown,
// 403 not the owner) and `list` (a customer sees their own, staff see all,
// equality filters and cursor paging), each with its HTTP route. Every system
// has several of these. A customer's list walks the owner index, so it reads
// only their rows. A resource nobody owns (a catalog) has the same read side
// with every caller seeing everything: `sharedReadActions`.
import type { TSchema } from "@sinclair/typebox";
import type { Context } from "moleculer";
import { notFound } from "./errors.js";
import { deepFreeze } from "./frozen.js";
import { type Endpoint, endpoint, type Role } from "./http.js";
import { caller, ensureOwnerOr, hasRole, labelLanguage } from "./identity.js";
import { filtersOf, pageOf, type RowPage, type RowQuery, rowQuery } from "./list.js";
import { type ReadResource, readRoutes } from "./read-routes.js";

/** A repository or view, read as it is. */
export interface RowSource<S> {
  /** One resource by id, as fresh as the caller's own writes. */
  getLatest(id: string): Promise<S | undefined>;
  /** One page of resources, newest first. */
  page(query: RowQuery): Promise<RowPage<S>>;
}

/** Where the resources are read: their repository or view, or both reads written out where some rows are hidden or joined. */
export type ReadSource<S> =
  | { rows: RowSource<S>; load?: never; page?: never }
  | { rows?: never; load: RowSource<S>["getLatest"]; page: RowSource<S>["page"] };

function sourceOf<S>(o: ReadSource<S>): RowSource<S> {
  return o.rows ?? { getLatest: o.load, page: o.page };
}

export type ReadOptions<S, V, R extends Role = Role> = ReadSource<S> & ReadDeclaration<S, V, R>;

export interface ReadDeclaration<S, V, R extends Role = Role> {
  /** Resource name for messages ("order"). */
  name: string;
  /** What the client sees, in the asked label language. */
  present: (s: S, lang: "ko" | "en") => V;
  /** Params of `get`; the id is read from `idParam` (default "id"). */
  getParams: TSchema;
  idParam?: string;
  listQuery: TSchema;
  /** Fields of V that `list` filters on by equality; each is an index of the same name. */
  filters?: Array<keyof V & string>;
  /** Where the resource is served and to whom: its `get` and `list` routes follow (the list's query is `listQuery`). */
  resource: ReadResource<R>;
}

export type OwnedReadOptions<S, V, R extends Role = Role> = ReadOptions<S, V, R> & OwnerRule<S, R>;

/** The fields of S that hold an id (a user's, for an owner). */
export type IdField<S> = { [K in keyof S]-?: S[K] extends string | undefined ? K : never }[keyof S] & string;

/**
 * Whose a resource is: the field naming its owner, an index of the same name
 * through which a customer's list is read; or, where the owner is not a field
 * of the row, how to read it and the index that holds it (none: nobody owns
 * one, only staff list them).
 */
export type ResourceOwner<S> =
  | { owner: IdField<S>; ownerOf?: never; ownerIndex?: never }
  | { owner?: never; ownerOf: (s: S) => string; ownerIndex?: string };

export type OwnerRule<S, R extends Role> = ResourceOwner<S> & {
  /** Roles that see every resource, not only their own; "any": every signed-in user does. */
  staff: R[] | "any";
};

function ownerReadOf<S>(o: ResourceOwner<S>): { ownerOf: (s: S) => string; ownerIndex: string | undefined } {
  if (o.ownerOf !== undefined) return { ownerOf: o.ownerOf, ownerIndex: o.ownerIndex };
  const field = o.owner;
  // A row whose owner is not known yet is nobody's: only staff see it.
  return { ownerOf: (s) => (s[field] as string | undefined) ?? "", ownerIndex: field };
}

/** The read side of a resource everyone who may call its routes sees whole, e.g. a catalog. */
export function sharedReadActions<S, V, R extends Role = Role>(
  o: ReadOptions<S, V, R>,
): { get: Endpoint<R>; list: Endpoint<R> } {
  return ownedReadActions({ ...o, staff: "any", ownerOf: () => "" });
}

type Present<S, V> = ReadDeclaration<S, V>["present"];

/**
 * `present`, once per kept row and language. A frozen row is one the store
 * keeps and will not change (frozen.ts): what the client sees of it is made
 * on its first read, frozen in turn, and the gateway then encodes it once too.
 * A client polling a resource costs a look-up here, not a new answer.
 */
function presentOnce<S, V>(present: Present<S, V>): Present<S, V> {
  const presented = new WeakMap<object, { ko?: V; en?: V }>();
  return (s, lang) => {
    if (typeof s !== "object" || s === null || !Object.isFrozen(s)) return present(s, lang);
    let views = presented.get(s);
    if (views === undefined) {
      views = {};
      presented.set(s, views);
    }
    let view = views[lang];
    if (view === undefined) {
      view = deepFreeze(present(s, lang));
      views[lang] = view;
    }
    return view;
  };
}

export function ownedReadActions<S, V, R extends Role = Role>(
  o: OwnedReadOptions<S, V, R>,
): { get: Endpoint<R>; list: Endpoint<R> } {
  const idParam = o.idParam ?? "id";
  const present = presentOnce(o.present);
  const source = sourceOf(o);
  const { ownerOf, ownerIndex } = ownerReadOf(o);
  const http = readRoutes(o.resource, { name: o.name, idParam, staff: o.staff });
  return {
    get: endpoint({
      http: http.get,
      params: o.getParams,
      async handler(ctx: Context<Record<string, string>>) {
        const id = ctx.params[idParam] as string;
        const found = await source.getLatest(id);
        if (!found) throw notFound(o.name, id);
        if (o.staff !== "any") ensureOwnerOr(caller(ctx), ownerOf(found), ...o.staff);
        return present(found, labelLanguage(ctx, ctx.params));
      },
    }),
    list: endpoint({
      http: { ...http.list, input: "query" },
      params: o.listQuery,
      async handler(ctx: Context<Record<string, unknown>>) {
        // Who the caller is matters only when some callers see only their own.
        const onlyOf = o.staff === "any" || hasRole(caller(ctx), ...o.staff) ? undefined : caller(ctx).id;
        const where = filtersOf(ctx.params, o.filters ?? []);
        // Whatever the filters say, a customer's list is their own.
        if (onlyOf !== undefined) {
          if (ownerIndex === undefined) return { items: [], hasMore: false };
          where[ownerIndex] = onlyOf;
        }
        const found = await source.page(rowQuery(ctx.params, where));
        // The index scoped the page; each row still names its owner, and must name the caller.
        const visible =
          onlyOf === undefined ? found : { ...found, rows: found.rows.filter((s) => ownerOf(s) === onlyOf) };
        const lang = labelLanguage(ctx, ctx.params as { lang?: string });
        return pageOf(visible, (s) => present(s, lang));
      },
    }),
  };
}
