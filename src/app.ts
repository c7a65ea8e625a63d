/**
 * The composition root: builds every service from the configuration and
 * returns the app's fetch handler and its shutdown.
 *
 * @example
 * ```ts
 * const app = await createApp(loadConfig(Deno.env.toObject()));
 * const response = await app.fetch(new Request("http://localhost/health"));
 * await app.close();
 * ```
 * @module
 */
import type { Config } from "./config.ts";
import { createLogger, type Logger } from "./observability/logger.ts";
import { createMetrics, type Metrics } from "./observability/metrics.ts";
import { startSystemGauges } from "./observability/system_gauges.ts";
import { type Database, openDatabase } from "./db/client.ts";
import { migrate } from "./db/migrate.ts";
import { collectGarbage } from "./db/collect_garbage.ts";
import { createNotifier } from "./db/notifier.ts";
import { createJobQueue, type JobQueue } from "./queue/jobs.ts";
import { type Cache, createCache } from "./cache/cache.ts";
import { createHealthService, createReadinessGauge, type HealthService } from "./health/mod.ts";
import { createLlmProbe } from "./llm/probe.ts";
import { createMemoryService, createRunMemory, type MemoryService } from "./memories/mod.ts";
import { schema } from "./graphql/schema.ts";
import { createGraphQLHandler } from "./graphql/yoga.ts";
import { createWebSocketTransport } from "./graphql/websocket.ts";
import { createRouter, type FetchHandler } from "./http/router.ts";
import { createOriginPolicy } from "./http/origins.ts";
import { createProjectService, relayStatusEvents } from "./project/mod.ts";
import { createAgentRuntime } from "./agents/mod.ts";
import {
  createToolMetrics,
  createToolRegistry,
  loadToolModules,
  TOOL_CATALOGUE,
} from "./tools/mod.ts";
import { createCheckpointer, createThreadService } from "./threads/mod.ts";
import { createAgentMetrics, createRunService, type RunService } from "./runs/mod.ts";
import { parseTrustedProxies } from "./config/ip_ranges.ts";
import { createRateLimiter } from "./ratelimit/mod.ts";
import {
  createDocumentMetrics,
  createDocumentService,
  type DocumentService,
  extractionMode,
} from "./documents/mod.ts";

/** A running app: its handler and everything a shutdown must close. */
export interface App {
  fetch: FetchHandler;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  database: Database;
  cache: Cache;
  health: HealthService;
  runs: RunService;
  memory: MemoryService;
  documents: DocumentService;
  /** The background job queue (ingest, reflection, memory maintenance). */
  jobs: JobQueue;
  /** Fails readiness so balancers stop sending new work; serving goes on. */
  drain(): void;
  /** Resolves once every long-lived connection (WebSocket) has ended. */
  settle(): Promise<void>;
  /**
   * Ends the streams that outlived the shutdown deadline, each with a final
   * UNAVAILABLE error naming the sequence to resume after, then closes the
   * WebSockets (1001, with the same hint in the reason).
   */
  disconnect(): Promise<void>;
  /** Stops runs, then closes the memory jobs, cache, pool and embedded Postgres, in that order. */
  close(): Promise<void>;
}

/** Options for {@linkcode createApp}. */
export interface AppOptions {
  logger?: Logger;
}

