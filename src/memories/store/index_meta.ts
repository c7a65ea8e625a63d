/**
 * The vector index and the model it was built with. At start the store
 * types `memory_items.embedding` to `vector(dims)` and builds the HNSW
 * index; `memory_index` records which model and dimension made the stored
 * vectors. A start with another model or dimension would mix incomparable
 * vectors, so it fails with {@linkcode EmbeddingIndexMismatchError} naming
 * the fix: `deno task memory:reindex`, which re-embeds every memory.
 *
 * @example
 * ```ts
 * await ensureMemoryIndex(sql, { model: "openai:text-embedding-3-small", dims: 1536 });
 * ```
 * @module
 */
import type { Sql } from "postgres";
import type { Queryable } from "../../db/sql.ts";
import { type IndexIdentity, MAX_INDEXED_DIMS } from "../../db/pgvector.ts";

/** The HNSW index's name, for EXPLAIN checks. */
export const MEMORY_HNSW_INDEX = "memory_items_embedding_hnsw";
/** The index's definition (pgvector's defaults: m = 16, ef_construction = 64). */
export const MEMORY_HNSW_DDL = `CREATE INDEX IF NOT EXISTS ${MEMORY_HNSW_INDEX} ON memory_items ` +
  "USING hnsw (embedding vector_cosine_ops)";
/** Recorded while a re-index runs, so no start accepts half-converted vectors. */
const REINDEXING = "(re-index in progress)";
/** "memindex" in ASCII: serialises index changes across replicas. */
const LOCK_KEY = BigInt("0x6d656d696e646578").toString();

/** Thrown at start when the stored vectors came from another model or dimension. */
export class EmbeddingIndexMismatchError extends Error {
  readonly stored: IndexIdentity;
  readonly configured: IndexIdentity;
  constructor(stored: IndexIdentity, configured: IndexIdentity, embedded: number) {
    super(
      stored.model === REINDEXING
        ? "A memory re-index was interrupted; run `deno task memory:reindex` again to finish it."
        : `Stored memories were embedded with "${stored.model}" (${stored.dims} dims), but this ` +
          `start is configured for "${configured.model}" (${configured.dims} dims; from ` +
          "OPENAI_API_KEY, EMBEDDING_MODEL and LANGMEM_EMBEDDING_DIMS). Searching would compare " +
          `incomparable vectors. Run \`deno task memory:reindex\` to re-embed the ${embedded} ` +
          "stored memories with the new settings, or restore the previous settings.",
    );
    this.name = "EmbeddingIndexMismatchError";
    this.stored = stored;
    this.configured = configured;
  }
}

/** Reads the recorded identity, if any. */
export async function readIndexIdentity(sql: Queryable): Promise<IndexIdentity | undefined> {
  const [row] = await sql<{ embedding_model: string; dims: number }[]>`
    SELECT embedding_model, dims FROM memory_index`;
  return row === undefined ? undefined : { model: row.embedding_model, dims: row.dims };
}

/**
 * Makes sure the column, the index and the record match `identity`. An empty
 * store simply adopts a new identity; a store with vectors refuses it.
 *
 * @throws {EmbeddingIndexMismatchError} when stored vectors disagree.
 */
export async function ensureMemoryIndex(sql: Sql, identity: IndexIdentity): Promise<void> {
  checkDims(identity.dims);
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${LOCK_KEY}::bigint)`;
    const stored = await readIndexIdentity(tx);
    const same = stored?.model === identity.model && stored?.dims === identity.dims;
    if (stored !== undefined && !same) {
      const [row] = await tx<{ embedded: number }[]>`
        SELECT count(*)::int AS embedded FROM memory_items WHERE embedding IS NOT NULL`;
      if ((row?.embedded ?? 0) > 0 || stored.model === REINDEXING) {
        throw new EmbeddingIndexMismatchError(stored, identity, row?.embedded ?? 0);
      }
    }
    if (!same) await retype(tx, identity.dims);
    await tx.unsafe(MEMORY_HNSW_DDL);
    if (!same) await record(tx, identity);
  });
}

/** Options for {@linkcode reindexMemories}. */
export interface ReindexOptions {
  /** Embeds a batch of texts with the new embedder. */
  embed(texts: string[]): Promise<number[][]>;
  batchSize?: number;
  onProgress?(done: number, total: number): void;
}

/**
 * Re-embeds every stored memory with a new embedder: drops the index,
 * clears and re-types the vectors, embeds each item's stored text, rebuilds
 * the index and records the new identity. Safe to run again after a crash.
 */
export async function reindexMemories(
  sql: Sql,
  identity: IndexIdentity,
  options: ReindexOptions,
): Promise<{ reembedded: number }> {
  checkDims(identity.dims);
  const total = await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${LOCK_KEY}::bigint)`;
    await record(tx, { model: REINDEXING, dims: identity.dims });
    await tx.unsafe(`DROP INDEX IF EXISTS ${MEMORY_HNSW_INDEX}`);
    await tx`UPDATE memory_items SET embedding = NULL WHERE embedding IS NOT NULL`;
    await retype(tx, identity.dims);
    const [row] = await tx<{ n: number }[]>`
      SELECT count(*)::int AS n FROM memory_items WHERE text IS NOT NULL`;
    return row?.n ?? 0;
  });
  const batchSize = options.batchSize ?? 256;
  let done = 0;
  while (true) {
    const rows = await sql<{ owner_id: string; namespace: string[]; key: string; text: string }[]>`
      SELECT owner_id, namespace, key, text FROM memory_items
      WHERE text IS NOT NULL AND embedding IS NULL
      ORDER BY owner_id, namespace, key LIMIT ${batchSize}`;
    if (rows.length === 0) break;
    const vectors = await options.embed(rows.map((row) => row.text));
    const updates = rows.map((row, i) => ({
      owner_id: row.owner_id,
      namespace: row.namespace,
      key: row.key,
      embedding: `[${vectors[i]!.join(",")}]`,
    }));
    await sql`
      UPDATE memory_items m SET embedding = r.embedding::vector
      FROM jsonb_to_recordset(${JSON.stringify(updates)}::text::jsonb)
        AS r(owner_id text, namespace text[], key text, embedding text)
      WHERE m.owner_id = r.owner_id AND m.namespace = r.namespace AND m.key = r.key`;
    done += rows.length;
    options.onProgress?.(done, total);
  }
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${LOCK_KEY}::bigint)`;
    await tx.unsafe(MEMORY_HNSW_DDL);
    await record(tx, identity);
  });
  return { reembedded: done };
}

function checkDims(dims: number): void {
  if (!Number.isInteger(dims) || dims < 1 || dims > MAX_INDEXED_DIMS) {
    throw new RangeError(
      `LANGMEM_EMBEDDING_DIMS is ${dims}, but pgvector's HNSW index holds at most ` +
        `${MAX_INDEXED_DIMS} dimensions: choose a model or a dimension within that.`,
    );
  }
}

async function retype(tx: Queryable, dims: number): Promise<void> {
  await tx.unsafe(`DROP INDEX IF EXISTS ${MEMORY_HNSW_INDEX}`);
  await tx.unsafe(`ALTER TABLE memory_items ALTER COLUMN embedding TYPE vector(${dims})`);
}

async function record(tx: Queryable, identity: IndexIdentity): Promise<void> {
  await tx`
    INSERT INTO memory_index (singleton, embedding_model, dims) VALUES (true, ${identity.model}, ${identity.dims})
    ON CONFLICT (singleton) DO UPDATE SET
      embedding_model = EXCLUDED.embedding_model, dims = EXCLUDED.dims, updated_at = now()`;
}
