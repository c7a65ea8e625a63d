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

/** Reads every table's fingerprint in one statement. */
export async function readState(sql: postgres.Sql, tables: readonly string[]): Promise<TableState> {
  const parts = tables.map((name) => {
    const [schema, table] = name.split(".") as [string, string];
    const ident = `"${schema.replaceAll('"', '""')}"."${table.replaceAll('"', '""')}"`;
    return `SELECT '${name.replaceAll("'", "''")}' AS name, count(*)::int AS rows, ` +
      `md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS hash FROM ${ident} t`;
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
