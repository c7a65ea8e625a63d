import assert from "node:assert/strict";
import { startTestApp } from "../support/app.ts";
import { EmbeddingIndexMismatchError } from "../../src/memories/store/index_meta.ts";

/** Under `.data/`, the only place the task may write, like `deno task start`. */
async function dataDirUnderDotData(): Promise<string> {
  await Deno.mkdir(".data", { recursive: true });
  return await Deno.makeTempDir({ dir: ".data", prefix: "test-reindex-" });
}

Deno.test("a changed embedding dimension stops the start until `deno task memory:reindex` runs", async () => {
  const dataDir = await dataDirUnderDotData();
  try {
    const first = await startTestApp({ PGLITE_DATA_DIR: dataDir, LANGMEM_EMBEDDING_DIMS: "64" });
    await first.memory.forOwner("alice").put(["notes"], "tea", { content: "likes green tea" });
    await first.close();

    await assert.rejects(
      () => startTestApp({ PGLITE_DATA_DIR: dataDir, LANGMEM_EMBEDDING_DIMS: "128" }),
      (error: unknown) => {
        assert.ok(error instanceof EmbeddingIndexMismatchError);
        assert.match(error.message, /64 dims/);
        assert.match(error.message, /128 dims/);
        assert.match(error.message, /deno task memory:reindex/);
        return true;
      },
    );

    const command = new Deno.Command(Deno.execPath(), {
      args: ["task", "memory:reindex"],
      env: { PGLITE_DATA_DIR: dataDir, LANGMEM_EMBEDDING_DIMS: "128" },
      stdout: "piped",
      stderr: "piped",
    });
    const output = await command.output();
    const stdout = new TextDecoder().decode(output.stdout);
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    assert.match(stdout, /1 memories re-embedded/);

    const second = await startTestApp({ PGLITE_DATA_DIR: dataDir, LANGMEM_EMBEDDING_DIMS: "128" });
    try {
      const hits = await second.memory.forOwner("alice").search(["notes"], { query: "green tea" });
      assert.equal(hits.length, 1);
      assert.ok((hits[0]!.score ?? 0) > 0.5);
      const [dims] = await second.database
        .sql`SELECT vector_dims(embedding) AS d FROM memory_items`;
      assert.equal(dims!.d, 128);
    } finally {
      await second.close();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("an empty store adopts a new embedding model without a re-index", async () => {
  const dataDir = await dataDirUnderDotData();
  try {
    const first = await startTestApp({ PGLITE_DATA_DIR: dataDir, LANGMEM_EMBEDDING_DIMS: "64" });
    await first.close();
    const second = await startTestApp({ PGLITE_DATA_DIR: dataDir, LANGMEM_EMBEDDING_DIMS: "32" });
    try {
      const [row] = await second.database.sql`SELECT dims FROM memory_index`;
      assert.equal(row!.dims, 32);
    } finally {
      await second.close();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
