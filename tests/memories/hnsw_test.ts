/**
 * The search really goes through the HNSW index (EXPLAIN of the exact
 * statement the store runs), and a selective filter still returns the full
 * limit thanks to `hnsw.iterative_scan`, on embedded PGlite and on the local
 * server.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startTestApp, type TestApp } from "../support/app.ts";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";
import { MEMORY_HNSW_DDL, MEMORY_HNSW_INDEX } from "../../src/memories/store/index_meta.ts";
import { searchStatement } from "../../src/memories/store/search_query.ts";
import { searchSettings } from "../../src/db/pgvector.ts";

const local = await localPostgres();
const ROWS = 3000;
const OWNER = "explain-user";

/**
 * Inserts `ROWS` random vectors in bulk, then builds the index once (as a
 * restore does), which is much faster than growing it row by row;
 * `category` keeps 5% of rows per value.
 */
async function seed(app: TestApp): Promise<void> {
  const dims = app.memory.embedder.dims;
  // Set-up, not the product: a loaded CI machine can take longer than the
  // app's statement timeout to build the index.
  await app.database.sql.begin(async (tx) => {
    await tx`SET LOCAL statement_timeout = 0`;
    await tx`SELECT setseed(0.42)`;
    await tx.unsafe(`DROP INDEX ${MEMORY_HNSW_INDEX}`);
    await tx`
      INSERT INTO memory_items (owner_id, namespace, key, value, text, embedding)
      SELECT ${OWNER}, ARRAY['docs'], 'doc-' || i,
        jsonb_build_object('content', 'doc ' || i, 'category', i % 20), 'doc ' || i,
        (SELECT array_agg(random() - 0.5) FROM generate_series(1, ${dims}::int) WHERE i > 0)::vector
      FROM generate_series(1, ${ROWS}::int) AS i`;
    // Another user's rows share the index; the search must never return them.
    await tx`
      INSERT INTO memory_items (owner_id, namespace, key, value, text, embedding)
      SELECT 'someone-else', ARRAY['docs'], 'other-' || i, '{"content": "x", "category": 3}', 'x',
        (SELECT array_agg(random() - 0.5) FROM generate_series(1, ${dims}::int) WHERE i > 0)::vector
      FROM generate_series(1, 200) AS i`;
    await tx.unsafe(MEMORY_HNSW_DDL);
    await tx`ANALYZE memory_items`;
  });
}

async function randomVector(app: TestApp): Promise<number[]> {
  const [row] = await app.database.sql<{ v: string }[]>`
    SELECT (SELECT array_agg(random() - 0.5) FROM generate_series(1, ${app.memory.embedder.dims}::int))::vector::text AS v`;
  return row!.v.slice(1, -1).split(",").map(Number);
}

async function checks(t: Deno.TestContext, app: TestApp): Promise<void> {
  await seed(app);
  const efSearch = app.config.memory.hnswEfSearch;

  /** EXPLAIN ANALYZE of the store's statement under the store's settings plus `extra`. */
  async function explain(filter: unknown, extra = ""): Promise<string> {
    const vector = await randomVector(app);
    const plan = await app.database.sql.begin(async (tx) => {
      await tx.unsafe(searchSettings({ efSearch }));
      if (extra !== "") await tx.unsafe(extra);
      const statement = searchStatement(tx, OWNER, {
        namespacePrefix: ["docs"],
        filter,
        limit: 10,
        offset: 0,
        vector,
      }, "index");
      return await tx<{ "QUERY PLAN": string }[]>`
        EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${statement}`;
    });
    return plan.map((row) => row["QUERY PLAN"]).join("\n").replace(/'\[[^\]]*\]'/g, "'[…]'");
  }
  const rowsFound = (plan: string) =>
    // The plan's top node is the statement's result.
    Number(/actual rows=(\d+)/.exec(plan.split("\n")[0] ?? "")?.[1]);

  await t.step("EXPLAIN of the store's search statement uses the HNSW index", async () => {
    const plan = await explain(undefined);
    assert.match(plan, new RegExp(`Index Scan using ${MEMORY_HNSW_INDEX}`), plan);
    assert.doesNotMatch(plan, /Seq Scan/, plan);
    assert.equal(rowsFound(plan), 10, plan);
  });

  await t.step(
    "through the index, a 5% filter fills the limit only with iterative scan",
    async () => {
      // A filter this selective on a table this small is cheaper as an exact
      // scan, which the planner rightly picks; forbid the alternatives to
      // exercise the index path a big table takes.
      // ef_search 20 holds about one 5% match, which makes the contrast certain.
      const forceIndex = "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; " +
        "SET LOCAL enable_sort = off; SET LOCAL hnsw.ef_search = 20";
      const iterative = await explain({ category: 3 }, forceIndex);
      assert.match(iterative, new RegExp(`Index Scan using ${MEMORY_HNSW_INDEX}`), iterative);
      assert.equal(rowsFound(iterative), 10, iterative);
      const plain = await explain(
        { category: 3 },
        `${forceIndex}; SET LOCAL hnsw.iterative_scan = off`,
      );
      assert.match(plain, new RegExp(`Index Scan using ${MEMORY_HNSW_INDEX}`), plain);
      assert.ok(rowsFound(plain) < 10, `without iterative scan: ${rowsFound(plain)} rows`);
    },
  );

  await t.step("a 5% filter still returns the full limit, matching exact search", async () => {
    let overlap = 0;
    const queries = 10;
    for (let q = 0; q < queries; q++) {
      const vector = await randomVector(app);
      const hits = await app.memory.search(OWNER, {
        namespacePrefix: ["docs"],
        vector,
        filter: { category: 3 },
        limit: 10,
      });
      assert.equal(hits.length, 10);
      assert.ok(hits.every((h) => h.value.category === 3 && h.key.startsWith("doc-")));
      const exact = await app.database.sql<{ key: string }[]>`
        ${
        searchStatement(app.database.sql, OWNER, {
          namespacePrefix: ["docs"],
          filter: { category: 3 },
          limit: 10,
          offset: 0,
          vector,
        }, "exact")
      }`;
      const want = new Set(exact.map((row) => row.key));
      overlap += hits.filter((h) => want.has(h.key)).length;
    }
    const recall = overlap / (queries * 10);
    assert.ok(recall >= 0.9, `recall@10 ${recall}`);
  });
}

Deno.test("HNSW search on embedded PGlite", async (t) => {
  // 256 dimensions, not the default 1536: PGlite builds the index in WASM, and at 1536 that
  // took 1 min alone and over 3 min in the parallel suite, whose last file it was. The plan,
  // the iterative scan and the recall checked here do not depend on the dimension.
  const app = await startTestApp({ LANGMEM_EMBEDDING_DIMS: "256" });
  try {
    await checks(t, app);
  } finally {
    await app.close();
  }
});

Deno.test({
  name: "HNSW search on the local PostgreSQL server",
  ignore: local.ignore,
  async fn(t) {
    const db = await createThrowawayDatabase();
    const app = await startTestApp({ DATABASE_URL: db.url, DB_POOL_SIZE: "2" });
    try {
      await checks(t, app);
    } finally {
      await app.close();
      await db.drop();
    }
  },
});
