/**
 * The write side of the checkpoint tables: each function is one statement.
 *
 * With `relaxed`, the statement turns off `synchronous_commit` for its own
 * transaction (set_config(..., true) inside the statement, so no extra round
 * trip and the session keeps its setting). The commit then returns before
 * the WAL reaches disk: a crash of the database server can lose the last
 * fraction of a second of checkpoints, never corrupt them. A crash of the
 * app loses nothing. On a disk that takes ~4 ms per fsync this turns a
 * super-step's two commits from ~10 ms into ~1 ms (bench/checkpointer.ts).
 *
 * @module
 */
import type { Sql } from "postgres";

/** A checkpoint row as {@linkcode insertCheckpoint} writes it. */
export interface CheckpointInsert {
  ownerId: string;
  threadId: string;
  checkpointNs: string;
  checkpointId: string;
  parentId: string | null;
  type: string;
  checkpoint: Uint8Array;
  /** JSON text. */
  channelVersions: string;
  /** JSON text. */
  metadata: string;
}

/** One channel value; `type` `empty` and a null blob mark a cleared channel. */
export interface BlobInsert {
  channel: string;
  version: string;
  type: string;
  blob: Uint8Array | null;
}

/** One pending write. */
export interface WriteInsert {
  taskId: string;
  idx: number;
  channel: string;
  type: string;
  blob: Uint8Array;
  taskPath: string;
}

/**
 * postgres.js types value lists as strings and numbers only; bytea and null
 * values work at runtime (they are sent as typed parameters).
 */
function valueList(sql: Sql, rows: unknown[][]) {
  return sql(rows as unknown as string[][]);
}

function relaxedCommit(sql: Sql, relaxed: boolean) {
  return relaxed ? sql`, (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed` : sql``;
}

/**
 * Inserts (or replaces) a checkpoint and the blobs of its changed channels.
 * Blobs are immutable per (channel, version): versions are unique per write
 * (channel_version.ts), so an existing row already holds the same value.
 */
export function insertCheckpoint(
  sql: Sql,
  row: CheckpointInsert,
  blobs: BlobInsert[],
  relaxed: boolean,
): Promise<unknown> {
  const blobRows = blobs.map((b) => [
    row.ownerId,
    row.threadId,
    row.checkpointNs,
    b.channel,
    b.version,
    b.type,
    b.blob,
  ]);
  const withBlobs = blobs.length === 0 ? sql`` : sql`
    WITH blobs AS (
      INSERT INTO checkpoint_blobs (owner_id, thread_id, checkpoint_ns, channel, version, type,
        blob)
      VALUES ${valueList(sql, blobRows)}
      ON CONFLICT DO NOTHING)`;
  return sql`
    ${withBlobs}
    INSERT INTO checkpoints (owner_id, thread_id, checkpoint_ns, checkpoint_id,
      parent_checkpoint_id, type, checkpoint, channel_versions, metadata)
    SELECT ${row.ownerId}::text, ${row.threadId}::text, ${row.checkpointNs}::text, ${row.checkpointId}::text,
      ${row.parentId}::text, ${row.type}::text, ${row.checkpoint}::bytea,
      ${row.channelVersions}::text::jsonb, ${row.metadata}::text::jsonb
    FROM (SELECT 1) AS one ${relaxedCommit(sql, relaxed)}
    ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id, owner_id) DO UPDATE SET
      type = EXCLUDED.type, checkpoint = EXCLUDED.checkpoint,
      channel_versions = EXCLUDED.channel_versions, metadata = EXCLUDED.metadata`;
}

/**
 * Inserts a task's writes against one checkpoint. A regular write keeps the
 * first value stored (a retried task cannot change what the step recorded);
 * a special write (negative idx: error, interrupt, resume, scheduled) is
 * replaced by the latest.
 */
export function insertWrites(
  sql: Sql,
  key: { ownerId: string; threadId: string; checkpointNs: string; checkpointId: string },
  writes: WriteInsert[],
  relaxed: boolean,
): Promise<unknown> {
  const values = writes.map((w) => [w.taskId, w.idx, w.channel, w.type, w.blob, w.taskPath]);
  return sql`
    INSERT INTO checkpoint_writes (owner_id, thread_id, checkpoint_ns, checkpoint_id, task_id,
      idx, channel, type, blob, task_path)
    SELECT ${key.ownerId}::text, ${key.threadId}::text, ${key.checkpointNs}::text, ${key.checkpointId}::text,
      w.task_id, w.idx::int, w.channel, w.type, w.blob::bytea, w.task_path
    FROM (VALUES ${valueList(sql, values)}) AS w(task_id, idx, channel, type, blob, task_path)
      ${relaxedCommit(sql, relaxed)}
    ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, owner_id) DO UPDATE SET
      channel = EXCLUDED.channel, type = EXCLUDED.type, blob = EXCLUDED.blob,
      task_path = EXCLUDED.task_path
    WHERE checkpoint_writes.idx < 0`;
}

