/**
 * Opens the configured database (embedded PGlite or DATABASE_URL) for the
 * memory commands, with migrations applied and quiet logs.
 *
 * @module
 */
import type { Config } from "../src/config.ts";
import { type Database, openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { createLogger } from "../src/observability/logger.ts";
import { createMetrics } from "../src/observability/metrics.ts";

/** The database, migrated; close it when done. */
export async function openMemoryDatabase(config: Config): Promise<Database> {
  const logger = createLogger({ level: "warn", name: "graphmind.memory" });
  const db = await openDatabase(config.database, { logger, metrics: createMetrics() });
  try {
    await migrate(db.sql, { logger });
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
