/**
 * SQL helpers every store shares: the connection type store functions take
 * and the window of a newest-first keyset page.
 *
 * @example
 * ```ts
 * sql`SELECT * FROM threads WHERE owner_id = ${owner} ${newestFirst(sql, page)}`;
 * ```
 * @module
 */
import type { Sql, TransactionSql } from "postgres";

/** The pool or a transaction: store functions run on either. */
export type Queryable = Sql | TransactionSql;

/**
 * Which slice of a keyset list to read (src/core/pagination.ts asks for
 * it): rows strictly after `after` and before `before` in the list's own
 * order, at most `limit` of them. When `inverted` (paging backwards) the
 * rows are read from the far end of the slice; the connection puts them
 * back in list order.
 */
export interface KeysetPage {
  after?: string;
  before?: string;
  limit: number;
  inverted: boolean;
}

/**
 * The `AND … ORDER BY … LIMIT …` tail of a page of a list ordered newest
 * first by a `seq` column: "after" a cursor is older, "before" it newer.
 */
export function newestFirst(sql: Queryable, page: KeysetPage) {
  return sql`
    ${page.after === undefined ? sql`` : sql`AND seq < ${page.after}`}
    ${page.before === undefined ? sql`` : sql`AND seq > ${page.before}`}
    ORDER BY seq ${page.inverted ? sql`ASC` : sql`DESC`}
    LIMIT ${page.limit}`;
}