/** Deletes every row of one owner's thread, in every namespace. */
export function deleteThreadRows(sql: Sql, threadId: string, ownerId: string): Promise<unknown> {
  return sql`
    WITH writes AS (
      DELETE FROM checkpoint_writes WHERE thread_id = ${threadId} AND owner_id = ${ownerId}
    ), blobs AS (
      DELETE FROM checkpoint_blobs WHERE thread_id = ${threadId} AND owner_id = ${ownerId}
    )
    DELETE FROM checkpoints WHERE thread_id = ${threadId} AND owner_id = ${ownerId}`;
}

/**
 * Copies every row of `sourceOwnerId`'s thread `source` to `target`
 * (metadata.thread_id follows), owned by `ownerId`. Another owner's rows
 * under the same thread id are never read.
 */
export function copyThreadRows(
  sql: Sql,
  source: { threadId: string; ownerId: string },
  target: { threadId: string; ownerId: string },
): Promise<unknown> {
  const owner = sql`${target.ownerId}::text`;
  const from = sql`thread_id = ${source.threadId} AND owner_id = ${source.ownerId}`;
  return sql`
    WITH checkpoint_copy AS (
      INSERT INTO checkpoints (owner_id, thread_id, checkpoint_ns, checkpoint_id,
        parent_checkpoint_id, type, checkpoint, channel_versions, metadata)
      SELECT ${owner}, ${target.threadId}, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint,
        channel_versions,
        CASE WHEN metadata ? 'thread_id'
          THEN jsonb_set(metadata, '{thread_id}', to_jsonb(${target.threadId}::text)) ELSE metadata END
      FROM checkpoints WHERE ${from}
    ), blob_copy AS (
      INSERT INTO checkpoint_blobs (owner_id, thread_id, checkpoint_ns, channel, version, type,
        blob)
      SELECT ${owner}, ${target.threadId}, checkpoint_ns, channel, version, type, blob
      FROM checkpoint_blobs WHERE ${from}
    )
    INSERT INTO checkpoint_writes (owner_id, thread_id, checkpoint_ns, checkpoint_id, task_id,
      idx, channel, type, blob, task_path)
    SELECT ${owner}, ${target.threadId}, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, blob, task_path
    FROM checkpoint_writes WHERE ${from}`;
}

/**
 * Undoes what happened on one owner's thread after checkpoint `checkpointId`
 * (undefined: the thread had none), in one transaction: deletes the
 * checkpoints whose id sorts after it (ids are uuid6, so id order is time
 * order; every namespace), their writes, and the blobs only they referenced;
 * then replaces the writes pending on the point itself with `pointWrites`.
 * The work is proportional to what is removed, not to the history.
 */
export async function rollbackThreadRows(
  sql: Sql,
  key: { threadId: string; ownerId: string },
  checkpointId: string | undefined,
  pointWrites: WriteInsert[],
): Promise<void> {
  const { threadId, ownerId } = key;
  if (checkpointId === undefined) return void await deleteThreadRows(sql, threadId, ownerId);
  // A fresh fragment per use: postgres.js fragments belong to one query.
  const thread = () => sql`thread_id = ${threadId} AND owner_id = ${ownerId}`;
  const values = pointWrites.map((w) => [w.taskId, w.idx, w.channel, w.type, w.blob, w.taskPath]);
  await sql.begin(async (tx) => {
    // One statement: every part sees the rows as they were before it.
    await tx`
      WITH doomed AS (
        DELETE FROM checkpoints WHERE ${thread()} AND checkpoint_id > ${checkpointId}
        RETURNING checkpoint_ns, channel_versions
      ), writes AS (
        DELETE FROM checkpoint_writes WHERE ${thread()} AND checkpoint_id > ${checkpointId}
      )
      DELETE FROM checkpoint_blobs b
      USING (
        SELECT DISTINCT d.checkpoint_ns, v.channel, v.version
        FROM doomed d, jsonb_each_text(d.channel_versions) AS v(channel, version)
      ) dv
      WHERE b.thread_id = ${threadId} AND b.owner_id = ${ownerId}
        AND b.checkpoint_ns = dv.checkpoint_ns AND b.channel = dv.channel
        AND b.version = dv.version
        AND NOT EXISTS (
          SELECT 1 FROM checkpoints k
          WHERE k.thread_id = ${threadId} AND k.owner_id = ${ownerId}
            AND k.checkpoint_ns = b.checkpoint_ns AND k.checkpoint_id <= ${checkpointId}
            AND k.channel_versions ->> b.channel = b.version)`;
    await tx`
      DELETE FROM checkpoint_writes
      WHERE ${thread()} AND checkpoint_ns = '' AND checkpoint_id = ${checkpointId}`;
    if (values.length === 0) return;
    await tx`
      INSERT INTO checkpoint_writes (owner_id, thread_id, checkpoint_ns, checkpoint_id, task_id,
        idx, channel, type, blob, task_path)
      SELECT ${ownerId}::text, ${threadId}::text, '', ${checkpointId}::text,
        w.task_id, w.idx::int, w.channel, w.type, w.blob::bytea, w.task_path
      FROM (VALUES ${valueList(tx as unknown as Sql, values)})
        AS w(task_id, idx, channel, type, blob, task_path)`;
  });
}
