/**
 * A transaction whose `BEGIN` lands on a pooled connection at its pipeline
 * cap: postgres.js 3.4.9 then skips reserving the connection (see
 * `MAX_PIPELINE` in src/db/client.ts). The app's pool has no cap, so its
 * transactions commit and no session is left inside one; a pool with the
 * library's default shows the fault the same scenario reaches.
 *
 * @module
 */
import assert from "node:assert/strict";
import postgres, { type Sql } from "postgres";
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";

const local = await localPostgres();
const CONNECTIONS = 3;
/** postgres.js' default `max_pipeline`. */
const LIBRARY_CAP = 100;

/**
 * Fills each of the pool's connections with exactly `LIBRARY_CAP` queries in
 * flight, then starts one transaction per connection behind them; returns
 * each transaction's outcome.
 */
async function beginsAtTheCap(sql: Sql): Promise<PromiseSettledResult<unknown>[]> {
  // Every connection open and idle, so the queries below go round-robin.
  await Promise.all(Array.from({ length: CONNECTIONS }, () => sql`SELECT pg_sleep(0.05)`));
  // `execute()` sends each now, in this order: lazily, `sql.begin`'s BEGIN would go first.
  const filler = Array.from(
    { length: CONNECTIONS * LIBRARY_CAP },
    () => sql`SELECT pg_sleep(0.001)`.execute(),
  );
  const transactions = Promise.allSettled(Array.from(
    { length: CONNECTIONS },
    (_, i) => sql.begin((tx) => tx`INSERT INTO pipeline_probe (n) VALUES (${i})`),
  ));
  await Promise.all(filler);
  return await transactions;
}

/** Committed rows and sessions left inside a transaction, seen from another client. */
async function aftermath(url: string, database: string) {
  const observer = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [rows] = await observer<{ count: number }[]>`
      SELECT count(*)::int AS count FROM pipeline_probe`;
    const [open] = await observer<{ count: number }[]>`
      SELECT count(*)::int AS count FROM pg_stat_activity
      WHERE datname = ${database} AND state LIKE 'idle in transaction%'`;
    return { committed: rows!.count, sessionsInTransaction: open!.count };
  } finally {
    await observer.end({ timeout: 1 });
  }
}

Deno.test({
  name: "the app's pool commits transactions that start behind full pipelines",
  ignore: local.ignore,
  async fn() {
    const db = await createThrowawayDatabase();
    const config = loadConfig({ DATABASE_URL: db.url, DB_POOL_SIZE: String(CONNECTIONS) });
    const database = await openDatabase(config.database, {
      logger: createLogger({ level: "error", name: "test", write: () => {} }),
      metrics: createMetrics(),
    });
    try {
      await database.sql`CREATE TABLE pipeline_probe (n int)`;
      const outcomes = await beginsAtTheCap(database.sql);
      const failures = outcomes.filter((o) => o.status === "rejected");
      assert.deepEqual(failures, [], "every transaction commits");
      assert.deepEqual(await aftermath(db.url, db.name), {
        committed: CONNECTIONS,
        sessionsInTransaction: 0,
      });
    } finally {
      await database.close();
      await db.drop();
    }
  },
});

Deno.test({
  name: "postgres.js' default pipeline cap leaves the same transactions unreserved",
  ignore: local.ignore,
  async fn() {
    const db = await createThrowawayDatabase();
    const sql = postgres(db.url, { max: CONNECTIONS, onnotice: () => {} });
    try {
      await sql`CREATE TABLE pipeline_probe (n int)`;
      const outcomes = await beginsAtTheCap(sql);
      const codes = outcomes.map((o) =>
        o.status === "rejected" ? (o.reason as { code?: string }).code : "committed"
      );
      // Fails once postgres.js reserves a BEGIN at the cap: MAX_PIPELINE may then go.
      assert.ok(
        codes.includes("UNSAFE_TRANSACTION"),
        `the scenario no longer reaches the fault: ${JSON.stringify(codes)}`,
      );
      // The harm: sessions left inside a transaction, in which the pool's next queries would run.
      const after = await aftermath(db.url, db.name);
      assert.ok(after.sessionsInTransaction > 0, JSON.stringify(after));
    } finally {
      await sql.end({ timeout: 1 });
      await db.drop();
    }
  },
});
