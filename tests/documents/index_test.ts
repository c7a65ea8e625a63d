/**
 * The chunks' vector index: searches of owners with many chunks go through
 * the HNSW index (EXPLAIN of the exact statement) and still return only the
 * owner's passages in full; a restart with another dimension stops with a
 * message saying what to do; documents from another embedding model are
 * left out of searches, with a warning at start.
 */
import assert from "node:assert/strict";
import { startTestApp, type TestApp } from "../support/app.ts";
import { startMockOpenAI } from "../support/mock_openai.ts";
import { chunkSearchStatement, searchChunks } from "../../src/documents/search.ts";
import { searchSettings } from "../../src/db/pgvector.ts";
import { DOCUMENT_HNSW_DDL, DOCUMENT_HNSW_INDEX } from "../../src/documents/index_meta.ts";
import type { Viewer } from "../../src/auth/mod.ts";
import { uploadReady } from "./support.ts";

const viewer = (id: string): Viewer => ({ id, roles: ["user"], anonymous: false });
const OWNER = "index-user";

/** `count` chunks of random vectors for `owner`, in one document. */
async function seed(
  app: TestApp,
  owner: string,
  count: number,
  model = app.memory.embedder.model,
): Promise<void> {
  const sql = app.database.sql;
  const dims = app.memory.embedder.dims;
  const [doc] = await sql<{ id: string }[]>`
    INSERT INTO documents (owner_id, filename, media_type, size_bytes, content_sha256,
      text_chars, chunk_count, embedding_model, status, progress)
    VALUES (${owner}, 'seeded.txt', 'text/plain', 1, ${"0".repeat(64)}, 1, ${count},
      ${model}, 'READY', 1)
    RETURNING id::text`;
  await sql`
    INSERT INTO document_chunks (document_id, chunk_index, owner_id, content, embedding)
    SELECT ${doc!.id}::uuid, i, ${owner}, 'chunk ' || i,
      (SELECT array_agg(random() - 0.5) FROM generate_series(1, ${dims}::int) WHERE i >= 0)::vector
    FROM generate_series(0, ${count - 1}::int) AS i`;
  await sql`ANALYZE document_chunks`;
}

Deno.test("document search: the HNSW path returns the owner's passages in full", async () => {
  const app = await startTestApp({ LANGMEM_EMBEDDING_DIMS: "32" });
  try {
    await app.database.sql`SELECT setseed(0.5)`;
    // Built once after loading, as a restore does: much faster than row by row.
    await app.database.sql.unsafe(`DROP INDEX ${DOCUMENT_HNSW_INDEX}`);
    await seed(app, OWNER, 1200);
    await seed(app, "someone-else", 1200);
    await app.database.sql.unsafe(DOCUMENT_HNSW_DDL);
    const vector = Array.from({ length: 32 }, (_, i) => Math.sin(i));
    const search = {
      ownerId: OWNER,
      vector,
      limit: 10,
      embeddingModel: app.memory.embedder.model,
      ownerChunks: 1200,
      efSearch: app.config.memory.hnswEfSearch,
    };
    const plan = await app.database.sql.begin(async (tx) => {
      await tx.unsafe(searchSettings({ efSearch: search.efSearch }));
      return await tx<{ "QUERY PLAN": string }[]>`
        EXPLAIN ${chunkSearchStatement(tx, search, false)}`;
    }) as { "QUERY PLAN": string }[];
    const text = plan.map((r) => r["QUERY PLAN"]).join("\n");
    assert.match(text, /document_chunks_embedding_hnsw/, text);

    const hits = await searchChunks(app.database.sql, search);
    assert.equal(hits.length, 10);
    const exact = await app.database.sql<{ chunkIndex: number }[]>`
      ${chunkSearchStatement(app.database.sql, search, true)}`;
    const recall = hits.filter((h) => exact.some((e) => e.chunkIndex === h.chunkIndex)).length;
    assert.ok(recall >= 8, `recall@10 ${recall}`);
    for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.score >= hits[i]!.score);
    const owners = await app.database.sql<{ owner_id: string }[]>`
      SELECT DISTINCT d.owner_id FROM documents d
      WHERE d.id = ANY(${[...new Set(hits.map((h) => h.documentId))]}::uuid[])`;
    assert.deepEqual(owners.map((o) => o.owner_id), [OWNER]);
  } finally {
    await app.close();
  }
});

Deno.test("document index: another dimension stops the start; another model is skipped", async () => {
  const dir = await Deno.makeTempDir();
  const mock = await startMockOpenAI({ embeddingDimensions: 64 });
  try {
    const first = await startTestApp({ PGLITE_DATA_DIR: dir, LANGMEM_EMBEDDING_DIMS: "64" });
    await uploadReady(first, viewer("alice"), {
      file: new File(["The lighthouse keeper logs every ship."], "log.txt"),
    });
    await first.close();

    await assert.rejects(
      startTestApp({ PGLITE_DATA_DIR: dir, LANGMEM_EMBEDDING_DIMS: "32" }),
      /Stored document chunks have vector\(64\) embeddings, but LANGMEM_EMBEDDING_DIMS is 32\. Restore the previous LANGMEM_EMBEDDING_DIMS, or delete the documents/,
    );

    const second = await startTestApp({
      PGLITE_DATA_DIR: dir,
      LANGMEM_EMBEDDING_DIMS: "64",
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: mock.url,
    });
    try {
      const warning = second.logs.find((l) => String(l.message).includes("another model"));
      assert.equal(warning?.documents, 1);
      assert.deepEqual(await second.documents.search("alice", "lighthouse keeper"), []);
      await uploadReady(second, viewer("alice"), {
        file: new File(["The lighthouse keeper also logs the weather."], "weather.txt"),
      });
      const passages = await second.documents.search("alice", "lighthouse keeper");
      assert.deepEqual(passages.map((p) => p.filename), ["weather.txt"]);
    } finally {
      await second.close();
    }
  } finally {
    await mock.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("document search: another model's chunks never take the current model's slots", async () => {
  const app = await startTestApp({ LANGMEM_EMBEDDING_DIMS: "32" });
  try {
    await seed(app, OWNER, 40, "an-older-model");
    await seed(app, OWNER, 5);
    const hits = await searchChunks(app.database.sql, {
      ownerId: OWNER,
      vector: Array.from({ length: 32 }, (_, i) => Math.cos(i)),
      limit: 5,
      embeddingModel: app.memory.embedder.model,
      ownerChunks: 45,
      efSearch: app.config.memory.hnswEfSearch,
    });
    assert.equal(hits.length, 5, "all five current-model chunks, whatever the older ones score");
  } finally {
    await app.close();
  }
});
