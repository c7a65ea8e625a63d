/**
 * SQL for single memories: read, write (keeping the previous version),
 * close (into history) and history. Every statement names the owner, so no
 * namespace or key a client sends can reach another user's rows.
 *
 * @module
 */
import {
  type ItemRow,
  type MemoryRecord,
  type MemoryVersion,
  toRecord,
  type VersionChange,
} from "./records.ts";
import type { Queryable } from "../../db/sql.ts";
import { vectorLiteral } from "../../db/pgvector.ts";

/** One write, already checked and embedded. */
export interface ItemWrite {
  namespace: string[];
  key: string;
  value: Record<string, unknown>;
  /** The embedded text; absent when the item is not indexed. */
  text?: string | undefined;
  vector?: number[] | undefined;
  ttlSeconds?: number | null | undefined;
  /** Keep an existing item's expiry instead of applying `ttlSeconds` (merges). */
  keepExpiry?: boolean | undefined;
  /** How the previous value is closed in history: `updated`, or `contradicted` by this one. */
  closeAs?: "updated" | "contradicted" | undefined;
}

/** The live item, or `null` when it is absent or expired. */
export async function selectItem(
  sql: Queryable,
  owner: string,
  namespace: string[],
  key: string,
): Promise<MemoryRecord | null> {
  const [row] = await sql<ItemRow[]>`
    SELECT namespace, key, value, created_at, updated_at, expires_at, version, valid_from
    FROM memory_items
    WHERE owner_id = ${owner} AND namespace = ${namespace}::text[] AND key = ${key}
      AND (expires_at IS NULL OR expires_at > now())`;
  return row === undefined ? null : toRecord(row);
}

/**
 * Inserts or updates an item; call it inside a transaction, which holds the
 * key's lock until commit. A changed value first copies the previous one
 * into `memory_versions` (closed now, change `updated`); an expired row is
 * replaced as a new memory. Versions keep counting across deletes, so a
 * re-created key never collides with its own history.
 */
export async function upsertItem(
  sql: Queryable,
  owner: string,
  write: ItemWrite,
): Promise<{ record: MemoryRecord; inserted: boolean }> {
  const value = JSON.stringify(write.value);
  const vector = write.vector === undefined ? null : vectorLiteral(write.vector);
  const ttl = write.ttlSeconds ?? null;
  // Writers of one key take turns, so each sees the version the last one wrote
  // (a lock on the row would miss keys that do not exist yet). The statement
  // below then reads the previous version from its snapshot: a FOR UPDATE in
  // it would skip the row its own upsert changes.
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${
    JSON.stringify([owner, write.namespace, write.key])
  }, 0))`;
  const [row] = await sql<(ItemRow & { inserted: boolean })[]>`
    WITH prev AS (
      SELECT * FROM memory_items
      WHERE owner_id = ${owner} AND namespace = ${write.namespace}::text[] AND key = ${write.key}
    ), closed AS (
      INSERT INTO memory_versions (owner_id, namespace, key, version, value, valid_from, valid_to, change)
      SELECT owner_id, namespace, key, version, value, valid_from, now(), ${
    write.closeAs ?? "updated"
  }
      FROM prev
      WHERE (expires_at IS NULL OR expires_at > now()) AND value IS DISTINCT FROM ${value}::text::jsonb
      RETURNING 1
    )
    INSERT INTO memory_items AS m
      (owner_id, namespace, key, value, text, embedding, expires_at, version)
    VALUES (
      ${owner}, ${write.namespace}::text[], ${write.key}, ${value}::text::jsonb, ${
    write.text ?? null
  },
      ${vector}::vector, now() + ${ttl}::integer * interval '1 second',
      coalesce((
        SELECT max(version) FROM memory_versions
        WHERE owner_id = ${owner} AND namespace = ${write.namespace}::text[] AND key = ${write.key}
      ), 0) + 1
    )
    ON CONFLICT (owner_id, namespace, key) DO UPDATE SET
      value = EXCLUDED.value,
      text = EXCLUDED.text,
      embedding = EXCLUDED.embedding,
      expires_at = CASE WHEN ${write.keepExpiry ?? false}::boolean THEN m.expires_at
        ELSE EXCLUDED.expires_at END,
      updated_at = now(),
      version = CASE WHEN m.value IS DISTINCT FROM EXCLUDED.value OR m.expires_at <= now()
        THEN m.version + 1 ELSE m.version END,
      valid_from = CASE WHEN m.value IS DISTINCT FROM EXCLUDED.value OR m.expires_at <= now()
        THEN now() ELSE m.valid_from END,
      created_at = CASE WHEN m.expires_at <= now() THEN now() ELSE m.created_at END
    RETURNING namespace, key, value, created_at, updated_at, expires_at, version, valid_from,
      (xmax = 0) AS inserted`;
  return { record: toRecord(row!), inserted: row!.inserted };
}

/**
 * Removes live items and keeps each one's last value in history as
 * `change`. Returns the keys that were live (expired rows are dropped
 * without a history entry: expiry is forgetting).
 */
export async function closeItems(
  sql: Queryable,
  owner: string,
  namespace: string[],
  keys: string[],
  change: VersionChange,
  supersededBy: string | null = null,
): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await sql<{ key: string }[]>`
    WITH gone AS (
      DELETE FROM memory_items
      WHERE owner_id = ${owner} AND namespace = ${namespace}::text[] AND key = ANY(${keys}::text[])
      RETURNING *
    )
    INSERT INTO memory_versions
      (owner_id, namespace, key, version, value, valid_from, valid_to, change, superseded_by)
    SELECT owner_id, namespace, key, version, value, valid_from, now(), ${change}, ${supersededBy}
    FROM gone WHERE expires_at IS NULL OR expires_at > now()
    RETURNING key`;
  return rows.map((row) => row.key);
}

/** Erases a key's history; returns how many versions were removed. */
export async function purgeHistory(
  sql: Queryable,
  owner: string,
  namespace: string[],
  key: string,
): Promise<number> {
  const rows = await sql`
    DELETE FROM memory_versions
    WHERE owner_id = ${owner} AND namespace = ${namespace}::text[] AND key = ${key}
    RETURNING 1`;
  return rows.length;
}

/** Every version of a key, newest first; the live one (if any) has `validTo` null. */
export async function selectHistory(
  sql: Queryable,
  owner: string,
  namespace: string[],
  key: string,
): Promise<MemoryVersion[]> {
  const rows = await sql<{
    version: number;
    value: Record<string, unknown>;
    valid_from: Date;
    valid_to: Date | null;
    change: VersionChange | null;
    superseded_by: string | null;
  }[]>`
    SELECT version, value, valid_from, NULL::timestamptz AS valid_to, NULL AS change,
      NULL AS superseded_by
    FROM memory_items
    WHERE owner_id = ${owner} AND namespace = ${namespace}::text[] AND key = ${key}
      AND (expires_at IS NULL OR expires_at > now())
    UNION ALL
    SELECT version, value, valid_from, valid_to, change, superseded_by
    FROM memory_versions
    WHERE owner_id = ${owner} AND namespace = ${namespace}::text[] AND key = ${key}
    ORDER BY version DESC`;
  return rows.map((row) => ({
    version: row.version,
    value: row.value,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    change: row.change,
    supersededBy: row.superseded_by,
  }));
}
