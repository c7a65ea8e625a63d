/**
 * Background reflection after runs, with the semantics of LangMem's
 * `ReflectionExecutor`: work is scheduled per thread and debounced — a new
 * submission for a thread replaces the one still waiting and restarts its
 * delay, so a burst of messages is reflected on once. Work for one thread
 * never runs concurrently; different threads run independently. Failures
 * are logged and never reach the run that scheduled them.
 *
 * @example
 * ```ts
 * const reflection = createMemoryReflection({ memory, model, delayMs: 30_000 });
 * // after each run:
 * reflection.schedule(threadId, { userId, messages, namespace: ["profile"] });
 * // at shutdown:
 * await reflection.close();
 * ```
 * @module
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Logger } from "../../observability/logger.ts";
import { createMemoryManager } from "./manager.ts";
import type { MemoryChange } from "./proposals.ts";
import type { MemoryService } from "../service.ts";

/** Options for {@linkcode ReflectionScheduler}. */
export interface ReflectionSchedulerOptions<T> {
  /** The work, given the thread and its latest payload. */
  run(threadId: string, payload: T): Promise<unknown>;
  /** Default wait after the last submission before the work starts. */
  delayMs: number;
  logger?: Logger;
}

interface ThreadState<T> {
  timer?: ReturnType<typeof setTimeout>;
  payload?: T;
  /** The end of this thread's chain of runs. */
  tail: Promise<void>;
}

/** A debounced, per-thread scheduler of background work. */
export class ReflectionScheduler<T> {
  readonly #options: ReflectionSchedulerOptions<T>;
  readonly #threads = new Map<string, ThreadState<T>>();
  #closed = false;

  constructor(options: ReflectionSchedulerOptions<T>) {
    this.#options = options;
  }

  /** Threads with work waiting for its delay. */
  get pendingCount(): number {
    return [...this.#threads.values()].filter((s) => s.timer !== undefined).length;
  }

  /** Schedules `payload` for `threadId`, replacing whatever was still waiting. */
  schedule(threadId: string, payload: T, delayMs = this.#options.delayMs): void {
    if (this.#closed) throw new Error("The reflection scheduler is closed");
    const state = this.#state(threadId);
    if (state.timer !== undefined) clearTimeout(state.timer);
    state.payload = payload;
    state.timer = setTimeout(() => this.#start(threadId), delayMs);
    // A waiting reflection must not keep a stopping process alive.
    Deno.unrefTimer(state.timer);
  }

  /** Drops the waiting work of `threadId`; true when there was some. */
  cancel(threadId: string): boolean {
    const state = this.#threads.get(threadId);
    if (state?.timer === undefined) return false;
    clearTimeout(state.timer);
    state.timer = undefined;
    state.payload = undefined;
    return true;
  }

  /**
   * Drops the waiting work of `threadId` and resolves once its running work
   * (if any) has ended. A run calls it before it starts, so reflection never
   * overlaps the thread's runs; the run's own end schedules a fresh one.
   */
  async idle(threadId: string): Promise<void> {
    this.cancel(threadId);
    await this.#threads.get(threadId)?.tail;
  }

  /** Starts waiting work now (one thread, or all) and waits until it has run. */
  async flush(threadId?: string): Promise<void> {
    const ids = threadId === undefined ? [...this.#threads.keys()] : [threadId];
    for (const id of ids) if (this.#threads.get(id)?.timer !== undefined) this.#start(id);
    await Promise.all(ids.map((id) => this.#threads.get(id)?.tail));
  }

  /** Stops accepting work, drops what is waiting (or runs it, with `flush`), waits for running work. */
  async close(options: { flush?: boolean } = {}): Promise<void> {
    this.#closed = true;
    if (options.flush) await this.flush();
    for (const id of this.#threads.keys()) this.cancel(id);
    await Promise.all([...this.#threads.values()].map((s) => s.tail));
  }

  #state(threadId: string): ThreadState<T> {
    let state = this.#threads.get(threadId);
    if (state === undefined) this.#threads.set(threadId, state = { tail: Promise.resolve() });
    return state;
  }

  #start(threadId: string): void {
    const state = this.#state(threadId);
    if (state.timer !== undefined) clearTimeout(state.timer);
    state.timer = undefined;
    const payload = state.payload as T;
    state.payload = undefined;
    const tail = state.tail.then(() => this.#options.run(threadId, payload)).then(
      () => {},
      (error) =>
        this.#options.logger?.warn("memory_reflection_failed", {
          event: "memory_reflection_failed",
          thread_id: threadId,
          error,
        }),
    ).finally(() => {
      // Forget an idle thread, so the map holds only threads with work.
      if (state.tail === tail && state.timer === undefined) this.#threads.delete(threadId);
    });
    state.tail = tail;
  }
}

/** What a run hands to reflection. */
export interface ReflectionPayload {
  userId: string;
  messages: BaseMessage[];
  namespace: string[];
}

/** Options for {@linkcode createMemoryReflection}. */
export interface MemoryReflectionOptions {
  memory: MemoryService;
  /** The extraction model; absent for the offline extractor. */
  model?: BaseChatModel | undefined;
  delayMs: number;
  logger?: Logger;
  /** Called with each reflection's changes (logs, events, tests). */
  onChanges?(threadId: string, changes: MemoryChange[]): void;
}

/** A scheduler that runs the memory manager over each thread's latest messages. */
export function createMemoryReflection(
  options: MemoryReflectionOptions,
): ReflectionScheduler<ReflectionPayload> {
  const { memory } = options;
  return new ReflectionScheduler<ReflectionPayload>({
    delayMs: options.delayMs,
    ...(options.logger !== undefined && { logger: options.logger }),
    async run(threadId, { userId, messages, namespace }) {
      const manager = createMemoryManager({ store: memory.forOwner(userId), model: options.model });
      try {
        const changes = await manager.extractMemories(messages, namespace);
        memory.context.metrics.operation("extract", namespace, "success");
        options.onChanges?.(threadId, changes);
      } catch (error) {
        memory.context.metrics.operation("extract", namespace, "error");
        throw error;
      }
    },
  });
}
