import assert from "node:assert/strict";
import { openDatabase } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { EMBEDDED_SETTINGS } from "../../src/db/embedded.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createMetrics } from "../../src/observability/metrics.ts";

const logger = createLogger({ level: "error", name: "test", write: () => {} });

function databaseConfig(env: Record<string, string>) {
  return loadConfig(env).database;
}

Deno.test("embedded PGlite runs pgvector through postgres.js", async () => {
  const metrics = createMetrics();
  const db = await openDatabase(databaseConfig({ PGLITE_DATA_DIR: "memory://" }), {
    logger,
    metrics,
  });
  try {
    assert.equal(db.mode, "embedded");
    assert.equal(db.description, "embedded PGlite (memory)");
    await migrate(db.sql, { logger });
    const [row] = await db.sql<{ distance: number }[]>`
      SELECT '[1,0,0]'::vector <=> '[0,1,0]'::vector AS distance`;
    assert.equal(row?.distance, 1);
    assert.ok((await db.ping()) >= 0);
    const text = await metrics.registry.metrics();
    assert.match(text, /database_query_duration_seconds_count\{query_type="select"\} [1-9]/);
    assert.match(text, /database_connections_active 1/);
  } finally {
    await db.close();
  }
});

Deno.test("embedded PGlite starts with the small memory settings, for the reopened cluster too", async () => {
  const dir = await Deno.makeTempDir({ prefix: "graphmind-pglite-" });
  try {
    const config = databaseConfig({ PGLITE_DATA_DIR: dir });
    // The first open runs initdb; the second opens the existing cluster.
    for (let open = 0; open < 2; open++) {
      const db = await openDatabase(config, { logger, metrics: createMetrics() });
      try {
        for (const [name, value] of Object.entries(EMBEDDED_SETTINGS)) {
          const [row] = await db.sql.unsafe(`SHOW ${name}`);
          assert.equal(row?.[name], value, `${name} on open ${open + 1}`);
        }
      } finally {
        await db.close();
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embedded PGlite keeps its data across close and reopen", async () => {
  const dir = await Deno.makeTempDir({ prefix: "graphmind-pglite-" });
  try {
    const config = databaseConfig({ PGLITE_DATA_DIR: dir });
    const first = await openDatabase(config, { logger, metrics: createMetrics() });
    await first.sql`CREATE TABLE notes (owner_id text NOT NULL, body text NOT NULL)`;
    await first.sql`INSERT INTO notes VALUES ('alice', 'kept after a restart')`;
    await first.close();
    const second = await openDatabase(config, { logger, metrics: createMetrics() });
    try {
      const rows = await second.sql`SELECT body FROM notes WHERE owner_id = 'alice'`;
      assert.deepEqual(rows.map((r) => r.body), ["kept after a restart"]);
    } finally {
      await second.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a transaction's queries are timed too, and fragments are not run alone", async () => {
  const metrics = createMetrics();
  const db = await openDatabase(databaseConfig({ PGLITE_DATA_DIR: "memory://" }), {
    logger,
    metrics,
  });
  try {
    await db.sql`CREATE TABLE t (owner_id text, n int)`;
    await db.sql.begin(async (tx) => {
      await tx`INSERT INTO t VALUES ('a', 1)`;
      await tx`UPDATE t SET n = 2`;
      await tx.savepoint(async (sp) => {
        await sp`DELETE FROM t WHERE n = 99`;
      });
    });
    const where = db.sql`WHERE n = ${2}`;
    const rows = await db.sql`SELECT n FROM t ${where}`;
    assert.deepEqual(rows.map((r) => r.n), [2]);
    const text = await metrics.registry.metrics();
    assert.match(text, /query_type="insert"\} 1\n/);
    assert.match(text, /query_type="update"\} 1\n/);
    assert.match(text, /query_type="create"\} 1\n/);
    assert.match(text, /query_type="delete"\} 1\n/);
  } finally {
    await db.close();
  }
});
