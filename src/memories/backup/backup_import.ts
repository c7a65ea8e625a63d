/**
 * Restores a backup, replacing every memory in the database, in one
 * transaction: either the whole file is restored or nothing changes. The
 * vector column is re-typed to the backup's dimension and the HNSW index is
 * rebuilt once after loading (faster than maintaining it row by row). The
 * backup's embedding model is recorded, so a start configured for another
 * model stops and asks for `deno task memory:reindex`.
 *
 * @example
 * ```ts
 * const counts = await importMemories(sql, ".data/backups/memories-2026-01-31.jsonl.gz");
 * ```
 * @module
 */
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  type BackupFooter,
  type BackupHeader,
  base64ToVector,
  readGzipLines,
} from "./backup_format.ts";
import { MEMORY_HNSW_DDL, MEMORY_HNSW_INDEX } from "../store/index_meta.ts";
import { MAX_INDEXED_DIMS } from "../../db/pgvector.ts";
import type { Queryable } from "../../db/sql.ts";
import type { Sql } from "postgres";

/** Thrown for files that are not complete memory backups. */
export class BackupFormatError extends Error {
  constructor(path: string, reason: string) {
    super(`Cannot restore "${path}": ${reason}.`);
    this.name = "BackupFormatError";
  }
}

const BATCH = 500;
type Line = Record<string, unknown> & { kind: string };
type Counts = Omit<BackupFooter, "kind">;

/** Replaces the store's contents with the backup at `path`; returns the counts. */
export async function importMemories(sql: Sql, path: string): Promise<Counts> {
  const lines = readGzipLines(path);
  const first = await lines.next();
  const header = parse(path, first.done ? "" : first.value) as unknown as BackupHeader;
  if (header.kind !== "header" || header.format !== BACKUP_FORMAT) {
    throw new BackupFormatError(path, "it does not start with a Graphmind memory backup header");
  }
  if (header.version !== BACKUP_VERSION) {
    throw new BackupFormatError(
      path,
      `its format version ${header.version} is not ${BACKUP_VERSION}`,
    );
  }
  const dims = Number(header.dims);
  if (!Number.isInteger(dims) || dims < 0 || dims > MAX_INDEXED_DIMS) {
    throw new BackupFormatError(path, `its dimension ${header.dims} is invalid`);
  }
  return await sql.begin(async (tx) => {
    await tx`LOCK TABLE memory_items, memory_versions, memory_usage, memory_namespaces IN EXCLUSIVE MODE`;
    await tx`TRUNCATE memory_usage, memory_versions, memory_items, memory_namespaces`;
    await tx.unsafe(`DROP INDEX IF EXISTS ${MEMORY_HNSW_INDEX}`);
    if (dims > 0) {
      await tx.unsafe(`ALTER TABLE memory_items ALTER COLUMN embedding TYPE vector(${dims})`);
      await tx`
        INSERT INTO memory_index (singleton, embedding_model, dims)
        VALUES (true, ${header.embeddingModel}, ${dims})
        ON CONFLICT (singleton) DO UPDATE SET
          embedding_model = EXCLUDED.embedding_model, dims = EXCLUDED.dims, updated_at = now()`;
    }
    const counts: Counts = { items: 0, usage: 0, versions: 0, namespaces: 0 };
    let footer: Line | undefined;
    let batch: Line[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await insert(tx, batch);
      batch = [];
    };
    for await (const text of lines) {
      if (footer !== undefined) throw new BackupFormatError(path, "it has lines after its footer");
      const line = parse(path, text);
      if (line.kind === "footer") {
        footer = line;
        continue;
      }
      if (!(line.kind in KIND_COUNTS)) {
        throw new BackupFormatError(path, `unknown line "${line.kind}"`);
      }
      counts[KIND_COUNTS[line.kind]!]++;
      // Kinds arrive grouped, items first: a batch never mixes them.
      if (batch.length > 0 && (batch[0]!.kind !== line.kind || batch.length >= BATCH)) {
        await flush();
      }
      batch.push(line);
    }
    await flush();
    if (footer === undefined) throw new BackupFormatError(path, "it is truncated (no footer)");
    for (const name of Object.keys(counts) as (keyof Counts)[]) {
      if (footer[name] !== counts[name]) {
        throw new BackupFormatError(
          path,
          `its footer says ${footer[name]} ${name}, found ${counts[name]}`,
        );
      }
    }
    if (dims > 0) {
      await tx.unsafe(MEMORY_HNSW_DDL);
    }
    return counts;
  });
}

const KIND_COUNTS: Record<string, keyof Counts> = {
  item: "items",
  usage: "usage",
  version: "versions",
  namespace: "namespaces",
};

function parse(path: string, text: string): Line {
  try {
    const line = JSON.parse(text);
    if (typeof line === "object" && line !== null && typeof line.kind === "string") return line;
  } catch {
    // Reported below.
  }
  throw new BackupFormatError(path, `a line is not a JSON record: ${text.slice(0, 60)}`);
}

async function insert(tx: Queryable, lines: Line[]): Promise<void> {
  const kind = lines[0]!.kind;
  const rows = kind === "item"
    ? lines.map((l) => ({
      ...l,
      embedding: l.embedding === null ? null : base64ToVector(l.embedding as string),
    }))
    : lines;
  const json = JSON.stringify(rows);
  switch (kind) {
    case "item":
      await tx`
        INSERT INTO memory_items (owner_id, namespace, key, value, text, embedding, version,
          valid_from, created_at, updated_at, expires_at)
        SELECT owner_id, namespace, key, value::jsonb, text, embedding::vector, version,
          valid_from::timestamptz, created_at::timestamptz, updated_at::timestamptz,
          expires_at::timestamptz
        FROM jsonb_to_recordset(${json}::text::jsonb) AS r(owner_id text, namespace text[], key text,
          value text, text text, embedding text, version int, valid_from text, created_at text,
          updated_at text, expires_at text)`;
      return;
    case "usage":
      await tx`
        INSERT INTO memory_usage (owner_id, namespace, key, access_count, last_accessed_at)
        SELECT owner_id, namespace, key, access_count, last_accessed_at::timestamptz
        FROM jsonb_to_recordset(${json}::text::jsonb) AS r(owner_id text, namespace text[], key text,
          access_count int, last_accessed_at text)`;
      return;
    case "version":
      await tx`
        INSERT INTO memory_versions (owner_id, namespace, key, version, value, valid_from,
          valid_to, change, superseded_by)
        SELECT owner_id, namespace, key, version, value::jsonb, valid_from::timestamptz,
          valid_to::timestamptz, change, superseded_by
        FROM jsonb_to_recordset(${json}::text::jsonb) AS r(owner_id text, namespace text[], key text,
          version int, value text, valid_from text, valid_to text, change text, superseded_by text)`;
      return;
    case "namespace":
      // Counts and sizes were rebuilt by the insert triggers; the rest comes from the file.
      await tx`
        INSERT INTO memory_namespaces AS n (owner_id, namespace, added_since_consolidation,
          last_consolidated_at)
        SELECT owner_id, namespace, added_since_consolidation, last_consolidated_at::timestamptz
        FROM jsonb_to_recordset(${json}::text::jsonb) AS r(owner_id text, namespace text[],
          added_since_consolidation int, last_consolidated_at text)
        ON CONFLICT (owner_id, namespace) DO UPDATE SET
          added_since_consolidation = EXCLUDED.added_since_consolidation,
          last_consolidated_at = EXCLUDED.last_consolidated_at`;
      return;
  }
}
