/**
 * Long-term memory in runs, when `ENABLE_MEMORY` is set: each run gets its
 * user's store as the graph's `store` (the `manage_memory` and
 * `search_memory` tools read it), and a successful run enqueues background
 * reflection on its thread as a durable `memory.reflect` job
 * (src/memories/extraction/reflection_job.ts), debounced per thread with
 * `ReflectionExecutor` semantics: the memory manager extracts memories from
 * the thread's latest messages into the user's `["memories"]` namespace once
 * the thread has been quiet for `MEMORY_REFLECTION_DELAY_MS`, on whichever
 * replica claims the job, exactly once.
 *
 * A run starting on the thread drops the waiting reflection and waits
 * (checking every 25 ms, up to the job lease) until no reflection of the
 * thread runs on any replica, so the two never overlap; that run's own
 * success enqueues a fresh one covering both. Reflection failures are
 * logged (`memory_reflection_failed`) and never reach a run.
 *
 * @example
 * ```ts
 * const hooks = createRunMemory({ memory, config, logger, jobs }); // before jobs.start()
 * const runs = createRunService({ ...deps, hooks });
 * // at shutdown, after the runs:
 * await hooks.close();
 * ```
 * @module
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Config } from "../config.ts";
import { createChatModel } from "../llm/chat_model.ts";
import type { Logger } from "../observability/logger.ts";
import type { JobQueue } from "../queue/jobs.ts";
import type { RunHooks } from "../core/run_hooks.ts";
import type { MemoryChange } from "./extraction/proposals.ts";
import {
  createReflectionHandler,
  REFLECT_KIND,
  reflectionKey,
  reflectPayload,
} from "./extraction/reflection_job.ts";
import type { MemoryService } from "./service.ts";
import { USER_MEMORY_NAMESPACE } from "./tools.ts";

/** Messages of a thread reflection reads: the latest ones, which hold what is new. */
const REFLECTED_MESSAGES = 40;

/** Options for {@linkcode createRunMemory}. */
export interface RunMemoryOptions {
  memory: MemoryService;
  config: Config;
  logger: Logger;
  /** The queue reflection runs on; the handler is registered here (before it starts). */
  jobs: JobQueue;
  /** The extraction model; default the configured chat model with a key, offline without. */
  model?: BaseChatModel | null;
  /** Called with each reflection's changes (tests, events). */
  onReflection?(threadId: string, changes: MemoryChange[]): void;
}

/** The run hooks, plus what the app and tests need. */
export interface RunMemory extends Required<RunHooks> {
  /** Runs waiting reflections now (on any replica) and waits for them (tests, demos). */
  flush(): Promise<void>;
  /** Waits for the enqueues still in flight; waiting reflections stay queued. */
  close(): Promise<void>;
}

/** Creates the hooks and registers the reflection job. */
export function createRunMemory(options: RunMemoryOptions): RunMemory {
  const { memory, config, jobs } = options;
  const logger = options.logger.child({ logger: "graphmind.memory.reflection" });
  const model = options.model === undefined
    ? (config.llm.apiKey === undefined
      ? undefined
      : createChatModel(config.llm, { temperature: 0 }))
    : options.model ?? undefined;
  jobs.register(
    REFLECT_KIND,
    createReflectionHandler({
      memory,
      model,
      logger,
      onChanges(threadId, changes) {
        logger.info("memory_reflection", {
          event: "memory_reflection",
          thread_id: threadId,
          mode: model === undefined ? "offline" : "model",
          created: changes.filter((c) => c.action === "created").length,
          updated: changes.filter((c) => c.action === "updated").length,
          deleted: changes.filter((c) => c.action === "deleted").length,
        });
        options.onReflection?.(threadId, changes);
      },
    }),
  );
  // Each thread's enqueues in order, so an older run's cannot land after a newer one's.
  const enqueues = new Map<string, Promise<void>>();
  const waitLimitMs = config.jobs.leaseSeconds * 1000;

  function enqueue(threadId: string, task: () => Promise<unknown>): void {
    const previous = enqueues.get(threadId) ?? Promise.resolve();
    const next = previous.then(task).then(
      () => {},
      (error) => logger.warn("could not enqueue memory reflection", { thread_id: threadId, error }),
    );
    enqueues.set(threadId, next);
    void next.finally(() => {
      if (enqueues.get(threadId) === next) enqueues.delete(threadId);
    });
  }

  return {
    storeFor: (userId) => memory.forOwner(userId),

    async beforeRun(threadId) {
      await enqueues.get(threadId);
      const key = reflectionKey(threadId);
      await jobs.cancel(key);
      if (!(await jobs.idle(key, waitLimitMs))) {
        logger.warn("a run starts while its thread's reflection still runs", {
          thread_id: threadId,
          waited_ms: waitLimitMs,
        });
      }
    },

    afterSuccess(run) {
      const messages = run.messages.slice(-REFLECTED_MESSAGES);
      if (!messages.some((m) => m.getType() === "human")) return;
      const payload = reflectPayload(
        run.threadId,
        run.userId,
        [...USER_MEMORY_NAMESPACE],
        messages,
      );
      enqueue(run.threadId, () =>
        jobs.enqueue(REFLECT_KIND, payload, {
          ownerId: run.userId,
          dedupeKey: reflectionKey(run.threadId),
          delayMs: config.memory.reflectionDelayMs,
          onConflict: "replace",
        }));
    },

    async flush() {
      await Promise.all(enqueues.values());
      await jobs.flush(REFLECT_KIND);
    },

    async close() {
      await Promise.all(enqueues.values());
    },
  };
}
