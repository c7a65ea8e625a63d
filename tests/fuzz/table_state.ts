/**
 * A fingerprint of every table the app owns: its row count and a hash of its
 * rows, so a fuzz case that inserts, deletes or updates anything shows up.
 * The table list comes from information_schema, so a new table is covered
 * the day its migration lands.
 *
 * @module
 */
import type postgres from "postgres";

/** One table's row count and content hash. */
export interface TableFingerprint {
  rows: number;
  hash: string;
}

/** Fingerprints by `schema.table`. */
export type TableState = Map<string, TableFingerprint>;

/**
 * The rows to fingerprint for a table whose whole rows change on their own:
 * a query over it (aliased `t` by the caller), and why.
 */
export interface TableView {
  rows: string;
  why: string;
}

/**
 * The one table that changes without any request: the job worker claims,
 * renews and finishes jobs, and its periodic maintenance chain (rows with no
 * owner) reschedules itself. What a request could write is still checked:
 * every job that acts for a user, by the columns an enqueue sets.
 */
export const DEFAULT_VIEWS: Readonly<Record<string, TableView>> = {
  "public.jobs": {
    rows: "SELECT id, kind, payload, owner_id, dedupe_key FROM public.jobs " +
      "WHERE owner_id IS NOT NULL",
    why: "the job worker updates status, attempts, leases and times on its own clock, and " +
      "the periodic maintenance chain (jobs with no owner) reschedules itself; jobs that act " +
      "for a user are checked by id, kind, payload, owner and dedupe key",
  },
};

/** The app's base tables, except those named in `skip`, sorted. */
export async function listTables(sql: postgres.Sql, skip: ReadonlySet<string>): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    SELECT table_schema || '.' || table_name AS name
    FROM information_schema.tables
    WHERE table_type = 'BASE TABLE'
      AND table_schema NOT IN ('pg_catalog', 'information_schema')
    ORDER BY 1`;
  return rows.map((r) => r.name).filter((name) => !skip.has(name));
}

/** Reads every table's fingerprint in one statement; `views` narrows the tables it names. */
export async function readState(
  sql: postgres.Sql,
  tables: readonly string[],
  views: Readonly<Record<string, TableView>> = DEFAULT_VIEWS,
): Promise<TableState> {
  const parts = tables.map((name) => {
    const [schema, table] = name.split(".") as [string, string];
    const ident = `"${schema.replaceAll('"', '""')}"."${table.replaceAll('"', '""')}"`;
    const source = views[name] ? `(${views[name].rows})` : ident;
    return `SELECT '${name.replaceAll("'", "''")}' AS name, count(*)::int AS rows, ` +
      `md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS hash FROM ${source} t`;
  });
  const rows = await sql.unsafe<{ name: string; rows: number; hash: string }[]>(
    parts.join(" UNION ALL "),
  );
  return new Map(rows.map((r) => [r.name, { rows: r.rows, hash: r.hash }]));
}

/** The tables whose fingerprint differs, described: `threads: 3 → 4 rows`. */
export function diffState(before: TableState, after: TableState): string[] {
  const changes: string[] = [];
  for (const [name, was] of before) {
    const now = after.get(name);
    if (now === undefined) changes.push(`${name}: gone`);
    else if (now.rows !== was.rows) changes.push(`${name}: ${was.rows} → ${now.rows} rows`);
    else if (now.hash !== was.hash) changes.push(`${name}: rows changed (${was.rows} rows)`);
  }
  return changes;
}

/**
 * The next transaction id Postgres will hand out, read without taking one:
 * every write commits under a new transaction id, so while this mark stays
 * the same nothing was written and the tables need not be read again
 * (a fingerprint of every table costs ~50 ms; this costs ~2 ms).
 */
export async function writeMark(sql: postgres.Sql): Promise<string> {
  const [row] = await sql<{ mark: string }[]>`
    SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS mark`;
  return row!.mark;
}
