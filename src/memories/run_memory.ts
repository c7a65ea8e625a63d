/**
 * Long-term memory in runs, when `ENABLE_MEMORY` is set: each run gets its
 * user's store as the graph's `store` (the `manage_memory` and
 * `search_memory` tools read it), and a successful run schedules background
 * reflection on its thread, debounced per thread with `ReflectionExecutor`
 * semantics: the memory manager extracts memories from the thread's latest
 * messages into the user's `["memories"]` namespace once the thread has been
 * quiet for `MEMORY_REFLECTION_DELAY_MS`. A run starting on the thread drops
 * the waiting reflection and waits for a running one, so the two never
 * overlap; that run's own success schedules a fresh one. Reflection failures
 * are logged (`memory_reflection_failed`) and never reach a run.
 *
 * @example
 * ```ts
 * const hooks = createRunMemory({ memory, config, logger });
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
import type { RunHooks } from "../core/run_hooks.ts";
import type { MemoryChange } from "./extraction/proposals.ts";
import { createMemoryReflection } from "./extraction/reflection.ts";
import type { MemoryService } from "./service.ts";
import { USER_MEMORY_NAMESPACE } from "./tools.ts";

/** Messages of a thread reflection reads: the latest ones, which hold what is new. */
const REFLECTED_MESSAGES = 40;

/** Options for {@linkcode createRunMemory}. */
export interface RunMemoryOptions {
  memory: MemoryService;
  config: Config;
  logger: Logger;
  /** The extraction model; default the configured chat model with a key, offline without. */
  model?: BaseChatModel | null;
  /** Called with each reflection's changes (tests, events). */
  onReflection?(threadId: string, changes: MemoryChange[]): void;
}

/** The run hooks, plus what the app and tests need. */
export interface RunMemory extends Required<RunHooks> {
  /** Runs waiting reflections now and waits for them (tests, demos). */
  flush(): Promise<void>;
  /** Drops waiting reflections and waits for running ones. */
  close(): Promise<void>;
}

/** Creates the hooks. */
export function createRunMemory(options: RunMemoryOptions): RunMemory {
  const { memory, config } = options;
  const logger = options.logger.child({ logger: "graphmind.memory.reflection" });
  const model = options.model === undefined
    ? (config.llm.apiKey === undefined
      ? undefined
      : createChatModel(config.llm, { temperature: 0 }))
    : options.model ?? undefined;
  const reflection = createMemoryReflection({
    memory,
    model,
    delayMs: config.memory.reflectionDelayMs,
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
  });

  return {
    storeFor: (userId) => memory.forOwner(userId),
    beforeRun: (threadId) => reflection.idle(threadId),
    afterSuccess(run) {
      const messages = run.messages.slice(-REFLECTED_MESSAGES);
      if (!messages.some((m) => m.getType() === "human")) return;
      reflection.schedule(run.threadId, {
        userId: run.userId,
        messages,
        namespace: [...USER_MEMORY_NAMESPACE],
      });
    },
    flush: () => reflection.flush(),
    async close() {
      const dropped = reflection.pendingCount;
      await reflection.close();
      if (dropped > 0) logger.info("memory reflection closed", { dropped_threads: dropped });
    },
  };
}
