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

/** Every checkpoint of a thread, in every namespace, oldest first. */
async function allTuples(saver: BaseCheckpointSaver, threadId: string) {
  const tuples: CheckpointTuple[] = [];
  for await (const tuple of saver.list({ configurable: { thread_id: threadId } })) {
    tuples.push(tuple);
  }
  return tuples.reverse();
}

/** The chain from `checkpointId` (or the head) back to the first checkpoint, newest first. */
async function chain(
  saver: BaseCheckpointSaver,
  threadId: string,
  checkpointId?: string,
): Promise<CheckpointTuple[]> {
  const found: CheckpointTuple[] = [];
  let config = {
    configurable: {
      thread_id: threadId,
      checkpoint_ns: "",
      ...(checkpointId === undefined ? {} : { checkpoint_id: checkpointId }),
    },
  };
  for (;;) {
    const tuple = await saver.getTuple(config);
    if (tuple === undefined) return found;
    found.push(tuple);
    const parentId = tuple.parentConfig?.configurable?.checkpoint_id;
    if (parentId === undefined) return found;
    config = { configurable: { thread_id: threadId, checkpoint_ns: "", checkpoint_id: parentId } };
  }
}

/** Writes `tuples` (oldest first) under `threadId`, with their pending writes. */
async function putAll(
  saver: BaseCheckpointSaver,
  threadId: string,
  tuples: CheckpointTuple[],
  writesOverride: Map<string, CheckpointPendingWrite[]> = new Map(),
): Promise<void> {
  for (const tuple of tuples) {
    const ns = (tuple.config.configurable?.checkpoint_ns as string | undefined) ?? "";
    const parentId = tuple.parentConfig?.configurable?.checkpoint_id as string | undefined;
    // Every channel counts as new, so savers that store only changed blobs store them all.
    await saver.put(
      {
        configurable: {
          thread_id: threadId,
          checkpoint_ns: ns,
          ...(parentId === undefined ? {} : { checkpoint_id: parentId }),
        },
      },
      tuple.checkpoint,
      tuple.metadata ?? { source: "fork", step: -1, parents: {} },
      tuple.checkpoint.channel_versions,
    );
    const writes = writesOverride.get(tuple.checkpoint.id) ?? tuple.pendingWrites ?? [];
    const byTask = new Map<string, [string, unknown][]>();
    for (const [taskId, channel, value] of writes) {
      byTask.set(taskId, [...(byTask.get(taskId) ?? []), [channel, value]]);
    }
    const target = {
      configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: tuple.checkpoint.id },
    };
    for (const [taskId, taskWrites] of byTask) await saver.putWrites(target, taskWrites, taskId);
  }
}

/** Copies every checkpoint of `from` to `to`. */
export async function copyCheckpoints(
  saver: BaseCheckpointSaver,
  from: string,
  to: string,
): Promise<void> {
  await putAll(saver, to, await allTuples(saver, from));
}

/**
 * Gives `to` the history of `from` up to `checkpointId`: the new thread's
 * head is that checkpoint. Returns false when `from` has no such checkpoint.
 */
export async function forkCheckpoints(
  saver: BaseCheckpointSaver,
  from: string,
  to: string,
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

/** Records the thread's head before a run. */
export async function rollbackPoint(
  saver: BaseCheckpointSaver,
  threadId: string,
): Promise<RollbackPoint> {
  const head = await saver.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: "" } });
  return { checkpointId: head?.checkpoint.id, writes: head?.pendingWrites ?? [] };
}

/**
 * Removes the checkpoints a run wrote (the head's chain back to the
 * rollback point) and restores the point's own pending writes, so the
 * thread is exactly as it was before the run. The run must have stopped.
 */
export async function rollbackTo(
  saver: BaseCheckpointSaver,
  threadId: string,
  point: RollbackPoint,
): Promise<void> {
  const dropped = new Set<string>();
  for (const tuple of await chain(saver, threadId)) {
    if (tuple.checkpoint.id === point.checkpointId) break;
    dropped.add(tuple.checkpoint.id);
  }
  const kept = (await allTuples(saver, threadId)).filter((t) => !dropped.has(t.checkpoint.id));
  await saver.deleteThread(threadId);
  const writes = new Map<string, CheckpointPendingWrite[]>();
  if (point.checkpointId !== undefined) writes.set(point.checkpointId, point.writes);
  await putAll(saver, threadId, kept, writes);
}
