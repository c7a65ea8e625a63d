/**
 * Long-term memory benchmarks, on embedded PGlite and the local PostgreSQL:
 *
 * - put throughput through the store with the offline embedder (single puts
 *   and batches of 100), HNSW index maintained;
 * - search latency (p50, p99) and recall@10 against exact search, over
 *   clustered synthetic 1536-dim vectors bulk-loaded in SQL (the index is
 *   built once after loading), unfiltered and with a filter keeping 10% of
 *   rows (which must still return the full limit).
 *
 * Searches go through the real store path (checks, cache layer, transaction
 * with `SET LOCAL hnsw.*`, the index, access counting).
 *
 * `deno task bench memory` runs 10k and 100k memories on the server and 10k
 * on PGlite (100k there takes about 8 minutes and 1 GB: loading 52 s, index
 * build 390 s). `MEMORY_BENCH_SIZES=10000,100000` sets the sizes for both
 * backends and `MEMORY_BENCH_BACKENDS=server` (or `embedded`) picks one.
 *
 * @module
 */
import postgres from "postgres";
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { createCache } from "../src/cache/cache.ts";
import { createLogger } from "../src/observability/logger.ts";
import { createMetrics } from "../src/observability/metrics.ts";
import { createMemoryService, type MemoryService } from "../src/memories/service.ts";
import { MEMORY_HNSW_DDL, MEMORY_HNSW_INDEX } from "../src/memories/store/index_meta.ts";
import { searchStatement } from "../src/memories/store/search_query.ts";
import type { Sql } from "postgres";

/** One row of the table. */
export interface MemoryBenchRow {
  backend: string;
  memories: number;
  scenario: string;
  value: string;
  p50Ms?: number;
  p99Ms?: number;
  recallAt10?: number;
  fullLimit?: string;
}

const LOCAL_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const DIMS = 1536;
const OWNER = "bench";
const CLUSTERS = 100;
const QUERIES = 200;
const RECALL_QUERIES = 50;
const LOAD_CHUNK = 5000;

