/**
 * Runs LangGraph's checkpointer conformance suite
 * (@langchain/langgraph-checkpoint-validation) against PostgresCheckpointer,
 * on embedded PGlite and on the local PostgreSQL server.
 *
 * The suite's spec files call vitest's globals (`describe`, `it`, `expect`,
 * ...) without importing vitest: only its CLI (`cli.js`, `runner.ts`) does,
 * and this file never loads that. So no import-map trick is needed (Deno's
 * import map would not reach inside an npm package anyway); the shim puts
 * the globals in place and replays the collected tree as `Deno.test` steps.
 * The last test fails unless every collected case ran and passed.
 *
 * @module
 */
import assert from "node:assert/strict";
import "../support/pglite_template.ts";
import {
  type CheckpointSaverTestInitializer,
  deltaChannelHistoryTests,
  specTest,
} from "@langchain/langgraph-checkpoint-validation";
import { openDatabase } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import {
  type CheckpointerOptions,
  createCheckpointer,
  type PostgresCheckpointer,
} from "../../src/threads/checkpointer.ts";
import { installVitestGlobals, type VitestShim } from "../support/vitest_shim.ts";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";

const logger = createLogger({ level: "error", name: "test", write: () => {} });
// Generous: two cores are shared by several engineers' test runs.
const TIMEOUTS = { testTimeout: 30_000, hookTimeout: 60_000 };

interface Opened {
  sql: Awaited<ReturnType<typeof openDatabase>>["sql"];
  close(): Promise<void>;
}

function initializer(
  checkpointerName: string,
  open: () => Promise<Opened>,
  options: CheckpointerOptions = {},
): CheckpointSaverTestInitializer<PostgresCheckpointer> {
  let db: Opened | undefined;
  const opened = () => db ?? assert.fail("beforeAll did not open the database");
  return {
    checkpointerName,
    beforeAllTimeout: 60_000,
    async beforeAll() {
      db = await open();
      await migrate(db.sql, { logger });
    },
    async afterAll() {
      await db?.close();
    },
    // The suite's configs carry no owner_id; the instance supplies one.
    createCheckpointer: () =>
      createCheckpointer(opened().sql, { ownerId: "validation-suite", ...options }),
    // The suite expects each checkpointer to start empty (list() without a
    // thread must see only its own tuples).
    async destroyCheckpointer() {
      await opened().sql`TRUNCATE checkpoints, checkpoint_blobs, checkpoint_writes`;
    },
  };
}

function collect(init: CheckpointSaverTestInitializer<PostgresCheckpointer>): VitestShim {
  const shim = installVitestGlobals(TIMEOUTS);
  specTest(init);
  // Opt-in upstream (every in-repo LangGraph saver runs it): the DeltaChannel
  // history walk over this saver's real storage.
  deltaChannelHistoryTests(init);
  return shim;
}

const embedded = collect(initializer("PostgresCheckpointer on embedded PGlite", async () => {
  const db = await openDatabase(loadConfig({ PGLITE_DATA_DIR: "memory://" }).database, {
    logger,
    metrics: createMetrics(),
  });
  return db;
}));
embedded.register("checkpoint validation suite: embedded PGlite");

const local = await localPostgres();

function onLocalServer(label: string, options: CheckpointerOptions): VitestShim {
  return collect(initializer(`PostgresCheckpointer on PostgreSQL${label}`, async () => {
    const throwaway = await createThrowawayDatabase();
    const db = await openDatabase(loadConfig({ DATABASE_URL: throwaway.url }).database, {
      logger,
      metrics: createMetrics(),
    });
    return {
      sql: db.sql,
      async close() {
        await db.close();
        await throwaway.drop();
      },
    };
  }, options));
}

const server = onLocalServer("", {});
server.register("checkpoint validation suite: local PostgreSQL", { ignore: local.ignore });
// The same statements with synchronous_commit turned off per transaction.
const relaxed = onLocalServer(" (synchronousCommit: false)", { synchronousCommit: false });
relaxed.register("checkpoint validation suite: local PostgreSQL, synchronousCommit false", {
  ignore: local.ignore,
});

Deno.test("every case of the validation suite ran and passed", () => {
  const runs = [["embedded PGlite", embedded.summary]] as [string, typeof embedded.summary][];
  if (!local.ignore) {
    runs.push(["PostgreSQL", server.summary], ["PostgreSQL, relaxed", relaxed.summary]);
  }
  for (const [label, summary] of runs) {
    console.log(`${label}: ${JSON.stringify(summary)}`);
    assert.ok(summary.collected > 0, `${label}: the suite collected no cases`);
    assert.deepEqual(
      { passed: summary.passed, failed: summary.failed, skipped: summary.skipped },
      { passed: summary.collected, failed: 0, skipped: 0 },
      `${label}: not every case passed`,
    );
  }
});
