import assert from "node:assert/strict";
import "../support/pglite_template.ts";
import { openDatabase } from "../../src/db/client.ts";
import { explain, migrate, MigrationError, readMigrations } from "../../src/db/migrate.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import {
  createThrowawayDatabase,
  localPostgres,
  withReplicaPools,
} from "../support/local_postgres.ts";

const logger = createLogger({ level: "error", name: "test", write: () => {} });
const local = await localPostgres();

async function embedded() {
  return await openDatabase(loadConfig({ PGLITE_DATA_DIR: "memory://" }).database, {
    logger,
    metrics: createMetrics(),
  });
}

Deno.test("migrations are idempotent: a second run applies nothing", async () => {
  const db = await embedded();
  try {
    const all = await readMigrations();
    const first = await migrate(db.sql, { logger });
    assert.equal(first.applied.length, all.length);
    const second = await migrate(db.sql, { logger });
    assert.deepEqual(second.applied, []);
    const rows = await db.sql`SELECT version FROM schema_migrations ORDER BY version`;
    assert.deepEqual(rows.map((r) => r.version), all.map((m) => m.version));
  } finally {
    await db.close();
  }
});

Deno.test("an applied migration that changed stops the start", async () => {
  const dir = await Deno.makeTempDir();
  const db = await embedded();
  try {
    const url = new URL(`file://${dir}/`);
    await Deno.writeTextFile(`${dir}/0001_first.sql`, "CREATE TABLE a (owner_id text);");
    await migrate(db.sql, { logger, dir: url });
    await Deno.writeTextFile(`${dir}/0001_first.sql`, "CREATE TABLE a (owner_id text, x int);");
    await assert.rejects(
      migrate(db.sql, { logger, dir: url }),
      (error: unknown) =>
        error instanceof MigrationError &&
        /0001_first changed after it was applied.*add a new one/.test(error.message),
    );
  } finally {
    await db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a misnamed migration file stops the start instead of being skipped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/0001_ok.sql`, "SELECT 1;");
    await Deno.writeTextFile(`${dir}/2_Threads.sql`, "SELECT 1;");
    await Deno.writeTextFile(`${dir}/notes.md`, "not a migration");
    await assert.rejects(
      readMigrations(new URL(`file://${dir}/`)),
      (error: unknown) =>
        error instanceof MigrationError && /"2_Threads\.sql" is misnamed/.test(error.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failing migration rolls back entirely and names the cause", async () => {
  const dir = await Deno.makeTempDir();
  const db = await embedded();
  try {
    await Deno.writeTextFile(`${dir}/0001_ok.sql`, "CREATE TABLE ok (owner_id text);");
    await Deno.writeTextFile(`${dir}/0002_bad.sql`, "CREATE TABLE broken (;");
    await assert.rejects(migrate(db.sql, { logger, dir: new URL(`file://${dir}/`) }), /syntax/);
    const tables = await db
      .sql`SELECT to_regclass('ok') AS ok, to_regclass('schema_migrations') AS m`;
    assert.deepEqual(tables[0], { ok: null, m: null }, "the first migration was kept");
  } finally {
    await db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a missing pgvector gets instructions, not a raw SQL error", async () => {
  const db = await embedded();
  try {
    // A real "extension is not available" error from the server, for an
    // extension name no server has.
    const error = await db.sql`CREATE EXTENSION graphmind_missing_extension`.catch((e) => e);
    const renamed = new Error(
      String(error.message).replace("graphmind_missing_extension", "vector"),
    );
    const explained = explain(renamed);
    assert.ok(explained instanceof MigrationError);
    assert.match(explained.message, /pgvector extension is not installed/);
    assert.match(explained.message, /scripts\/install_pgvector\.sh/);
    assert.match(explained.message, /pgvector\/pgvector:0\.8\.0-pg16/);
  } finally {
    await db.close();
  }
});

/**
 * Tables that hold no user's data, each with the reason. Every other table
 * must carry its owner, so no query can forget whose rows it reads.
 */
const SYSTEM_TABLES: Record<string, string> = {
  schema_migrations: "which migrations ran",
  memory_index: "the embedding model and dimension the vectors were built with",
};

Deno.test("every table that holds user data carries an owner_id", async () => {
  const db = await embedded();
  try {
    await migrate(db.sql, { logger });
    const rows = await db.sql<{ table_name: string; owned: boolean }[]>`
      SELECT t.table_name, EXISTS (
          SELECT 1 FROM information_schema.columns c
          WHERE c.table_schema = 'public' AND c.table_name = t.table_name
            AND c.column_name = 'owner_id') AS owned
      FROM information_schema.tables t
      WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      ORDER BY t.table_name`;
    const unowned = rows.filter((r) => !r.owned && !(r.table_name in SYSTEM_TABLES));
    assert.deepEqual(unowned.map((r) => r.table_name), []);
    const owned = rows.filter((r) => r.owned).map((r) => r.table_name);
    for (const table of ["threads", "runs", "checkpoints", "memory_items", "project_tasks"]) {
      assert.ok(owned.includes(table), `${table} is owned (tables: ${owned.join(", ")})`);
    }
  } finally {
    await db.close();
  }
});

Deno.test({
  name: "concurrent migrations against the real server apply each file exactly once",
  ignore: local.ignore,
  async fn() {
    assert.ok(local.available, local.reason);
    await withReplicaPools(4, async (pools) => {
      const results = await Promise.all(pools.map((sql) => migrate(sql, { logger })));
      const applied = results.flatMap((r) => r.applied);
      const all = await readMigrations();
      assert.deepEqual(
        applied.sort(),
        all.map((m) => `${String(m.version).padStart(4, "0")}_${m.name}`).sort(),
      );
      assert.equal(results.filter((r) => r.applied.length > 0).length, 1, "only one pool applied");
      const [row] = await pools[0]!`SELECT count(*)::int AS n FROM schema_migrations`;
      assert.equal(row?.n, all.length);
    });
  },
});

Deno.test({
  name: "the real server pool is sized from the configuration and counted",
  ignore: local.ignore,
  async fn() {
    assert.ok(local.available, local.reason);
    const database = await createThrowawayDatabase();
    const metrics = createMetrics();
    const db = await openDatabase(
      loadConfig({ DATABASE_URL: database.url, DB_POOL_SIZE: "3" }).database,
      { logger, metrics },
    );
    try {
      assert.equal(db.mode, "server");
      assert.match(db.description, /^postgres 127\.0\.0\.1:5432\/gm_test_/);
      await migrate(db.sql, { logger });
      // Three slow queries at once need three connections.
      await Promise.all([1, 2, 3].map(() => db.sql`SELECT pg_sleep(0.2)`));
      const [row] = await db.sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ${database.name}`;
      assert.equal(row?.n, 3);
    } finally {
      await db.close();
      await database.drop();
    }
  },
});
