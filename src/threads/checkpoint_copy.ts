/**
 * Copies and trims checkpoint histories through LangGraph's
 * `BaseCheckpointSaver` interface only (`list`, `getTuple`, `put`,
 * `putWrites`, `deleteThread`), so it works on any saver: copies for
 * `copyThread`, forks for time travel, and ROLLBACK's removal of a run's
 * checkpoints.
 *
 * @module
 */
import type {
  BaseCheckpointSaver,
  CheckpointPendingWrite,
  CheckpointTuple,
} from "@langchain/langgraph-checkpoint";
import { threadConfig, type ThreadKey } from "./thread_config.ts";

/** Every checkpoint of a thread, in every namespace, oldest first. */
async function allTuples(saver: BaseCheckpointSaver, thread: ThreadKey) {
  const tuples: CheckpointTuple[] = [];
  for await (const tuple of saver.list(threadConfig(thread))) {
    tuples.push(tuple);
  }
  return tuples.reverse();
}

/** The chain from `checkpointId` (or the head) back to the first checkpoint, newest first. */
async function chain(
  saver: BaseCheckpointSaver,
  thread: ThreadKey,
  checkpointId?: string,
): Promise<CheckpointTuple[]> {
  const found: CheckpointTuple[] = [];
  let config = threadConfig(thread, { checkpointNs: "", checkpointId });
  for (;;) {
    const tuple = await saver.getTuple(config);
    if (tuple === undefined) return found;
    found.push(tuple);
    const parentId = tuple.parentConfig?.configurable?.checkpoint_id as string | undefined;
    if (parentId === undefined) return found;
    config = threadConfig(thread, { checkpointNs: "", checkpointId: parentId });
  }
}

/** Writes `tuples` (oldest first) under `threadId`, with their pending writes. */
async function putAll(
  saver: BaseCheckpointSaver,
  thread: ThreadKey,
  tuples: CheckpointTuple[],
  writesOverride: Map<string, CheckpointPendingWrite[]> = new Map(),
): Promise<void> {
  for (const tuple of tuples) {
    const ns = (tuple.config.configurable?.checkpoint_ns as string | undefined) ?? "";
    const parentId = tuple.parentConfig?.configurable?.checkpoint_id as string | undefined;
    // Every channel counts as new, so savers that store only changed blobs store them all.
    await saver.put(
      threadConfig(thread, { checkpointNs: ns, checkpointId: parentId }),
      tuple.checkpoint,
      tuple.metadata ?? { source: "fork", step: -1, parents: {} },
      tuple.checkpoint.channel_versions,
    );
    const writes = writesOverride.get(tuple.checkpoint.id) ?? tuple.pendingWrites ?? [];
    const byTask = new Map<string, [string, unknown][]>();
    for (const [taskId, channel, value] of writes) {
      byTask.set(taskId, [...(byTask.get(taskId) ?? []), [channel, value]]);
    }
    const target = threadConfig(thread, { checkpointNs: ns, checkpointId: tuple.checkpoint.id });
    for (const [taskId, taskWrites] of byTask) await saver.putWrites(target, taskWrites, taskId);
  }
}

/**
 * Copies every checkpoint of `from` to `to`: in one statement when the saver
 * can (the Postgres checkpointer's `copyThread`), else tuple by tuple.
 */
export async function copyCheckpoints(
  saver: BaseCheckpointSaver,
  from: ThreadKey,
  to: ThreadKey,
): Promise<void> {
  if (isCopier(saver)) {
    return await saver.copyThread(from.id, to.id, {
      fromOwnerId: from.ownerId,
      ownerId: to.ownerId,
    });
  }
  await putAll(saver, to, await allTuples(saver, from));
}

/** A saver that copies a thread's rows itself. */
interface ThreadCopier {
  copyThread(
    from: string,
    to: string,
    options: { fromOwnerId: string; ownerId: string },
  ): Promise<void>;
}

