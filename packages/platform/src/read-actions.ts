// The read side of a resource that belongs to a customer: `get` (404 unknown,
// 403 not the owner) and `list` (a customer sees their own, staff see all,
// equality filters and cursor paging), each with its HTTP route. Every system
// has several of these. A customer's list walks the owner index, so it reads
// only their rows.
import type { TSchema } from "@sinclair/typebox";
import type { Context } from "moleculer";
import { notFound } from "./errors.js";
import { type Endpoint, endpoint, type HttpRoute, type Role } from "./http.js";
import { caller, ensureOwnerOr, hasRole, labelLanguage } from "./identity.js";
import { filtersOf, pageOf, type RowPage, type RowQuery, rowQuery } from "./list.js";

export interface OwnedReadOptions<S, V> {
  /** Resource name for messages ("order"). */
  name: string;
  /** One resource by id, as fresh as the caller's own writes. */
  load: (id: string) => Promise<S | undefined>;
  /** One page of resources, newest first (a repository's or view's `page`). */
  page: (query: RowQuery) => Promise<RowPage<S>>;
  ownerOf: (s: S) => string;
  /** The index that holds `ownerOf`'s value: a customer's list is read through it. None: nobody owns one, only staff list them. */
  ownerIndex?: string;
  /** Roles that see every resource, not only their own; "any": every signed-in user does. */
  staff: Role[] | "any";
  /** What the client sees, in the asked label language. */
  present: (s: S, lang: "ko" | "en") => V;
  /** Params of `get`; the id is read from `idParam` (default "id"). */
  getParams: TSchema;
  idParam?: string;
  listQuery: TSchema;
  /** Fields of V that `list` filters on by equality; each is an index of the same name. */
  filters?: Array<keyof V & string>;
  /** The routes of `get` and `list` (the list's query is `listQuery`). */
  http: { get: HttpRoute; list: Omit<HttpRoute, "input"> };
}

export function ownedReadActions<S, V>(o: OwnedReadOptions<S, V>): { get: Endpoint; list: Endpoint } {
  const idParam = o.idParam ?? "id";
  return {
    get: endpoint({
      http: o.http.get,
      params: o.getParams,
      async handler(ctx: Context<Record<string, string>>) {
        const id = ctx.params[idParam] as string;
        const found = await o.load(id);
        if (!found) throw notFound(o.name, id);
        const user = caller(ctx);
        if (o.staff !== "any") ensureOwnerOr(user, o.ownerOf(found), ...o.staff);
        return o.present(found, labelLanguage(ctx, ctx.params));
      },
    }),
    list: endpoint({
      http: { ...o.http.list, input: "query" },
      params: o.listQuery,
      async handler(ctx: Context<Record<string, unknown>>) {
        const user = caller(ctx);
        const seesAll = o.staff === "any" || hasRole(user, ...o.staff);
        const where = filtersOf(ctx.params, o.filters ?? []);
        // Whatever the filters say, a customer's list is their own.
        if (!seesAll) {
          if (o.ownerIndex === undefined) return { items: [], hasMore: false };
          where[o.ownerIndex] = user.id;
        }
        const found = await o.page(rowQuery(ctx.params, where));
        // The index scoped the page; each row still names its owner, and must name the caller.
        const visible = seesAll ? found : { ...found, rows: found.rows.filter((s) => o.ownerOf(s) === user.id) };
        const lang = labelLanguage(ctx, ctx.params as { lang?: string });
        return pageOf(visible, (s) => o.present(s, lang));
      },
    }),
  };
}
