/**
 * `deno task memory:reindex`: re-embeds every stored memory with the
 * embedder the environment now configures (OPENAI_API_KEY, EMBEDDING_MODEL,
 * LANGMEM_EMBEDDING_DIMS), rebuilds the HNSW index and records the new
 * model, so the service starts again after a model or dimension change.
 * Safe to run again if interrupted. Stop the service first: searches during
 * a re-index would see missing vectors.
 *
 * @module
 */
import { loadConfig } from "../src/config.ts";
import { createEmbeddings, embedChecked } from "../src/llm/embeddings.ts";
import { reindexMemories } from "../src/memories/store/index_meta.ts";
import { openMemoryDatabase } from "./memory_database.ts";

if (import.meta.main) {
  const config = loadConfig(Deno.env.toObject());
  const provider = createEmbeddings(config);
  const db = await openMemoryDatabase(config);
  try {
    console.log(`Re-embedding memories with ${provider.model} (${provider.dims} dims)…`);
    const { reembedded } = await reindexMemories(db.sql, provider, {
      embed: (texts) => embedChecked(provider, texts),
      onProgress: (done, total) => console.log(`  ${done}/${total}`),
    });
    console.log(`Done: ${reembedded} memories re-embedded; the index is rebuilt.`);
  } finally {
    await db.close();
  }
}
