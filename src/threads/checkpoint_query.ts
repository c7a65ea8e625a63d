/**
 * Reads checkpoint tuples: one statement returns each checkpoint row with its
 * channel values (the blobs its `channel_versions` point at) and its pending
 * writes (in LangGraph's `writesSortKey` order), as parallel arrays.
 *
 * Names and types come as text arrays; the values come packed into one
 * bytea each (4-byte big-endian length, then the bytes, per value). A bytea
 * array would arrive as text that postgres.js parses character by
 * character, several times slower for the large `messages` blobs of a chat.
 *
 * @module
 */
import type { Sql } from "postgres";

/** One checkpoint as {@linkcode selectCheckpoints} returns it. */
export interface CheckpointRow {
  owner_id: string;
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
  parent_checkpoint_id: string | null;
  type: string;
  checkpoint: Uint8Array;
  /** The metadata as JSON text (jsonb::text). */
  metadata: string;
  blob_channels: string[] | null;
  blob_types: string[] | null;
  /** The blobs, packed (see {@linkcode unpackBlobs}). */
  blob_values: Uint8Array | null;
  write_task_ids: string[] | null;
  write_channels: string[] | null;
  write_types: string[] | null;
  /** The write values, packed (see {@linkcode unpackBlobs}). */
  write_values: Uint8Array | null;
}

/** A position in the newest-first order of {@linkcode selectCheckpoints}. */
export interface CheckpointCursor {
  checkpointId: string;
  threadId: string;
  checkpointNs: string;
  ownerId: string;
}

/** Filters of {@linkcode selectCheckpoints}; every one is optional. */
export interface CheckpointWhere {
  /** Only this owner's checkpoints (and their own blobs and writes). */
  ownerId?: string;
  threadId?: string;
  checkpointNs?: string;
  checkpointId?: string;
  /** Only checkpoints whose id sorts before this one. */
  beforeId?: string;
  /** JSON containment (`metadata @> filter`). */
  metadataFilter?: Record<string, unknown>;
  /** Keyset cursor: rows strictly after this one in the newest-first order. */
  after?: CheckpointCursor;
}

/**
 * Up to `limit` checkpoints matching `where`, newest first (by checkpoint id,
 * then the rest of the key, so the order is total and pages are stable).
 */
export function selectCheckpoints(
  sql: Sql,
  where: CheckpointWhere,
  limit: number,
): Promise<CheckpointRow[]> {
  const { ownerId, threadId, checkpointNs, checkpointId, beforeId, metadataFilter, after } = where;
  const byOwner = ownerId === undefined ? sql`` : sql`AND owner_id = ${ownerId}`;
  const byThread = threadId === undefined ? sql`` : sql`AND thread_id = ${threadId}`;
  const byNs = checkpointNs === undefined ? sql`` : sql`AND checkpoint_ns = ${checkpointNs}`;
  const byId = checkpointId === undefined ? sql`` : sql`AND checkpoint_id = ${checkpointId}`;
  const byBefore = beforeId === undefined ? sql`` : sql`AND checkpoint_id < ${beforeId}`;
  const byMetadata = metadataFilter === undefined || Object.keys(metadataFilter).length === 0
    ? sql``
    : sql`AND metadata @> ${JSON.stringify(metadataFilter)}::text::jsonb`;
  const byCursor = after === undefined ? sql`` : sql`
    AND (checkpoint_id, thread_id, checkpoint_ns, owner_id)
      < (${after.checkpointId}, ${after.threadId}, ${after.checkpointNs}, ${after.ownerId})`;
  // The checkpoints are picked (and limited) first, so the blob and write
  // lookups run only for the rows returned.
  return sql<CheckpointRow[]>`
    SELECT cp.owner_id, cp.thread_id, cp.checkpoint_ns, cp.checkpoint_id, cp.parent_checkpoint_id,
      cp.type, cp.checkpoint, cp.metadata::text AS metadata,
      b.blob_channels, b.blob_types, b.blob_values,
      w.write_task_ids, w.write_channels, w.write_types, w.write_values
    FROM (
      SELECT * FROM checkpoints
      WHERE true ${byOwner} ${byThread} ${byNs} ${byId} ${byBefore} ${byMetadata} ${byCursor}
      ORDER BY checkpoint_id DESC, thread_id DESC, checkpoint_ns DESC, owner_id DESC
      LIMIT ${limit}
    ) cp
    LEFT JOIN LATERAL (
      SELECT array_agg(bl.channel ORDER BY bl.channel) AS blob_channels,
        array_agg(bl.type ORDER BY bl.channel) AS blob_types,
        string_agg(int4send(length(bl.blob)) || bl.blob, ''::bytea ORDER BY bl.channel)
          AS blob_values
      FROM jsonb_each_text(cp.channel_versions) AS v(channel, version)
      JOIN checkpoint_blobs bl
        ON bl.thread_id = cp.thread_id AND bl.checkpoint_ns = cp.checkpoint_ns
        AND bl.channel = v.channel AND bl.version = v.version AND bl.owner_id = cp.owner_id
      WHERE bl.type <> 'empty'
    ) b ON true
    LEFT JOIN LATERAL (
      SELECT
        array_agg(cw.task_id ORDER BY cw.task_path, cw.task_id, cw.idx) AS write_task_ids,
        array_agg(cw.channel ORDER BY cw.task_path, cw.task_id, cw.idx) AS write_channels,
        array_agg(cw.type ORDER BY cw.task_path, cw.task_id, cw.idx) AS write_types,
        string_agg(int4send(length(cw.blob)) || cw.blob, ''::bytea
          ORDER BY cw.task_path, cw.task_id, cw.idx) AS write_values
      FROM checkpoint_writes cw
      WHERE cw.thread_id = cp.thread_id AND cw.checkpoint_ns = cp.checkpoint_ns
        AND cw.checkpoint_id = cp.checkpoint_id AND cw.owner_id = cp.owner_id
    ) w ON true
    ORDER BY cp.checkpoint_id DESC, cp.thread_id DESC, cp.checkpoint_ns DESC, cp.owner_id DESC`;
}

/** The writes to channel `channel` saved against one checkpoint, in sort-key order. */
export function selectChannelWrites(
  sql: Sql,
  key: { ownerId: string; threadId: string; checkpointNs: string; checkpointId: string },
  channel: string,
): Promise<{ type: string; blob: Uint8Array }[]> {
  return sql<{ type: string; blob: Uint8Array }[]>`
    SELECT type, blob FROM checkpoint_writes
    WHERE thread_id = ${key.threadId} AND checkpoint_ns = ${key.checkpointNs}
      AND checkpoint_id = ${key.checkpointId} AND channel = ${channel}
      AND owner_id = ${key.ownerId}
    ORDER BY task_path, task_id, idx`;
}

/** Splits a packed bytea (length-prefixed values) into copies of its values. */
export function unpackBlobs(packed: Uint8Array | null): Uint8Array[] {
  if (packed === null) return [];
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const values: Uint8Array[] = [];
  for (let at = 0; at < packed.byteLength;) {
    const length = view.getUint32(at);
    // A copy: the packed buffer may be a slice of a shared Buffer pool.
    values.push(new Uint8Array(packed.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  return values;
}
