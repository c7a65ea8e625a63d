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
import { type Cache, createCache } from "./cache/cache.ts";
import { createHealthService, type HealthService } from "./health/health.ts";
import { createLlmProbe } from "./llm/probe.ts";
import { createMemoryService, type MemoryService } from "./memories/service.ts";
import { schema } from "./graphql/schema.ts";
import { createGraphQLHandler } from "./graphql/yoga.ts";
import { createWebSocketTransport } from "./graphql/websocket.ts";
import { createRouter, type FetchHandler } from "./http/router.ts";

/** A running app: its handler and everything a shutdown must close. */
export interface App {
  fetch: FetchHandler;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  database: Database;
  cache: Cache;
  health: HealthService;
  memory: MemoryService;
  /** Stops taking new work: readiness fails and WebSockets are told to go. */
  drain(): void;
  /** Closes the cache, the pool and embedded Postgres, in that order. */
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
  const metrics = createMetrics();
  const database = await openDatabase(config.database, {
    logger: logger.child({ logger: "graphmind.db" }),
    metrics,
  });
  try {
    const { applied } = await migrate(database.sql, {
      logger: logger.child({ logger: "graphmind.db" }),
    });
    if (applied.length > 0) logger.info("migrations applied", { migrations: applied });
  } catch (error) {
    await database.close();
    throw error;
  }
  const cache = createCache(config.cache);
  const memory = createMemoryService({ sql: database.sql, config, cache, metrics, logger });
  try {
    await memory.start();
  } catch (error) {
    await memory.close();
    await cache.close();
    await database.close();
    throw error;
  }
  const health = createHealthService({
    version: config.app.version,
    probes: [
      { name: "database", mode: database.mode, check: async () => void await database.ping() },
      { name: "cache", mode: cache.mode, check: async () => void await cache.ping() },
      createLlmProbe(config.llm),
    ],
  });
  const services = { config, health, memory };
  const yoga = createGraphQLHandler({ schema, services, logger, registry: metrics.registry });
  const websocket = createWebSocketTransport(yoga, logger);
  const stopGauges = startSystemGauges(metrics);
  const fetch = createRouter({ config, logger, metrics, health, yoga, websocket });
  logger.info("app ready", {
    environment: config.app.environment,
    database: database.description,
    cache: cache.mode,
    llm: config.llm.apiKey === undefined ? "offline" : "openai",
    embeddings: memory.embedder.mode,
  });

  return {
    fetch,
    config,
    logger,
    metrics,
    database,
    cache,
    health,
    memory,
    drain() {
      health.drain();
      websocket.closeAll();
    },
    async close() {
      stopGauges();
      websocket.closeAll();
      await memory.close();
      await cache.close();
      await database.close();
    },
  };
}
