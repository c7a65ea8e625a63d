/**
 * What the memory store's parts share: the pool, settings, embedder, cache
 * layer, metrics, logger, the merger used by consolidation, and a tracker
 * for work that outlives a request (access counts, consolidations), so a
 * shutdown can wait for it.
 *
 * @module
 */
import type { Sql } from "postgres";
import type { Config } from "../config.ts";
import type { EmbeddingProvider } from "../llm/embeddings.ts";
import type { Logger } from "../observability/logger.ts";
import type { MemoryMerger } from "./jobs/merger.ts";
import type { MemoryMetrics } from "./metrics.ts";
import type { ResultCache } from "./store/result_cache.ts";
import type { AccessRecorder } from "./store/usage.ts";
import type { JobQueue } from "../queue/jobs.ts";

/** Work started by a request that the reply does not wait for. */
export interface BackgroundTasks {
  /** Runs `task` now; failures are logged, never thrown. Same `id` while running: skipped. */
  run(name: string, task: () => Promise<unknown>, id?: string): void;
  /** Waits until nothing runs. */
  drain(): Promise<void>;
}

/** The shared parts. */
export interface MemoryContext {
  sql: Sql;
  settings: Config["memory"];
  embedder: EmbeddingProvider;
  cache: ResultCache;
  metrics: MemoryMetrics;
  logger: Logger;
  merger: MemoryMerger;
  background: BackgroundTasks;
  usage: AccessRecorder;
  /** The durable queue automatic consolidation runs on; without one it runs in-process. */
  jobs?: JobQueue | undefined;
}

/** Creates a task tracker that logs failures with `logger`. */
export function createBackgroundTasks(logger: Logger): BackgroundTasks {
  const running = new Map<string, Promise<void>>();
  let sequence = 0;
  return {
    run(name, task, id) {
      const slot = id ?? `${name}#${++sequence}`;
      if (running.has(slot)) return;
      const promise = Promise.resolve()
        .then(task)
        .then(
          () => {},
          (error) => logger.warn("background memory task failed", { task: name, error }),
        )
        .finally(() => running.delete(slot));
      running.set(slot, promise);
    },
    async drain() {
      while (running.size > 0) await Promise.all(running.values());
    },
  };
}
