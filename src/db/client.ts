/**
 * The app's one postgres.js pool, over embedded PGlite or a real server.
 *
 * @example
 * ```ts
 * const db = await openDatabase(config.database, { logger, metrics });
 * const [row] = await db.sql`SELECT 1 AS one`;
 * await db.close();
 * ```
 * @module
 */
import postgres, { type Sql } from "postgres";
import type { Config } from "../config.ts";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import { startDiskGuard } from "./disk_guard.ts";
import { IN_MEMORY, startEmbeddedPostgres } from "./embedded.ts";
import { instrumentSql } from "./instrument.ts";

/** An open database. */
export interface Database {
  /** The pool; every query through it is timed. */
  sql: Sql;
  /**
   * A small pool whose commits do not wait for the WAL flush
   * (`synchronous_commit = off`), for writes that may be lost in a Postgres
   * crash but must not wait for the disk: the run event log. The main pool
   * when embedded (PGlite has one session).
   */
  asyncCommitSql: Sql;
  mode: "embedded" | "server";
  /** For logs and health, without credentials. */
  description: string;
  /** Runs `SELECT 1` and returns its latency in ms; throws when the database is down. */
  ping(): Promise<number>;
  /** Ends the pool (waiting up to the pool timeout), then stops embedded Postgres. */
  close(): Promise<void>;
}

/** What {@linkcode openDatabase} needs besides the configuration. */
export interface DatabaseDeps {
  logger: Logger;
  metrics: Metrics;
}

const CONNECTION_REFRESH_MS = 15_000;

/**
 * Queries a pooled connection may have in flight before the pool stops
 * adding more: no cap. postgres.js 3.4.9 skips the reservation of a
 * transaction's `BEGIN` when that `BEGIN` is the query that reaches the cap
 * (porsager/postgres#1189, #823; fixes proposed, none released): `sql.begin`
 * fails with `UNSAFE_TRANSACTION` while the server session stays inside the
 * transaction, and the pool's next queries on that connection run in it, so
 * they take effect only at its next `COMMIT` (or vanish at a `ROLLBACK`).
 * The 1000-stream soak hit it 0–3 times per 2000–3000 runs with the default
 * cap of 100; tests/db/pipeline_test.ts reaches it every time. Without a cap
 * the boundary does not exist. What remains is the same skip when the
 * socket's buffer is full as `BEGIN` is written, which this cannot remove.
 * The cost: a connection held by a slow statement keeps taking its share of
 * new queries behind it, where the cap stopped at 100.
 */
export const MAX_PIPELINE = Infinity;
/** The option as postgres.js reads it (its type declarations omit `max_pipeline`). */
const UNCAPPED_PIPELINE: object = { max_pipeline: MAX_PIPELINE };

/**
 * Seconds before a closed connection connects again, after `retries`
 * failures in a row across the pool. postgres.js' default grows to 10–20 s
 * after about seven failures, which a pool of busy workers reaches within
 * seconds of an outage: the service then stayed down for up to 20 s after
 * Postgres came back (tests/faults/postgres_restart_test.ts). Capped at
 * about a second, with jitter so a pool's connections do not retry in step.
 */
export function reconnectDelaySeconds(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 1);
}

/** Opens embedded PGlite when `config.url` is absent, the server otherwise. */
export async function openDatabase(
  config: Config["database"],
  deps: DatabaseDeps,
): Promise<Database> {
  const embedded = config.url === undefined
    ? await startEmbeddedPostgres(config.embeddedDataDir)
    : undefined;
  const url = embedded?.url ?? config.url as string;
  // A unique application_name lets the connection gauge count this pool's
  // own connections on a server shared with other replicas.
  const applicationName = `graphmind-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const raw = postgres(url, {
    max: embedded ? 1 : config.poolSize,
    ...UNCAPPED_PIPELINE,
    connect_timeout: config.poolTimeoutSeconds,
    idle_timeout: embedded ? 0 : 60,
    backoff: reconnectDelaySeconds,
    onnotice: (notice) => deps.logger.debug("postgres notice", { notice: notice.message }),
    connection: {
      application_name: applicationName,
      // A runaway query must not hold a pooled connection forever.
      statement_timeout: config.statementTimeoutMs,
    },
  });
  const sql = instrumentSql(raw, deps.metrics.databaseQueryDuration);
  const rawAsync = embedded ? undefined : postgres(url, {
    max: 2,
    ...UNCAPPED_PIPELINE,
    connect_timeout: config.poolTimeoutSeconds,
    idle_timeout: 60,
    backoff: reconnectDelaySeconds,
    onnotice: () => {},
    connection: {
      application_name: applicationName,
      statement_timeout: config.statementTimeoutMs,
      synchronous_commit: "off",
    },
  });
  const asyncCommitSql = rawAsync === undefined
    ? sql
    : instrumentSql(rawAsync, deps.metrics.databaseQueryDuration);
  const description = embedded ? `embedded PGlite (${embedded.location})` : describeServer(url);

  async function refreshConnections(): Promise<void> {
    if (embedded) {
      deps.metrics.databaseConnectionsActive.set(1);
      return;
    }
    // On the raw client: this housekeeping poll is not app traffic, so it
    // stays out of the query latency histogram.
    const [row] = await raw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM pg_stat_activity
      WHERE application_name = ${applicationName}`;
    deps.metrics.databaseConnectionsActive.set(row?.count ?? 0);
  }

  async function ping(): Promise<number> {
    const start = performance.now();
    await sql`SELECT 1`;
    return performance.now() - start;
  }

  try {
    await ping();
    await refreshConnections();
  } catch (error) {
    await raw.end({ timeout: 1 });
    await rawAsync?.end({ timeout: 1 });
    await embedded?.close();
    throw new Error(`Cannot connect to ${description}: ${messageOf(error)}`, { cause: error });
  }
  // Embedded PGlite wedges on a full disk; a real server answers 53100 and copes by itself.
  const diskGuard = embedded && config.embeddedDataDir !== IN_MEMORY
    ? await startDiskGuard({ sql, dataDir: config.embeddedDataDir, logger: deps.logger })
    : undefined;
  const timer = setInterval(() => {
    refreshConnections().catch((error) =>
      deps.logger.warn("could not count database connections", { error })
    );
  }, CONNECTION_REFRESH_MS);
  Deno.unrefTimer(timer as unknown as number);

  return {
    sql,
    asyncCommitSql,
    mode: embedded ? "embedded" : "server",
    description,
    ping,
    async close() {
      clearInterval(timer);
      diskGuard?.stop();
      await rawAsync?.end({ timeout: config.poolTimeoutSeconds });
      await raw.end({ timeout: config.poolTimeoutSeconds });
      deps.metrics.databaseConnectionsActive.set(0);
      await embedded?.close();
    },
  };
}

/** `postgres host:port/db`, never the password. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgres ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return "postgres (unparseable URL)";
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
