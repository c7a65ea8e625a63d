/**
 * Threads: create, read (rows plus state from checkpoints), list, update,
 * delete, copy and fork. Every method takes the viewer and treats another
 * user's thread exactly like a missing one: NOT_FOUND.
 *
 * @example
 * ```ts
 * const threads = createThreadService({ sql, agents, checkpointer });
 * const thread = await threads.create(viewer, { title: "Trip" });
 * const state = await threads.state(thread);
 * ```
 * @module
 */
import type { Sql } from "postgres";
import type { PostgresCheckpointer } from "./checkpointer.ts";
import type { Viewer } from "../auth/mod.ts";
import { NotFoundError } from "../core/errors.ts";
import type { AgentRuntime } from "../agents/mod.ts";
import {
  type Connection,
  type ConnectionArgs,
  encodeCursor,
  readForwardPage,
  seqConnection,
  toConnection,
} from "../core/pagination.ts";
import { copyCheckpoints, forkCheckpoints } from "./checkpoint_copy.ts";
import { isUuid } from "../core/ids.ts";
import { readHistory, readState, type StateView } from "./state.ts";

/** What a checkpoint id looks like (LangGraph writes UUIDs), as a history cursor carries it. */
const CHECKPOINT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
import { createThreadStore, type ThreadFilter, type ThreadRecord } from "./store.ts";

/** `createThread`'s input, validated. */
export interface CreateThreadInput {
  agentId?: string | null | undefined;
  title?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
}

/** `updateThread`'s input, validated. */
export interface UpdateThreadInput {
  threadId: string;
  title?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
}

/** Called before a thread's rows and checkpoints go, e.g. to stop its runs. */
export type DeleteListener = (thread: ThreadRecord) => Promise<void>;

/** What {@linkcode createThreadService} needs. */
export interface ThreadServiceDeps {
  sql: Sql;
  agents: AgentRuntime;
  /** The app's saver: deletes go through its owner-scoped `deleteThreadOf`. */
  checkpointer: PostgresCheckpointer;
}

/** The error for a thread id the caller has no thread with (missing, or another user's). */
export function threadNotFound(id: string): NotFoundError {
  return new NotFoundError(
    `Thread "${id}" was not found; check the id, or list your threads with \`threads\`.`,
  );
}

/** Creates the thread service. */
export function createThreadService(deps: ThreadServiceDeps) {
  const store = createThreadStore(deps.sql);
  const states = new WeakMap<ThreadRecord, Promise<StateView>>();
  const deleteListeners: DeleteListener[] = [];

  async function get(viewer: Viewer, id: string): Promise<ThreadRecord> {
    const thread = isUuid(id) ? await store.find(viewer.id, id) : undefined;
    if (thread === undefined) throw threadNotFound(id);
    return thread;
  }

  async function create(viewer: Viewer, input: CreateThreadInput): Promise<ThreadRecord> {
    const agentId = input.agentId ?? deps.agents.defaultId;
    deps.agents.require(agentId);
    return await store.insert({
      ownerId: viewer.id,
      agentId,
      title: input.title ?? null,
      metadata: input.metadata ?? {},
    });
  }

  async function list(
    viewer: Viewer,
    args: ConnectionArgs & { filter?: ThreadFilter | null | undefined },
  ): Promise<Connection<ThreadRecord>> {
    return await seqConnection(
      "thread",
      args,
      (page) => store.list(viewer.id, args.filter ?? {}, page),
    );
  }

  async function update(viewer: Viewer, input: UpdateThreadInput): Promise<ThreadRecord> {
    await get(viewer, input.threadId);
    const updated = await store.update(viewer.id, input.threadId, {
      title: input.title,
      metadata: input.metadata ?? undefined,
    });
    if (updated === undefined) return await get(viewer, input.threadId);
    return updated;
  }

  async function remove(viewer: Viewer, threadId: string): Promise<string> {
    const thread = await get(viewer, threadId);
    for (const listener of deleteListeners) await listener(thread);
    await deps.checkpointer.deleteThreadOf(thread.id, thread.ownerId);
    await store.remove(viewer.id, thread.id);
    return thread.id;
  }

  async function copy(viewer: Viewer, threadId: string): Promise<ThreadRecord> {
    const source = await get(viewer, threadId);
    const created = await create(viewer, source);
    await copyCheckpoints(deps.checkpointer, source, created);
    return created;
  }

  async function fork(
    viewer: Viewer,
    input: { threadId: string; checkpointId: string },
  ): Promise<ThreadRecord> {
    const source = await get(viewer, input.threadId);
    const created = await create(viewer, {
      ...source,
      metadata: {
        ...source.metadata,
        forkedFrom: { threadId: source.id, checkpointId: input.checkpointId },
      },
    });
    const forked = await forkCheckpoints(
      deps.checkpointer,
      source,
      created,
      input.checkpointId,
    ).catch(async (error) => {
      await store.remove(viewer.id, created.id);
      throw error;
    });
    if (!forked) {
      await store.remove(viewer.id, created.id);
      throw new NotFoundError(
        `Checkpoint "${input.checkpointId}" was not found in thread "${source.id}"; ` +
          "take an id from the thread's history.",
      );
    }
    return created;
  }

  function graphOf(thread: ThreadRecord) {
    return (deps.agents.find(thread.agentId) ?? deps.agents.require(deps.agents.defaultId)).graph;
  }

  /** The thread's current state, read once per record (a record lives for one request). */
  function state(thread: ThreadRecord): Promise<StateView> {
    let cached = states.get(thread);
    if (cached === undefined) {
      cached = readState(graphOf(thread), thread);
      states.set(thread, cached);
    }
    return cached;
  }

  async function history(
    thread: ThreadRecord,
    args: ConnectionArgs,
  ): Promise<Connection<StateView>> {
    // A checkpoint id is a UUID; any other key would only page from nowhere.
    const page = readForwardPage("checkpoint", args, { keyPattern: CHECKPOINT_ID });
    const before = page.after;
    const views = await readHistory(graphOf(thread), thread, {
      limit: page.limit + 1,
      before,
    });
    return toConnection(
      views,
      page.limit,
      (v) => encodeCursor("checkpoint", v.checkpointId ?? ""),
      before !== undefined,
    );
  }

  return {
    store,
    get,
    create,
    list,
    update,
    remove,
    copy,
    fork,
    state,
    history,
    /** Runs `listener` before any thread is deleted. */
    onDelete(listener: DeleteListener): void {
      deleteListeners.push(listener);
    },
  };
}

/** The thread service. */
export type ThreadService = ReturnType<typeof createThreadService>;
