/**
 * Turns checkpoint rows back into LangGraph's `CheckpointTuple`, and
 * metadata into the JSON that `list` filters on.
 *
 * @module
 */
import type { Sql } from "postgres";
import {
  type ChannelVersions,
  type Checkpoint,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  maxChannelVersion,
  type SerializerProtocol,
  TASKS,
} from "@langchain/langgraph-checkpoint";
import { type CheckpointRow, selectChannelWrites, unpackBlobs } from "./checkpoint_query.ts";
import type { BlobInsert, CheckpointInsert } from "./checkpoint_store.ts";

/** Decodes one row of `selectCheckpoints`. */
export async function decodeTuple(
  serde: SerializerProtocol,
  sql: Sql,
  row: CheckpointRow,
  /** Extra configurable keys for the returned configs (the caller's owner_id). */
  extra: Record<string, string> = {},
): Promise<CheckpointTuple> {
  const [stored, channelValues, metadata, pendingWrites] = await Promise.all([
    serde.loadsTyped(row.type, bytes(row.checkpoint)) as Promise<
      Omit<Checkpoint, "channel_values">
    >,
    decodeBlobs(serde, row),
    serde.loadsTyped("json", row.metadata) as Promise<CheckpointMetadata>,
    decodeWrites(serde, row),
  ]);
  const checkpoint: Checkpoint = { ...stored, channel_values: channelValues };
  const key = { ...extra, thread_id: row.thread_id, checkpoint_ns: row.checkpoint_ns };
  if (checkpoint.v < 4 && row.parent_checkpoint_id !== null) {
    await migratePendingSends(serde, sql, checkpoint, row, row.parent_checkpoint_id);
  }
  const tuple: CheckpointTuple = {
    config: { configurable: { ...key, checkpoint_id: row.checkpoint_id } },
    checkpoint,
    metadata,
    pendingWrites,
  };
  if (row.parent_checkpoint_id !== null) {
    tuple.parentConfig = { configurable: { ...key, checkpoint_id: row.parent_checkpoint_id } };
  }
  return tuple;
}

/** A checkpoint encoded for {@linkcode insertCheckpoint}, without its keys. */
export interface EncodedCheckpoint {
  row: Pick<CheckpointInsert, "type" | "checkpoint" | "channelVersions" | "metadata">;
  blobs: BlobInsert[];
}

/**
 * Encodes a checkpoint without its values, its metadata, and the values of
 * the channels in `newVersions` (a channel without a value is stored as
 * `empty`, a cleared channel).
 */
export async function encodeCheckpoint(
  serde: SerializerProtocol,
  checkpoint: Checkpoint,
  metadata: CheckpointMetadata,
  newVersions: ChannelVersions,
): Promise<EncodedCheckpoint> {
  const { channel_values: values, ...rest } = checkpoint;
  const [[type, bytes], metadataJson, blobs] = await Promise.all([
    serde.dumpsTyped(rest),
    encodeMetadata(serde, metadata),
    Promise.all(
      Object.entries(newVersions).map(async ([channel, version]) => {
        const value = (values as Record<string, unknown>)[channel];
        const [type, blob] = value === undefined ? ["empty", null] : await serde.dumpsTyped(value);
        return { channel, version: String(version), type, blob };
      }),
    ),
  ]);
  return {
    row: {
      type,
      checkpoint: bytes,
      channelVersions: JSON.stringify(checkpoint.channel_versions),
      metadata: metadataJson,
    },
    blobs,
  };
}

/**
 * The metadata as JSON text for the jsonb column. jsonb cannot hold U+0000,
 * so escaped NULs are dropped (as LangGraph's own Postgres saver does).
 */
export async function encodeMetadata(
  serde: SerializerProtocol,
  metadata: CheckpointMetadata,
): Promise<string> {
  const [type, data] = await serde.dumpsTyped(metadata);
  if (type !== "json") {
    throw new Error(
      `The checkpoint serializer encoded metadata as "${type}"; it must encode plain ` +
        "objects as JSON, because metadata is stored as jsonb for list() filters.",
    );
  }
  const text = typeof data === "string" ? data : new TextDecoder().decode(data);
  // An odd run of backslashes before u0000 is an escape; an even run is text.
  return text.replace(
    /(\\+)u0000/g,
    (match, slashes: string) => slashes.length % 2 === 1 ? slashes.slice(1) : match,
  );
}

async function decodeBlobs(
  serde: SerializerProtocol,
  row: CheckpointRow,
): Promise<Record<string, unknown>> {
  const channels = row.blob_channels ?? [];
  const values = await Promise.all(
    unpackBlobs(row.blob_values).map((blob, i) => serde.loadsTyped(row.blob_types![i]!, blob)),
  );
  return Object.fromEntries(channels.map((channel, i) => [channel, values[i]]));
}

function decodeWrites(
  serde: SerializerProtocol,
  row: CheckpointRow,
): Promise<CheckpointPendingWrite[]> {
  const values = unpackBlobs(row.write_values);
  return Promise.all((row.write_task_ids ?? []).map(async (taskId, i) =>
    [
      taskId,
      row.write_channels![i]!,
      await serde.loadsTyped(row.write_types![i]!, values[i]!),
    ] as CheckpointPendingWrite
  ));
}

/**
 * Checkpoints before format 4 kept the sends of a step as writes to TASKS on
 * their parent; format 4 expects them in the TASKS channel.
 */
async function migratePendingSends(
  serde: SerializerProtocol,
  sql: Sql,
  checkpoint: Checkpoint,
  row: CheckpointRow,
  parentId: string,
): Promise<void> {
  const writes = await selectChannelWrites(sql, {
    ownerId: row.owner_id,
    threadId: row.thread_id,
    checkpointNs: row.checkpoint_ns,
    checkpointId: parentId,
  }, TASKS);
  const sends = await Promise.all(writes.map((w) => serde.loadsTyped(w.type, bytes(w.blob))));
  const versions = Object.values(checkpoint.channel_versions);
  checkpoint.channel_values[TASKS] = sends;
  checkpoint.channel_versions[TASKS] = versions.length > 0 ? maxChannelVersion(...versions) : 1;
}

/** A plain Uint8Array view of a postgres.js Buffer (no copy). */
function bytes(value: Uint8Array): Uint8Array {
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}
