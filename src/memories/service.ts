/**
 * The long-term memory service the app builds once: the store (checked,
 * cached, measured), per-user `BaseStore`s for agents, consolidation,
 * cleanup and backups (as jobs on the queue when one is given).
 *
 * @example
 * ```ts
 * const memory = createMemoryService({ sql, config, cache, metrics, logger });
 * await memory.start(); // checks the embedding model, builds the index
 * const store = memory.forOwner("user-1");
 * await store.put(["profile"], "tea", { content: "likes green tea" });
 * await memory.close();
 * ```
 * @module
 */
import type { Sql } from "postgres";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Config } from "../config.ts";
import type { Cache } from "../cache/cache.ts";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import { createEmbeddings, type EmbeddingProvider } from "../llm/embeddings.ts";
import { createChatModel } from "../llm/chat_model.ts";
import { createBackgroundTasks, type MemoryContext } from "./context.ts";
import { createMemoryStore, type MemoryStore } from "./store/store.ts";
import { OwnerMemoryStore } from "./store/owner_store.ts";
import { createResultCache } from "./store/result_cache.ts";
import { createMemoryMetrics } from "./metrics.ts";
import { createMerger } from "./jobs/merger.ts";
import { createAccessRecorder } from "./store/usage.ts";
import { ensureMemoryIndex } from "./store/index_meta.ts";
import {
  consolidateNamespace,
  type ConsolidateOptions,
  type ConsolidationReport,
} from "./jobs/consolidation.ts";
import { checkNamespace } from "./store/namespace.ts";
import { cleanupMemories, type CleanupReport } from "./jobs/cleanup.ts";
import { type BackupReport, backupToDirectory } from "./backup/backup.ts";
import { registerMemoryJobs, startSizeGauge } from "./jobs/maintenance.ts";
import type { JobQueue } from "../queue/jobs.ts";
import { BadUserInputError } from "../core/errors.ts";

/** What the service needs. */
export interface MemoryServiceOptions {
  sql: Sql;
  config: Config;
  cache: Cache;
  metrics: Metrics;
  logger: Logger;
  /** Default: from the configuration (OpenAI with a key, offline otherwise). */
  embedder?: EmbeddingProvider;
  /** The model consolidation merges with; default: the configured chat model when a key is set. */
  mergeModel?: BaseChatModel | null;
  /** Milliseconds reads skip the cache after a cache error. Default 5000. */
  cacheCooldownMs?: number;
  /** Refresh the size gauge, and with `jobs` schedule cleanup and backups. Default true. */
  maintenance?: boolean;
  /**
   * The queue cleanup, backups and automatic consolidation run on (register
   * happens in `start()`, before the queue starts). Without one, automatic
   * consolidation runs in-process and nothing is scheduled.
   */
  jobs?: JobQueue;
}

/** The memory service. */
export interface MemoryService extends MemoryStore {
  readonly embedder: EmbeddingProvider;
  /** The shared parts, for the memory manager and tests. */
  readonly context: MemoryContext;
  /** Checks the embedding model against the stored vectors and builds the index. */
  start(): Promise<void>;
  /** LangGraph's `BaseStore`, acting as `ownerId`. */
  forOwner(ownerId: string): OwnerMemoryStore;
  consolidate(
    owner: string,
    namespace: string[],
    options?: ConsolidateOptions,
  ): Promise<ConsolidationReport>;
  cleanup(): Promise<CleanupReport>;
  backup(): Promise<BackupReport>;
  /** Stops the timers and waits for background work. */
  close(): Promise<void>;
}

/** Creates the service; call `start()` before use. */
export function createMemoryService(options: MemoryServiceOptions): MemoryService {
  const { config, logger } = options;
  const settings = config.memory;
  const embedder = options.embedder ?? createEmbeddings(config);
  const mergeModel = options.mergeModel === undefined
    ? (config.llm.apiKey === undefined
      ? undefined
      : createChatModel(config.llm, { temperature: 0 }))
    : options.mergeModel ?? undefined;
  const memoryLogger = logger.child({ logger: "graphmind.memory" });
  const context: MemoryContext = {
    sql: options.sql,
    settings,
    embedder,
    cache: createResultCache({
      cache: options.cache,
      ttlSeconds: config.cache.defaultTtlSeconds,
      metrics: options.metrics,
      logger: memoryLogger,
      ...(options.cacheCooldownMs !== undefined && { cooldownMs: options.cacheCooldownMs }),
    }),
    metrics: createMemoryMetrics(options.metrics, { depth: settings.metricsNamespaceDepth }),
    logger: memoryLogger,
    merger: createMerger(mergeModel),
    background: createBackgroundTasks(memoryLogger),
    usage: createAccessRecorder(options.sql, memoryLogger),
    jobs: options.jobs,
  };
  const store = createMemoryStore(context);
  let stopGauge: (() => void) | undefined;

  return {
    ...store,
    embedder,
    context,
    async start() {
      await ensureMemoryIndex(options.sql, { model: embedder.model, dims: embedder.dims });
      await context.metrics.refreshSizes(options.sql);
      if (options.maintenance ?? true) {
        stopGauge = startSizeGauge(context);
        if (options.jobs !== undefined) registerMemoryJobs(context, options.jobs);
      }
      memoryLogger.info("memory store ready", {
        embeddings: embedder.mode,
        embedding_model: embedder.model,
        dims: embedder.dims,
        consolidation: context.merger.mode,
      });
    },
    forOwner: (ownerId) => new OwnerMemoryStore(store, ownerId),
    async consolidate(owner, namespace, consolidateOptions) {
      checkNamespace(namespace, "namespace");
      const similarity = consolidateOptions?.similarity;
      if (similarity !== undefined && !(similarity > 0 && similarity <= 1)) {
        throw new BadUserInputError(
          "Invalid similarity: expected a number above 0 and at most 1.",
          {
            field: "similarity",
          },
        );
      }
      return await consolidateNamespace(context, owner, namespace, consolidateOptions);
    },
    cleanup: () => cleanupMemories(context),
    backup: () => backupToDirectory(options.sql, settings.backupDir, { keep: settings.backupKeep }),
    async close() {
      stopGauge?.();
      await context.background.drain();
      await context.usage.close();
      await context.cache.drain();
    },
  };
}
