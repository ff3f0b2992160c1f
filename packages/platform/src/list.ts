// Lists answer `{items, hasMore, nextCursor?}`, newest first, with `limit`
// (default 50, max 500), `after` (the `nextCursor` of the page before) and
// simple equality filters on documented fields. A page is a range scan from
// the cursor (page-scan.ts): its cost is the page, not the data. There is no
// `offset` (skipping rows means reading them) and no `total` (an exact count
// of every filter combination would cost a scan or a counter per combination).
import { FormatRegistry, Type as T, type TProperties, type TSchema } from "@sinclair/typebox";
import { validationError } from "./errors.js";

/** A cursor is a row key in base64url: opaque to clients, cheap to check. */
const CURSOR = "^[A-Za-z0-9_-]{1,200}$";

/** Whether a string is a cursor this service makes: the base64url of a printable key, written the one way it is. */
function isCursor(cursor: string): boolean {
  const key = Buffer.from(cursor, "base64url").toString("utf8");
  return key.length > 0 && cursorOf(key) === cursor && [...key].every((c) => c >= " " && c !== "\ufffd");
}
// A schema format, so the query's check (and every client reading the schema) refuses a bad cursor like any bad value.
FormatRegistry.Set("cursor", isCursor);

export const Paging = {
  limit: T.Optional(T.Integer({ minimum: 1, maximum: 500, default: 50, description: "page size" })),
  after: T.Optional(
    T.String({
      pattern: CURSOR,
      format: "cursor",
      description: "the nextCursor of the previous page; absent = the newest rows",
    }),
  ),
  lang: T.Optional(T.Union([T.Literal("ko"), T.Literal("en")], { description: "language of status labels" })),
};

/** Query schema of a list route: paging plus the given equality filters. */
export const ListQuery = <P extends TProperties>(filters: P) =>
  T.Object({ ...Paging, ...filters }, { additionalProperties: false });

export interface Page<T> {
  items: T[];
  /** Whether older rows follow; then `nextCursor` reads them. */
  hasMore: boolean;
  nextCursor?: string;
}

export const PageOf = <S extends TSchema>(item: S) =>
  T.Object({
    items: T.Array(item),
    hasMore: T.Boolean(),
    nextCursor: T.Optional(T.String({ pattern: CURSOR })),
  });

/** Rows of one page as a section gives them, with the key of the last one when more follow. */
export interface RowPage<Row> {
  rows: Row[];
  /** The key to continue after; set only when more rows follow. */
  next?: string;
}

/** A store's list query: equality filters by index name, cursor, page size. */
export interface RowQuery {
  where?: Record<string, unknown>;
  after?: string;
  limit: number;
}

export const DEFAULT_LIMIT = 50;

export function cursorOf(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

/** The row key a cursor names; 422 for one this service cannot have made (the query schema refuses it first). */
export function keyOfCursor(cursor: string): string {
  // Decoding is lenient: only a cursor that encodes back to itself is one we made.
  if (!isCursor(cursor)) {
    throw validationError("after is not a cursor this list gave", [
      { path: "/after", message: "not a cursor this list gave" },
    ]);
  }
  return Buffer.from(cursor, "base64url").toString("utf8");
}

/** The store query a list request asks for: its cursor and limit, and the given filters. */
export function rowQuery(params: { limit?: number; after?: string }, where: Record<string, unknown> = {}): RowQuery {
  return {
    where,
    limit: params.limit ?? DEFAULT_LIMIT,
    ...(params.after === undefined ? {} : { after: keyOfCursor(params.after) }),
  };
}

/** The answer to a list request, from a page of rows and what a client sees of each. */
export function pageOf<Row, V>(rows: RowPage<Row>, present: (row: Row) => V): Page<V> {
  return {
    items: rows.rows.map(present),
    hasMore: rows.next !== undefined,
    ...(rows.next === undefined ? {} : { nextCursor: cursorOf(rows.next) }),
  };
}

/** Values of the named query fields that are set (the equality filters of a list request). */
export function filtersOf(params: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  for (const name of names) if (params[name] !== undefined) where[name] = params[name];
  return where;
}