interface Backend {
  name: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

async function backends(wanted: string[]): Promise<Backend[]> {
  const list: Backend[] = [];
  if (wanted.includes("embedded")) {
    await Deno.mkdir(".data", { recursive: true });
    const dir = await Deno.makeTempDir({ dir: ".data", prefix: "bench-memory-" });
    list.push({
      name: "embedded PGlite",
      env: { PGLITE_DATA_DIR: dir },
      cleanup: () => Deno.remove(dir, { recursive: true }),
    });
  }
  if (wanted.includes("server")) {
    const admin = postgres(LOCAL_ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 2 });
    const name = `graphmind_bench_memory_${Date.now()}`;
    try {
      await admin.unsafe(`CREATE DATABASE ${name}`);
      list.push({
        name: "local PostgreSQL 15",
        env: { DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${name}`, DB_POOL_SIZE: "4" },
        async cleanup() {
          const sql = postgres(LOCAL_ADMIN_URL, { max: 1, onnotice: () => {} });
          await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await sql.end();
        },
      });
    } catch (error) {
      console.warn(`local PostgreSQL unavailable, skipping it: ${error}`);
    } finally {
      await admin.end();
    }
  }
  return list;
}

async function open(env: Record<string, string>) {
  const config = loadConfig({ ...env, LANGMEM_AUTO_CONSOLIDATE: "false" });
  const logger = createLogger({ level: "warn", name: "bench" });
  const metrics = createMetrics();
  const database = await openDatabase(config.database, { logger, metrics });
  await migrate(database.sql, { logger });
  const cache = createCache(config.cache);
  const memory = createMemoryService({
    sql: database.sql,
    config,
    cache,
    metrics,
    logger,
    maintenance: false,
  });
  await memory.start();
  return {
    sql: database.sql,
    memory,
    async close() {
      await memory.close();
      await cache.close();
      await database.close();
    },
  };
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 100) / 100;
}

async function putThroughput(memory: MemoryService): Promise<MemoryBenchRow[]> {
  const rows: MemoryBenchRow[] = [];
  const single = 300;
  let started = performance.now();
  for (let i = 0; i < single; i++) {
    await memory.put("put-bench", [{
      namespace: ["single"],
      key: `k${i}`,
      value: { content: `Memory number ${i}: the user mentioned topic ${i % 37} on day ${i}` },
    }]);
  }
  let seconds = (performance.now() - started) / 1000;
  rows.push({
    backend: "",
    memories: single,
    scenario: "put (one per call)",
    value: `${Math.round(single / seconds)} /s`,
  });
  const batches = 20;
  started = performance.now();
  for (let b = 0; b < batches; b++) {
    await memory.put(
      "put-bench",
      Array.from({ length: 100 }, (_, i) => ({
        namespace: ["batch"],
        key: `k${b}-${i}`,
        value: { content: `Batch ${b} memory ${i}: the user likes item ${(b * 100 + i) % 53}` },
      })),
    );
  }
  seconds = (performance.now() - started) / 1000;
  rows.push({
    backend: "",
    memories: batches * 100,
    scenario: "put (batches of 100)",
    value: `${Math.round((batches * 100) / seconds)} /s`,
  });
  return rows;
}

/**
 * The searches: unfiltered; a filter keeping 10% of rows independently of
 * their cluster (`category`); and the worst case, a 10% filter aligned with
 * the clusters (`group`: a query's own cluster is excluded 9 times in 10, so
 * the matches are far from it and the index must wander to find them).
 */
const SCENARIOS = [
  ["search", undefined],
  ["search, 10% filter", { category: 3 }],
  ["search, 10% filter aligned with clusters", { group: 3 }],
] as const;

/** Bulk-loads `count` clustered vectors and builds the index once. */
async function load(
  sql: Sql,
  count: number,
  embedded: boolean,
): Promise<{ loadS: number; indexS: number }> {
  await sql`DELETE FROM memory_items WHERE owner_id = ${OWNER}`;
  await sql`SELECT setseed(0.2024)`;
  await sql`DROP TABLE IF EXISTS bench_centroids`;
  await sql`
    CREATE TABLE bench_centroids AS
    SELECT c, (SELECT array_agg(random() - 0.5) FROM generate_series(1, ${DIMS}::int) WHERE c >= 0) AS v
    FROM generate_series(0, ${CLUSTERS - 1}::int) AS c`;
  await sql.unsafe(`DROP INDEX IF EXISTS ${MEMORY_HNSW_INDEX}`);
  let started = performance.now();
  for (let from = 1; from <= count; from += LOAD_CHUNK) {
    const to = Math.min(count, from + LOAD_CHUNK - 1);
    await sql`
      INSERT INTO memory_items (owner_id, namespace, key, value, text, embedding)
      SELECT ${OWNER}, ARRAY['bench'], 'm' || i,
        jsonb_build_object('content', 'memory ' || i, 'category', (i / ${CLUSTERS}::int) % 10,
          'group', i % 10), 'memory ' || i,
        (SELECT array_agg(x.cv + (random() - 0.5) * 0.6 ORDER BY x.n)
         FROM unnest(c.v) WITH ORDINALITY AS x(cv, n) WHERE i > 0)::vector
      FROM generate_series(${from}::int, ${to}::int) AS i
      JOIN bench_centroids c ON c.c = i % ${CLUSTERS}::int`;
  }
  const loadS = (performance.now() - started) / 1000;
  started = performance.now();
  await sql.begin(async (tx) => {
    await tx.unsafe(`SET LOCAL maintenance_work_mem = '${embedded ? "512MB" : "2GB"}'`);
    await tx.unsafe(MEMORY_HNSW_DDL);
  });
  const indexS = (performance.now() - started) / 1000;
  await sql`ANALYZE memory_items`;
  return { loadS, indexS };
}

async function queryVectors(sql: Sql): Promise<number[][]> {
  await sql`SELECT setseed(0.77)`;
  const rows = await sql<{ v: string }[]>`
    SELECT (SELECT array_agg(x.cv + (random() - 0.5) * 0.6 ORDER BY x.n)
            FROM unnest(c.v) WITH ORDINALITY AS x(cv, n) WHERE q > 0)::vector::text AS v
    FROM generate_series(1, ${QUERIES}::int) AS q
    JOIN bench_centroids c ON c.c = (q * 7) % ${CLUSTERS}::int`;
  return rows.map((row) => row.v.slice(1, -1).split(",").map(Number));
}

async function searches(
  sql: Sql,
  memory: MemoryService,
  vectors: number[][],
  filter: Record<string, unknown> | undefined,
): Promise<{ p50: number; p99: number; recall: number; full: number }> {
  for (const vector of vectors.slice(0, 20)) {
    await memory.search(OWNER, { namespacePrefix: ["bench"], vector, filter, limit: 10 });
  }
  const times: number[] = [];
  const results: string[][] = [];
  for (const vector of vectors) {
    const started = performance.now();
    const hits = await memory.search(OWNER, {
      namespacePrefix: ["bench"],
      vector,
      filter,
      limit: 10,
    });
    times.push(performance.now() - started);
    results.push(hits.map((h) => h.key));
  }
  let overlap = 0;
  for (const [i, vector] of vectors.slice(0, RECALL_QUERIES).entries()) {
    const exact = await sql<{ key: string }[]>`${
      searchStatement(sql, OWNER, {
        namespacePrefix: ["bench"],
        filter,
        limit: 10,
        offset: 0,
        vector,
      }, "exact")
    }`;
    const want = new Set(exact.map((row) => row.key));
    overlap += results[i]!.filter((key) => want.has(key)).length;
  }
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    recall: Math.round((overlap / (RECALL_QUERIES * 10)) * 1000) / 1000,
    full: results.filter((keys) => keys.length === 10).length,
  };
}

/** Runs the memory benchmark and returns its rows. */
export async function benchMemory(): Promise<MemoryBenchRow[]> {
  const chosen = Deno.env.get("MEMORY_BENCH_SIZES")?.split(",").map(Number);
  const wanted = (Deno.env.get("MEMORY_BENCH_BACKENDS") ?? "embedded,server").split(",");
  const rows: MemoryBenchRow[] = [];
  for (const backend of await backends(wanted)) {
    const embedded = backend.name.startsWith("embedded");
    const app = await open(backend.env);
    try {
      for (const row of await putThroughput(app.memory)) {
        rows.push({ ...row, backend: backend.name });
      }
      for (const size of chosen ?? (embedded ? [10_000] : [10_000, 100_000])) {
        console.error(`${backend.name}: loading ${size} memories…`);
        const { loadS, indexS } = await load(app.sql, size, embedded);
        rows.push({
          backend: backend.name,
          memories: size,
          scenario: "bulk load + index build",
          value: `${loadS.toFixed(1)} s + ${indexS.toFixed(1)} s`,
        });
        const vectors = await queryVectors(app.sql);
        for (const [scenario, filter] of SCENARIOS) {
          const result = await searches(app.sql, app.memory, vectors, filter);
          rows.push({
            backend: backend.name,
            memories: size,
            scenario,
            value: `${QUERIES} queries`,
            p50Ms: result.p50,
            p99Ms: result.p99,
            recallAt10: result.recall,
            fullLimit: `${result.full}/${QUERIES}`,
          });
        }
      }
    } finally {
      await app.close();
      await backend.cleanup();
    }
  }
  return rows;
}
