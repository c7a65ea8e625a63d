/**
 * LangGraph's checkpointer on the app's postgres.js pool (tables from
 * migration 0010). Every operation is one SQL statement, so it is atomic on
 * its own and never holds PGlite's single session across an await:
 *
 * - `put` writes the checkpoint and the blobs of the channels that changed
 *   (`newVersions`) in one statement; unchanged channels keep pointing at the
 *   blobs of earlier checkpoints.
 * - `putWrites` writes a task's pending writes in one statement, so a run
 *   that crashes mid-step resumes without redoing the finished tasks.
 * - `getTuple` and `list` read a checkpoint with its values and pending
 *   writes in one statement (see checkpoint_query.ts).
 *
 * @example
 * ```ts
 * import { StateGraph } from "@langchain/langgraph";
 * const checkpointer = createCheckpointer(db.sql);
 * const graph = new StateGraph(State).addNode(...).compile({ checkpointer });
 * await graph.invoke(input, { configurable: { thread_id: threadId } });
 * await checkpointer.deleteThread(threadId);
 * ```
 * @module
 */
import type { Sql } from "postgres";
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  getCheckpointId,
  type PendingWrite,
  type SerializerProtocol,
  WRITES_IDX_MAP,
} from "@langchain/langgraph-checkpoint";
import { type CheckpointRow, selectCheckpoints } from "./checkpoint_query.ts";
import { decodeTuple, encodeMetadata } from "./checkpoint_codec.ts";
import { nextChannelVersion } from "./channel_version.ts";

/** Rows fetched per page by `list`, so a long history never loads at once. */
const LIST_PAGE_SIZE = 100;

/** A LangGraph checkpoint saver on Postgres. Build it with {@linkcode createCheckpointer}. */
export class PostgresCheckpointer extends BaseCheckpointSaver {
  readonly #sql: Sql;

  constructor(sql: Sql, serde?: SerializerProtocol) {
    super(serde);
    this.#sql = sql;
  }