/** Builds the app. Migrations run before it returns. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ??
    createLogger({ level: config.monitoring.logLevel, name: "graphmind" });
  // Whatever is opened is closed in reverse order: by close(), or at once
  // when a later start-up step fails, so a failed start leaks nothing.
  const closers: (() => unknown)[] = [];
  async function closeAll(): Promise<void> {
    // Every closer runs even when one fails, so one broken service cannot
    // leave the pool or embedded Postgres open.
    const failures: unknown[] = [];
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, "Some services did not close");
  }
  try {
    return await assemble(config, logger, closers, closeAll);
  } catch (error) {
    await closeAll().catch((cleanup) =>
      logger.warn("cleanup after a failed start failed", { error: cleanup })
    );
    throw error;
  }
}

async function assemble(
  config: Config,
  logger: Logger,
  closers: (() => unknown)[],
  closeAll: () => Promise<void>,
): Promise<App> {
  const metrics = createMetrics();
  const dbLogger = logger.child({ logger: "graphmind.db" });
  const database = await openDatabase(config.database, { logger: dbLogger, metrics });
  closers.push(() => database.close());
  const { applied } = await migrate(database.sql, { logger: dbLogger });
  if (applied.length > 0) logger.info("migrations applied", { migrations: applied });
  // Cross-replica fan-out: LISTEN/NOTIFY on a server, in-process when embedded.
  const notifier = createNotifier(database.sql, database.mode);
  // Background jobs (ingest, reflection, memory maintenance): services register
  // their kinds while they are built; claiming starts once all are registered.
  const jobs = createJobQueue({
    sql: database.sql,
    notifier,
    logger,
    registry: metrics.registry,
    concurrency: config.jobs.concurrency,
    leaseMs: config.jobs.leaseSeconds * 1000,
    retentionMs: config.jobs.retentionSeconds * 1000,
  });

  const project = createProjectService({
    sql: database.sql,
    events: await relayStatusEvents(notifier),
    logger: logger.child({ logger: "graphmind.project" }),
  });
  closers.push(() => project.events.close());
  await project.seedDefaultPlan();

  const cache = createCache(config.cache);
  closers.push(() => cache.close());
  const memory = createMemoryService({ sql: database.sql, config, cache, metrics, logger, jobs });
  closers.push(() => memory.close());
  await memory.start();
  // Documents share memory's embedder: one model, one dimension, one key.
  const documents = createDocumentService({
    sql: database.sql,
    config,
    embedder: memory.embedder,
    metrics: createDocumentMetrics(metrics.registry),
    logger: logger.child({ logger: "graphmind.documents" }),
    jobs,
    notifier,
  });
  await documents.start();
  closers.push(() => documents.close());

  const health = createHealthService({
    version: config.app.version,
    probes: [
      { name: "database", mode: database.mode, check: async () => void await database.ping() },
      { name: "cache", mode: cache.mode, check: async () => void await cache.ping() },
      createLlmProbe(config.llm),
    ],
    onReport: createReadinessGauge(metrics.registry),
    logger: logger.child({ logger: "graphmind.health" }),
  });

  // Synchronous commit stays on: a checkpoint is written once per super-step
  // (a few per run, never per token), so the WAL flush costs little, and a
  // run reported `success` must survive a database crash.
  const checkpointer = createCheckpointer(database.sql);
  const agentLogger = logger.child({ logger: "graphmind.agents" });
  const plugins = await loadToolModules(config.tools.modules);
  const tools = createToolRegistry({
    definitions: [...TOOL_CATALOGUE, ...plugins.definitions],
    services: { config, logger: agentLogger, documents },
    logger: agentLogger,
    metrics: createToolMetrics(metrics.registry),
  });
  const agents = createAgentRuntime({
    config,
    checkpointer,
    logger: agentLogger,
    tools,
    attach: plugins.attach,
  });
  const threads = createThreadService({ sql: database.sql, agents, checkpointer });
  // Memory in runs: the user's store for the tools, reflection after success.
  // Closed after the runs (closers run in reverse), so no run outlives it.
  const runMemory = config.memory.enabled
    ? createRunMemory({
      memory,
      config,
      jobs,
      logger: logger.child({ logger: "graphmind.memory" }),
    })
    : undefined;
  if (runMemory) closers.push(() => runMemory.close());
  // Every kind is registered: claim. Closed before the services its jobs use.
  await jobs.start();
  closers.push(() => jobs.close());
  const agentMetrics = createAgentMetrics(metrics.registry);
  const runs = createRunService({
    sql: database.sql,
    asyncCommitSql: database.asyncCommitSql,
    config,
    agents,
    threads,
    checkpointer,
    notifier,
    metrics: agentMetrics,
    logger: logger.child({ logger: "graphmind.runs" }),
    soleInstance: database.mode === "embedded",
    ...(runMemory === undefined ? {} : { hooks: runMemory }),
  });
  closers.push(() => runs.close());
  await runs.start();

  const services = { config, health, project, agents, tools, threads, runs, memory, documents };
  const rateLimiter = createRateLimiter({ cache, config, metrics, logger });
  const origins = createOriginPolicy(config.security.corsOrigins);
  const yoga = createGraphQLHandler({
    origins,
    schema,
    services,
    logger,
    registry: metrics.registry,
    rateLimiter,
  });
  const websocket = createWebSocketTransport(yoga, logger, {
    maxMessageBytes: config.graphql.maxRequestBytes,
    maxSocketsPerClient: config.graphql.maxSocketsPerClient,
    bufferLimitBytes: config.graphql.subscriptionBufferBytes,
    onSlowSubscriber: () => agentMetrics.slowSubscribers.inc({ limit: "buffer_bytes" }),
  });
  closers.push(() => websocket.closeAll());
  closers.push(startSystemGauges(metrics));
  const fetch = createRouter({
    origins,
    config,
    logger,
    metrics,
    health,
    yoga,
    websocket,
    rateLimiter,
    trustedProxies: parseTrustedProxies(config.security.trustedProxies),
  });
  logger.info("app ready", {
    environment: config.app.environment,
    database: database.description,
    cache: cache.mode,
    rate_limit: rateLimiter.backend,
    llm: config.llm.apiKey === undefined ? "offline" : "openai",
    embeddings: memory.embedder.mode,
    // pdf and docx parsing: a sandboxed child with limits, or in-process where none can start.
    document_extraction: extractionMode(),
    auth: config.security.jwksUrl !== undefined
      ? `jwks ${config.security.jwksUrl}`
      : config.security.secretKey !== undefined
      ? config.security.algorithm
      : "none",
  });

  // Embedded Postgres leaves initdb's WASM instance (a fresh cluster) and the
  // start-up's garbage behind; collect it now, not half a minute from now.
  if (database.mode === "embedded") collectGarbage();

  return {
    fetch,
    config,
    logger,
    metrics,
    database,
    cache,
    health,
    runs,
    memory,
    documents,
    jobs,
    drain() {
      health.drain();
    },
    settle: () => websocket.settled(),
    async disconnect() {
      await runs.endStreams();
      // The closing errors reach graphql-ws through promise callbacks only:
      // one macrotask later they are queued on their sockets, ahead of the close.
      await new Promise((resolve) => setTimeout(resolve, 0));
      websocket.closeAll();
    },
    close: closeAll,
  };
}