function isCopier(saver: BaseCheckpointSaver): saver is BaseCheckpointSaver & ThreadCopier {
  return typeof (saver as Partial<ThreadCopier>).copyThread === "function";
}

/**
 * Gives `to` the history of `from` up to `checkpointId`: the new thread's
 * head is that checkpoint. Returns false when `from` has no such checkpoint.
 */
export async function forkCheckpoints(
  saver: BaseCheckpointSaver,
  from: ThreadKey,
  to: ThreadKey,
  checkpointId: string,
): Promise<boolean> {
  const tuples = await chain(saver, from, checkpointId);
  if (tuples[0]?.checkpoint.id !== checkpointId) return false;
  await putAll(saver, to, tuples.reverse());
  return true;
}

/** The head checkpoint's id and pending writes, taken before a run so it can be undone. */
export interface RollbackPoint {
  checkpointId: string | undefined;
  writes: CheckpointPendingWrite[];
}

/**
 * Records the thread's head before a run. With `handOver`, a saver that can
 * (the Postgres one) keeps the head for the graph's own first read of it,
 * which follows at once (see `PostgresCheckpointer.prime`).
 */
export async function rollbackPoint(
  saver: BaseCheckpointSaver,
  thread: ThreadKey,
  options: { handOver?: boolean } = {},
): Promise<RollbackPoint> {
  const head = await saver.getTuple(threadConfig(thread, { checkpointNs: "" }));
  if (options.handOver && isPrimable(saver)) saver.prime(thread, head);
  // A copy: the graph adds its new writes to the head's list.
  return { checkpointId: head?.checkpoint.id, writes: [...(head?.pendingWrites ?? [])] };
}

/** A saver that keeps a head it was given for its next read (PostgresCheckpointer). */
interface Primable {
  prime(thread: ThreadKey, tuple: CheckpointTuple | undefined): void;
}

function isPrimable(saver: BaseCheckpointSaver): saver is BaseCheckpointSaver & Primable {
  return typeof (saver as Partial<Primable>).prime === "function";
}

/**
 * Removes the checkpoints a run wrote (the head's chain back to the
 * rollback point) and restores the point's own pending writes, so the
 * thread is exactly as it was before the run. The run must have stopped.
 * The Postgres checkpointer does it in one transaction
 * (`deleteCheckpointsAfter`); other savers get a read-delete-rewrite.
 */
export async function rollbackTo(
  saver: BaseCheckpointSaver,
  thread: ThreadKey,
  point: RollbackPoint,
): Promise<void> {
  if (isTrimmer(saver)) {
    return await saver.deleteCheckpointsAfter(
      thread.id,
      thread.ownerId,
      point.checkpointId,
      point.writes,
    );
  }
  // Any other saver: rewrite the history without the run's checkpoints.
  const dropped = new Set<string>();
  for (const tuple of await chain(saver, thread)) {
    if (tuple.checkpoint.id === point.checkpointId) break;
    dropped.add(tuple.checkpoint.id);
  }
  const kept = (await allTuples(saver, thread)).filter((t) => !dropped.has(t.checkpoint.id));
  await saver.deleteThread(thread.id);
  const writes = new Map<string, CheckpointPendingWrite[]>();
  if (point.checkpointId !== undefined) writes.set(point.checkpointId, point.writes);
  await putAll(saver, thread, kept, writes);
}

/** A saver that removes a thread's newer checkpoints itself, atomically. */
interface CheckpointTrimmer {
  deleteCheckpointsAfter(
    threadId: string,
    ownerId: string,
    checkpointId: string | undefined,
    pendingWrites: CheckpointPendingWrite[],
  ): Promise<void>;
}

function isTrimmer(saver: BaseCheckpointSaver): saver is BaseCheckpointSaver & CheckpointTrimmer {
  return typeof (saver as Partial<CheckpointTrimmer>).deleteCheckpointsAfter === "function";
}
