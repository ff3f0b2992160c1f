// Lists answer `{items, total}` with `limit` (default 50, max 500) and `offset`,
// and simple equality filters on documented fields.
import { Type as T, type TProperties } from "@sinclair/typebox";

export const Paging = {
  limit: T.Optional(T.Integer({ minimum: 1, maximum: 500, default: 50, description: "page size" })),
  offset: T.Optional(T.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: "rows to skip" })),
  lang: T.Optional(T.Union([T.Literal("ko"), T.Literal("en")], { description: "language of status labels" })),
};

/** Query schema of a list route: paging plus the given equality filters. */
export const ListQuery = <P extends TProperties>(filters: P) =>
  T.Object({ ...Paging, ...filters }, { additionalProperties: false });

export interface Page<T> {
  items: T[];
  total: number;
}

export const PageOf = <S extends import("@sinclair/typebox").TSchema>(item: S) =>
  T.Object({ items: T.Array(item), total: T.Integer({ minimum: 0 }) });

/** Applies equality filters (undefined = no filter) and paging. */
export function page<T>(
  rows: T[],
  query: { limit?: number; offset?: number } & Record<string, unknown>,
  filterKeys: Array<keyof T & string> = [],
): Page<T> {
  const active = filterKeys.filter((k) => query[k] !== undefined);
  const matching = active.length === 0 ? rows : rows.filter((r) => active.every((k) => r[k] === query[k]));
  const offset = query.offset ?? 0;
  const limit = query.limit ?? 50;
  return { items: matching.slice(offset, offset + limit), total: matching.length };
}
