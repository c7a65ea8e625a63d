import { openDatabase } from "/work/wt/threads/src/db/client.ts";
import { migrate } from "/work/wt/threads/src/db/migrate.ts";
import { loadConfig } from "/work/wt/threads/src/config.ts";
import { createLogger } from "/work/wt/threads/src/observability/logger.ts";
import { createMetrics } from "/work/wt/threads/src/observability/metrics.ts";
const logger = createLogger({ level: "error", name: "t", write: () => {} });
const db = await openDatabase(loadConfig({ PGLITE_DATA_DIR: "memory://" }).database, { logger, metrics: createMetrics() });
const sql = db.sql;
await migrate(sql, { logger });
const rows = [
  { thread_id: "t", checkpoint_ns: "", channel: "a", version: "1", type: "json", blob: new TextEncoder().encode('{"x":1}') },
  { thread_id: "t", checkpoint_ns: "", channel: "b", version: "1", type: "empty", blob: null },
];
await sql`WITH b AS (INSERT INTO checkpoint_blobs ${sql(rows)} ON CONFLICT DO NOTHING) SELECT 1`;
const r = await sql`SELECT array_agg(array[channel::bytea, type::bytea, blob]) AS arr, array_agg(blob) AS blobs FROM checkpoint_blobs`;
console.log(r[0], r[0].arr[0][2] instanceof Uint8Array);
await db.close();
