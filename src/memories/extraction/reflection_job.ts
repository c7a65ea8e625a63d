/**
 * Reflection as a durable job (`memory.reflect`), so it runs exactly once
 * across replicas and survives a restart: a successful run enqueues one per
 * thread, keyed `memory.reflect:<threadId>` and delayed by
 * `MEMORY_REFLECTION_DELAY_MS`; a later run's enqueue while it still waits
 * replaces its messages and restarts the delay (LangMem's
 * `ReflectionExecutor` debounce). The job runs the memory manager over the
 * thread's latest messages, which travel in its payload as LangChain's
 * stored-message JSON.
 *
 * Idempotence: a re-run after its worker died extracts from the same
 * messages again; the manager is shown the related memories the first try
 * may already have written and updates them rather than adding new ones
 * (the offline extractor skips statements already stored). A failing
 * model is not retried: the failure is logged (`memory_reflection_failed`)
 * and the thread's next successful run schedules a fresh reflection.
 *
 * @module
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import {
  type BaseMessage,
  mapChatMessagesToStoredMessages,
  mapStoredMessagesToChatMessages,
  type StoredMessage,
} from "@langchain/core/messages";
import type { Logger } from "../../observability/logger.ts";
import type { JobHandler } from "../../queue/jobs.ts";
import type { MemoryService } from "../service.ts";
import { createMemoryManager } from "./manager.ts";
import type { MemoryChange } from "./proposals.ts";

/** The job's kind. */
export const REFLECT_KIND = "memory.reflect";

/** The dedupe key of a thread's reflection. */
export function reflectionKey(threadId: string): string {
  return `${REFLECT_KIND}:${threadId}`;
}

/** The job's payload. */
export interface ReflectPayload {
  threadId: string;
  userId: string;
  namespace: string[];
  messages: StoredMessage[];
}

/** Builds a payload from a run's messages. */
export function reflectPayload(
  threadId: string,
  userId: string,
  namespace: string[],
  messages: BaseMessage[],
): ReflectPayload {
  return { threadId, userId, namespace, messages: mapChatMessagesToStoredMessages(messages) };
}

/** What the handler needs. */
export interface ReflectionJobOptions {
  memory: MemoryService;
  /** The extraction model; absent for the offline extractor. */
  model?: BaseChatModel | undefined;
  logger: Logger;
  /** Called with each reflection's changes (logs, events, tests). */
  onChanges?(threadId: string, changes: MemoryChange[]): void;
}

/** The handler the run hooks register for {@linkcode REFLECT_KIND}. */
export function createReflectionHandler(options: ReflectionJobOptions): JobHandler<ReflectPayload> {
  const { memory, logger } = options;
  return {
    maxAttempts: 3,
    // Only a dead worker's reflection is tried again; a model's refusal is logged once.
    retryable: () => false,
    async run(job) {
      const { threadId, userId, namespace } = job.payload;
      const messages = mapStoredMessagesToChatMessages(job.payload.messages);
      const manager = createMemoryManager({ store: memory.forOwner(userId), model: options.model });
      try {
        const changes = await manager.extractMemories(messages, namespace);
        memory.context.metrics.operation("extract", namespace, "success");
        options.onChanges?.(threadId, changes);
      } catch (error) {
        memory.context.metrics.operation("extract", namespace, "error");
        logger.warn("memory_reflection_failed", {
          event: "memory_reflection_failed",
          thread_id: threadId,
          job_id: job.id,
          error,
        });
        throw error;
      }
    },
  };
}
