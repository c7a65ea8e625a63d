/**
 * Exports every memory (all owners) to a backup file, from one consistent
 * snapshot (a repeatable-read, read-only transaction), in primary-key order
 * and pages of {@linkcode PAGE} rows, so two exports of the same store are
 * byte-identical apart from the header's timestamp.
 *
 * @example
 * ```ts
 * const counts = await exportMemories(sql, ".data/backups/memories.jsonl.gz");
 * ```
 * @module
 */
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  type BackupFooter,
  type BackupHeader,
  vectorToBase64,
  writeGzipLines,
} from "./backup_format.ts";
import { readIndexIdentity } from "../store/index_meta.ts";
import type { Queryable } from "../../db/sql.ts";
import type { Sql } from "postgres";

const PAGE = 500;
/** Timestamps as ISO text with microseconds: JavaScript dates would drop them. */
const TS = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

type Row = Record<string, unknown>;

/** Writes the backup to `path`; returns the counts and the file size. */
export async function exportMemories(
  sql: Sql,
  path: string,
): Promise<Omit<BackupFooter, "kind"> & { bytes: number }> {
  const footer: BackupFooter = { kind: "footer", items: 0, usage: 0, versions: 0, namespaces: 0 };
  const bytes = await writeGzipLines(path, async (write) => {
    await sql.begin("isolation level repeatable read read only", async (tx) => {
      const identity = await readIndexIdentity(tx);
      const header: BackupHeader = {
        kind: "header",
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        embeddingModel: identity?.model ?? "",
        dims: identity?.dims ?? 0,
        exportedAt: new Date().toISOString(),
      };
      await write(JSON.stringify(header));
      footer.items = await pages(
        tx,
        "memory_items",
        ["owner_id", "namespace", "key"],
        `
        owner_id, namespace, key, value::text AS value, text, embedding::text AS embedding,
        version, to_char(valid_from AT TIME ZONE 'UTC', ${TS}) AS valid_from,
        to_char(created_at AT TIME ZONE 'UTC', ${TS}) AS created_at,
        to_char(updated_at AT TIME ZONE 'UTC', ${TS}) AS updated_at,
        to_char(expires_at AT TIME ZONE 'UTC', ${TS}) AS expires_at`,
        (row) => ({
          kind: "item",
          ...row,
          embedding: row.embedding === null ? null : vectorToBase64(row.embedding as string),
        }),
        write,
      );
      footer.usage = await pages(
        tx,
        "memory_usage",
        ["owner_id", "namespace", "key"],
        `
        owner_id, namespace, key, access_count,
        to_char(last_accessed_at AT TIME ZONE 'UTC', ${TS}) AS last_accessed_at`,
        (row) => ({
          kind: "usage",
          ...row,
        }),
        write,
      );
      footer.versions = await pages(
        tx,
        "memory_versions",
        ["owner_id", "namespace", "key", "version"],
        `owner_id, namespace, key, version, value::text AS value,
        to_char(valid_from AT TIME ZONE 'UTC', ${TS}) AS valid_from,
        to_char(valid_to AT TIME ZONE 'UTC', ${TS}) AS valid_to, change, superseded_by`,
        (row) => ({ kind: "version", ...row }),
        write,
      );
      footer.namespaces = await pages(
        tx,
        "memory_namespaces",
        ["owner_id", "namespace"],
        `
        owner_id, namespace, added_since_consolidation,
        to_char(last_consolidated_at AT TIME ZONE 'UTC', ${TS}) AS last_consolidated_at`,
        (row) => ({
          kind: "namespace",
          ...row,
        }),
        write,
      );
      await write(JSON.stringify(footer));
    });
  });
  const { kind: _kind, ...counts } = footer;
  return { ...counts, bytes };
}

/** Pages through `table` in key order, writing one line per row; returns the row count. */
async function pages(
  tx: Queryable,
  table: string,
  keyColumns: string[],
  columns: string,
  toLine: (row: Row) => Row,
  write: (line: string) => Promise<void>,
): Promise<number> {
  const keys = keyColumns.join(", ");
  let after: unknown[] | undefined;
  let count = 0;
  while (true) {
    // Table and column names are constants of this module, never input.
    const where = after === undefined
      ? ""
      : `WHERE (${keys}) > (${keyColumns.map((_, i) => `$${i + 1}`).join(", ")})`;
    const rows = await tx.unsafe<Row[]>(
      `SELECT ${columns} FROM ${table} ${where} ORDER BY ${keys} LIMIT ${PAGE}`,
      (after ?? []) as never[],
    );
    for (const row of rows) await write(JSON.stringify(toLine(row)));
    count += rows.length;
    if (rows.length < PAGE) return count;
    const last = rows[rows.length - 1]!;
    after = keyColumns.map((column) => last[column]);
  }
}
