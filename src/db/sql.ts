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
 * One page of a list ordered newest first by a `seq` column, as
 * src/core/pagination.ts asks for it: rows strictly after (older than) and
 * before (newer than) the cursors' keys, read from the oldest end when
 * `inverted`.
 */
export interface SeqWindow {
  after?: string;
  before?: string;
  limit: number;
  inverted: boolean;
}

/** The `AND … ORDER BY … LIMIT …` tail of a newest-first `seq` page. */
export function newestFirst(sql: Queryable, page: SeqWindow) {
  return sql`
    ${page.after === undefined ? sql`` : sql`AND seq < ${page.after}`}
    ${page.before === undefined ? sql`` : sql`AND seq > ${page.before}`}
    ORDER BY seq ${page.inverted ? sql`ASC` : sql`DESC`}
    LIMIT ${page.limit}`;
}
