/**
 * The LangGraph config that names a thread's checkpoints: the thread, its
 * owner (the Postgres checkpointer stamps writes with `owner_id` and scopes
 * reads to it) and optionally a namespace and checkpoint. Every graph call,
 * state read and saver call of the app builds its config here, so none can
 * forget the owner.
 *
 * @example
 * ```ts
 * await graph.getState(threadConfig({ id: thread.id, ownerId: viewer.id }));
 * ```
 * @module
 */

/** A thread as the checkpointer sees it. */
export interface ThreadKey {
  id: string;
  ownerId: string;
}

/** `{ configurable: { thread_id, owner_id, checkpoint_ns?, checkpoint_id?, ...extra } }`. */
export function threadConfig(
  thread: ThreadKey,
  options: { checkpointNs?: string; checkpointId?: string | undefined } = {},
  extra: Record<string, unknown> = {},
): { configurable: Record<string, unknown> & { thread_id: string; owner_id: string } } {
  return {
    configurable: {
      ...extra,
      thread_id: thread.id,
      owner_id: thread.ownerId,
      ...(options.checkpointNs === undefined ? {} : { checkpoint_ns: options.checkpointNs }),
      ...(options.checkpointId === undefined ? {} : { checkpoint_id: options.checkpointId }),
    },
  };
}