  /** The checkpoint `config` names, or the thread's latest in its namespace. */
  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = threadIdOf(config);
    if (threadId === undefined) return undefined;
    const [row] = await selectCheckpoints(this.#sql, {
      threadId,
      checkpointNs: config.configurable?.checkpoint_ns ?? "",
      ...optional("checkpointId", getCheckpointId(config) || undefined),
    }, 1);
    return row === undefined ? undefined : await this.#decode(row);
  }

  /**
   * Checkpoints newest first, filtered by the thread, namespace and checkpoint
   * id in `config` (each optional) and by `before`, `filter` (metadata
   * containment) and `limit`.
   */
  async *list(
    config: RunnableConfig,
    options: CheckpointListOptions = {},
  ): AsyncGenerator<CheckpointTuple> {
    const { before, filter } = options;
    let remaining = options.limit ?? Infinity;
    const where = {
      ...optional("threadId", threadIdOf(config)),
      ...optional("checkpointNs", config.configurable?.checkpoint_ns ?? undefined),
      ...optional("checkpointId", config.configurable?.checkpoint_id || undefined),
      ...optional("beforeId", before?.configurable?.checkpoint_id || undefined),
      ...optional("metadataFilter", filter),
    };
    let after: { checkpointId: string; threadId: string; checkpointNs: string } | undefined;
    while (remaining > 0) {
      const pageSize = Math.min(remaining, LIST_PAGE_SIZE);
      const rows = await selectCheckpoints(
        this.#sql,
        { ...where, ...optional("after", after) },
        pageSize,
      );
      for (const row of rows) yield await this.#decode(row);
      const last = rows.at(-1);
      if (rows.length < pageSize || last === undefined) return;
      remaining -= rows.length;
      after = {
        checkpointId: last.checkpoint_id,
        threadId: last.thread_id,
        checkpointNs: last.checkpoint_ns,
      };
    }
  }

  /**
   * Saves a checkpoint whose parent is `config`'s checkpoint id, with the
   * values of the channels in `newVersions`, in one statement.
   */
  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const threadId = requireThreadId(config, "save a checkpoint");
    const checkpointNs: string = config.configurable?.checkpoint_ns ?? "";
    const parentId = getCheckpointId(config) || null;
    const { channel_values: values, ...rest } = checkpoint;
    const [[type, bytes], metadataJson, blobs] = await Promise.all([
      this.serde.dumpsTyped(rest),
      encodeMetadata(this.serde, metadata),
      Promise.all(
        Object.entries(newVersions).map(async ([channel, version]) => {
          const value = (values as Record<string, unknown>)[channel];
          const [type, blob] = value === undefined
            ? ["empty", null]
            : await this.serde.dumpsTyped(value);
          return {
            thread_id: threadId,
            checkpoint_ns: checkpointNs,
            channel,
            version: String(version),
            type,
            blob,
          };
        }),
      ),
    ]);
    const sql = this.#sql;
    // Blobs are immutable per (channel, version): versions are unique per
    // write (see channel_version.ts), so an existing row is the same value.
    const withBlobs = blobs.length === 0 ? sql`` : sql`
      WITH blobs AS (INSERT INTO checkpoint_blobs ${sql(blobs)} ON CONFLICT DO NOTHING)`;
    await sql`
      ${withBlobs}
      INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id,
        type, checkpoint, channel_versions, metadata)
      VALUES (${threadId}, ${checkpointNs}, ${checkpoint.id}, ${parentId}, ${type}, ${bytes},
        ${JSON.stringify(checkpoint.channel_versions)}::text::jsonb, ${metadataJson}::text::jsonb)
      ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id) DO UPDATE SET
        type = EXCLUDED.type, checkpoint = EXCLUDED.checkpoint,
        channel_versions = EXCLUDED.channel_versions, metadata = EXCLUDED.metadata`;
    return {
      configurable: {
        thread_id: threadId,
        checkpoint_ns: checkpointNs,
        checkpoint_id: checkpoint.id,
      },
    };
  }

  /**
   * Saves a task's writes against `config`'s checkpoint in one statement.
   * A regular write is kept the first time (a retried task cannot change what
   * the step already recorded); a special write (error, interrupt, resume,
   * scheduled) is replaced by the latest.
   */
  async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath = "",
  ): Promise<void> {
    const threadId = requireThreadId(config, "save pending writes");
    const checkpointId = config.configurable?.checkpoint_id;
    if (!checkpointId) {
      throw new Error(
        "Cannot save pending writes: config.configurable.checkpoint_id is missing. " +
          "Pass the config that put() returned.",
      );
    }
    if (writes.length === 0) return;
    const checkpointNs: string = config.configurable?.checkpoint_ns ?? "";
    const rows = new Map<number, Record<string, unknown>>();
    const dumped = await Promise.all(writes.map(([, value]) => this.serde.dumpsTyped(value)));
    writes.forEach(([channel, _], index) => {
      const idx = WRITES_IDX_MAP[channel] ?? index;
      const [type, blob] = dumped[index]!;
      // A statement cannot touch a row twice: the last special write wins.
      rows.set(idx, {
        thread_id: threadId,
        checkpoint_ns: checkpointNs,
        checkpoint_id: checkpointId,
        task_id: taskId,
        idx,
        channel,
        type,
        blob,
        task_path: taskPath,
      });
    });
    const sql = this.#sql;
    await sql`
      INSERT INTO checkpoint_writes ${sql([...rows.values()])}
      ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id, task_id, idx) DO UPDATE SET
        channel = EXCLUDED.channel, type = EXCLUDED.type, blob = EXCLUDED.blob,
        task_path = EXCLUDED.task_path
      WHERE checkpoint_writes.idx < 0`;
  }

  /** Deletes every checkpoint, blob and write of the thread, in every namespace. */
  async deleteThread(threadId: string): Promise<void> {
    await this.#sql`
      WITH writes AS (DELETE FROM checkpoint_writes WHERE thread_id = ${threadId}),
        blobs AS (DELETE FROM checkpoint_blobs WHERE thread_id = ${threadId})
      DELETE FROM checkpoints WHERE thread_id = ${threadId}`;
  }

  /**
   * Copies a thread's whole history (checkpoints, blobs and writes, every
   * namespace) to `targetThreadId`, in one statement. The target must have
   * no checkpoints yet.
   */
  async copyThread(sourceThreadId: string, targetThreadId: string): Promise<void> {
    const [source, target] = [sourceThreadId, targetThreadId];
    await this.#sql`
      WITH checkpoint_copy AS (
        INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id,
          type, checkpoint, channel_versions, metadata)
        SELECT ${target}, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint,
          channel_versions,
          CASE WHEN metadata ? 'thread_id'
            THEN jsonb_set(metadata, '{thread_id}', to_jsonb(${target}::text)) ELSE metadata END
        FROM checkpoints WHERE thread_id = ${source}
      ), blob_copy AS (
        INSERT INTO checkpoint_blobs (thread_id, checkpoint_ns, channel, version, type, blob)
        SELECT ${target}, checkpoint_ns, channel, version, type, blob
        FROM checkpoint_blobs WHERE thread_id = ${source}
      )
      INSERT INTO checkpoint_writes (thread_id, checkpoint_ns, checkpoint_id, task_id, idx,
        channel, type, blob, task_path)
      SELECT ${target}, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, blob, task_path
      FROM checkpoint_writes WHERE thread_id = ${source}`;
  }

  /**
   * Returns a new, unique version: `<32-digit counter>.<16 random digits>`,
   * the format LangGraph's Python savers use. The random part matters: two
   * branches of one thread (a fork from an old checkpoint, a rolled-back run)
   * reach the same counter with different values, and blobs are keyed by
   * version. LangGraph compares versions with `>` and
   * `compareChannelVersions`, which order these strings correctly, also
   * against plain integer versions from older checkpoints.
   */
  override getNextVersion(current: number | undefined): number {
    // The base class types versions as numbers; LangGraph handles strings.
    return nextChannelVersion(current) as unknown as number;
  }

  #decode(row: CheckpointRow): Promise<CheckpointTuple> {
    return decodeTuple(this.serde, this.#sql, row);
  }
}

/**
 * The app's checkpointer on its pool (migrations must have run).
 *
 * @example
 * ```ts
 * const checkpointer = createCheckpointer(db.sql);
 * const tuple = await checkpointer.getTuple({ configurable: { thread_id: "t1" } });
 * ```
 */
export function createCheckpointer(sql: Sql, serde?: SerializerProtocol): PostgresCheckpointer {
  return new PostgresCheckpointer(sql, serde);
}

function threadIdOf(config: RunnableConfig): string | undefined {
  const id: unknown = config.configurable?.thread_id;
  return id === undefined || id === null || id === "" ? undefined : String(id);
}

function requireThreadId(config: RunnableConfig, action: string): string {
  const id = threadIdOf(config);
  if (id === undefined) {
    throw new Error(
      `Cannot ${action}: config.configurable.thread_id is missing. ` +
        "Invoke the graph with { configurable: { thread_id } }.",
    );
  }
  return id;
}

/** `{ [key]: value }`, or `{}` when the value is undefined (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
