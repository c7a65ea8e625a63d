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
 * Rows carry their owner: `configurable.owner_id` (or the `ownerId` option)
 * stamps writes and scopes reads and deletes. With neither, every call
 * refuses: there is no unscoped access. The app's checkpointer has no
 * default owner (each run passes its user's); LangGraph's conformance suite
 * gives its saver one.
 *
 * @example
 * ```ts
 * import { StateGraph } from "@langchain/langgraph";
 * const checkpointer = createCheckpointer(db.sql);
 * const graph = new StateGraph(State).addNode(...).compile({ checkpointer });
 * await graph.invoke(input, { configurable: { thread_id: threadId, owner_id: viewer.id } });
 * await checkpointer.deleteThreadOf(threadId, viewer.id);
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
  type CheckpointPendingWrite,
  type CheckpointTuple,
  getCheckpointId,
  type PendingWrite,
  type SerializerProtocol,
  WRITES_IDX_MAP,
} from "@langchain/langgraph-checkpoint";
import {
  type CheckpointCursor,
  type CheckpointRow,
  selectCheckpoints,
} from "./checkpoint_query.ts";
import { decodeTuple, encodeCheckpoint } from "./checkpoint_codec.ts";
import {
  optional,
  ownerKeys,
  requireOwnerId,
  requireThreadId,
  threadIdOf,
} from "./checkpoint_config.ts";
import { nextChannelVersion } from "./channel_version.ts";
import {
  copyThreadRows,
  deleteThreadRows,
  insertCheckpoint,
  insertWrites,
  rollbackThreadRows,
  type WriteInsert,
} from "./checkpoint_store.ts";

/** Rows fetched per page by `list`, so a long history never loads at once. */
const LIST_PAGE_SIZE = 100;

/** How long a primed head waits for the graph's read (see {@linkcode PostgresCheckpointer.prime}). */
const PRIMED_MS = 1000;

/** Options of {@linkcode createCheckpointer}. */
export interface CheckpointerOptions {
  /** How values are encoded. Default LangGraph's JsonPlusSerializer. */
  serde?: SerializerProtocol;
  /**
   * `false` commits checkpoint writes without waiting for the WAL flush
   * (see checkpoint_store.ts): a database server crash may lose the last
   * moments of checkpoints, never corrupt them. Default `true`: the
   * server's own `synchronous_commit`.
   */
  synchronousCommit?: boolean;
  /**
   * The owner for calls whose config has no `configurable.owner_id`. A run
   * passes its user's id as `configurable.owner_id`; LangGraph hands every
   * configurable key to the saver, so one checkpointer serves every user.
   */
  ownerId?: string;
}

/** A LangGraph checkpoint saver on Postgres. Build it with {@linkcode createCheckpointer}. */
export class PostgresCheckpointer extends BaseCheckpointSaver {
  readonly #sql: Sql;
  readonly #relaxed: boolean;
  readonly #ownerId: string | undefined;
  readonly #primed = new Map<string, { tuple: CheckpointTuple | undefined; at: number }>();

  constructor(sql: Sql, options: CheckpointerOptions = {}) {
    super(options.serde);
    this.#sql = sql;
    this.#relaxed = options.synchronousCommit === false;
    this.#ownerId = options.ownerId;
  }

  /**
   * The checkpoint `config` names, or the thread's latest in its namespace.
   * Refuses without an owner (`configurable.owner_id` or the instance's
   * `ownerId`), so a call path that forgets one fails instead of reading
   * every user's checkpoints.
   */
  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const ownerId = requireOwnerId(config, this.#ownerId, "read a checkpoint");
    const threadId = threadIdOf(config);
    if (threadId === undefined) return undefined;
    if (!getCheckpointId(config) && (config.configurable?.checkpoint_ns ?? "") === "") {
      const primed = this.#primed.get(primedKey(ownerId, threadId));
      if (primed !== undefined) {
        this.#forget(ownerId, threadId);
        if (performance.now() - primed.at < PRIMED_MS) return primed.tuple;
      }
    }
    const [row] = await selectCheckpoints(this.#sql, {
      ownerId,
      threadId,
      checkpointNs: config.configurable?.checkpoint_ns ?? "",
      ...optional("checkpointId", getCheckpointId(config) || undefined),
    }, 1);
    return row === undefined ? undefined : await this.#decode(row, config);
  }

  /**
   * Hands `tuple`, the thread's head just read by a run about to start (its
   * rollback point), to the next read of that head, once: the graph's own
   * first read, a moment later. A run then reads its thread's head once,
   * not twice, before its first token. Only one run at a time runs on a
   * thread, and any write to the thread here drops the primed head; an
   * unread one lapses after {@linkcode PRIMED_MS}. The graph may change the
   * tuple's arrays: the caller keeps copies of what it needs.
   */
  prime(thread: { id: string; ownerId: string }, tuple: CheckpointTuple | undefined): void {
    const now = performance.now();
    for (const [key, entry] of this.#primed) {
      if (now - entry.at >= PRIMED_MS) this.#primed.delete(key);
    }
    this.#primed.set(primedKey(thread.ownerId, thread.id), { tuple, at: now });
  }

  /**
   * One owner's checkpoints (like every read, it refuses without an owner),
   * newest first, filtered by the thread, namespace and checkpoint
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
      ownerId: requireOwnerId(config, this.#ownerId, "list checkpoints"),
      ...optional("threadId", threadIdOf(config)),
      ...optional("checkpointNs", config.configurable?.checkpoint_ns ?? undefined),
      ...optional("checkpointId", config.configurable?.checkpoint_id || undefined),
      ...optional("beforeId", before?.configurable?.checkpoint_id || undefined),
      ...optional("metadataFilter", filter),
    };
    let after: CheckpointCursor | undefined;
    while (remaining > 0) {
      const pageSize = Math.min(remaining, LIST_PAGE_SIZE);
      const rows = await selectCheckpoints(
        this.#sql,
        { ...where, ...optional("after", after) },
        pageSize,
      );
      for (const row of rows) yield await this.#decode(row, config);
      const last = rows.at(-1);
      if (rows.length < pageSize || last === undefined) return;
      remaining -= rows.length;
      after = {
        checkpointId: last.checkpoint_id,
        threadId: last.thread_id,
        checkpointNs: last.checkpoint_ns,
        ownerId: last.owner_id,
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
    const ownerId = requireOwnerId(config, this.#ownerId, "save a checkpoint");
    const checkpointNs: string = config.configurable?.checkpoint_ns ?? "";
    const parentId = getCheckpointId(config) || null;
    this.#forget(ownerId, threadId);
    const encoded = await encodeCheckpoint(this.serde, checkpoint, metadata, newVersions);
    await insertCheckpoint(
      this.#sql,
      { ...encoded.row, ownerId, threadId, checkpointNs, checkpointId: checkpoint.id, parentId },
      encoded.blobs,
      this.#relaxed,
    );
    return {
      configurable: {
        ...ownerKeys(config),
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
    const ownerId = requireOwnerId(config, this.#ownerId, "save pending writes");
    const checkpointId = config.configurable?.checkpoint_id;
    if (!checkpointId) {
      throw new Error(
        "Cannot save pending writes: config.configurable.checkpoint_id is missing. " +
          "Pass the config that put() returned.",
      );
    }
    if (writes.length === 0) return;
    this.#forget(ownerId, threadId);
    const checkpointNs: string = config.configurable?.checkpoint_ns ?? "";
    const dumped = await Promise.all(writes.map(([, value]) => this.serde.dumpsTyped(value)));
    // One statement cannot touch a row twice: the last special write wins.
    const byIdx = new Map<number, WriteInsert>();
    writes.forEach(([channel], index) => {
      const idx = WRITES_IDX_MAP[channel] ?? index;
      const [type, blob] = dumped[index]!;
      byIdx.set(idx, { taskId, idx, channel, type, blob, taskPath });
    });
    await insertWrites(
      this.#sql,
      { ownerId, threadId, checkpointNs, checkpointId },
      [...byIdx.values()],
      this.#relaxed,
    );
  }

  /**
   * Deletes every checkpoint, blob and write of the thread, in every
   * namespace, owned by the instance's `ownerId` (LangGraph's signature has
   * no config); refuses on an instance without one. The app, whose
   * checkpointer serves every user, calls {@linkcode deleteThreadOf}.
   */
  async deleteThread(threadId: string): Promise<void> {
    const ownerId = requireOwnerId({}, this.#ownerId, "delete a thread");
    this.#forget(ownerId, threadId);
    await deleteThreadRows(this.#sql, threadId, ownerId);
  }

  /** Deletes `ownerId`'s thread (every namespace); other owners' rows stay. */
  async deleteThreadOf(threadId: string, ownerId: string): Promise<void> {
    this.#forget(ownerId, threadId);
    await deleteThreadRows(this.#sql, threadId, ownerId);
  }

  /**
   * Copies a thread's whole history (checkpoints, blobs and writes, every
   * namespace) to `targetThreadId`, in one statement. Only the rows of
   * `fromOwnerId` (default: the instance's `ownerId`; refuses without one)
   * are copied, owned by `ownerId` (default: the source owner). The target
   * must have no checkpoints yet.
   */
  async copyThread(
    sourceThreadId: string,
    targetThreadId: string,
    options: { fromOwnerId?: string; ownerId?: string } = {},
  ): Promise<void> {
    const fromOwnerId = options.fromOwnerId ??
      requireOwnerId({}, this.#ownerId, "copy a thread");
    this.#forget(options.ownerId ?? fromOwnerId, targetThreadId);
    await copyThreadRows(
      this.#sql,
      { threadId: sourceThreadId, ownerId: fromOwnerId },
      { threadId: targetThreadId, ownerId: options.ownerId ?? fromOwnerId },
    );
  }

  /**
   * Removes, in one transaction, every checkpoint of `ownerId`'s thread
   * newer than `checkpointId` (every namespace; all of them when it is
   * undefined), with their writes and the blobs nothing older references,
   * and makes `pendingWrites` the point's pending writes again. ROLLBACK
   * uses it: a crash leaves the thread either as it was or rolled back.
   */
  async deleteCheckpointsAfter(
    threadId: string,
    ownerId: string,
    checkpointId: string | undefined,
    pendingWrites: CheckpointPendingWrite[] = [],
  ): Promise<void> {
    this.#forget(ownerId, threadId);
    const dumped = await Promise.all(
      pendingWrites.map(([, , value]) => this.serde.dumpsTyped(value)),
    );
    const perTask = new Map<string, number>();
    const byKey = new Map<string, WriteInsert>();
    pendingWrites.forEach(([taskId, channel], index) => {
      // The index each write had in its task's putWrites call.
      const position = perTask.get(taskId) ?? 0;
      perTask.set(taskId, position + 1);
      const idx = WRITES_IDX_MAP[channel] ?? position;
      const [type, blob] = dumped[index]!;
      byKey.set(`${taskId}\u0000${idx}`, { taskId, idx, channel, type, blob, taskPath: "" });
    });
    await rollbackThreadRows(
      this.#sql,
      { threadId, ownerId },
      checkpointId,
      [...byKey.values()],
    );
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

  /** Drops the thread's primed head: the thread is being written. */
  #forget(ownerId: string, threadId: string): void {
    this.#primed.delete(primedKey(ownerId, threadId));
  }

  #decode(row: CheckpointRow, config: RunnableConfig): Promise<CheckpointTuple> {
    return decodeTuple(this.serde, this.#sql, row, ownerKeys(config));
  }
}

/** The key of a thread's primed head. */
function primedKey(ownerId: string, threadId: string): string {
  return `${ownerId}\u0000${threadId}`;
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
export function createCheckpointer(
  sql: Sql,
  options: CheckpointerOptions = {},
): PostgresCheckpointer {
  return new PostgresCheckpointer(sql, options);
}
