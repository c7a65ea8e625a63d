/**
 * The chunks' vector column and its HNSW index, set up at start as the
 * memory index is (src/memories/store/index_meta.ts): the column is typed to
 * `vector(dims)` from `LANGMEM_EMBEDDING_DIMS` and the cosine HNSW index
 * built on it. Changing the dimension while chunks are stored would mix
 * incomparable vectors, so that start fails and says how to fix it.
 *
 * @example
 * ```ts
 * const { otherModel } = await ensureDocumentIndex(sql, { model: "offline", dims: 256 });
 * ```
 * @module
 */
import type { Sql } from "postgres";
import { type IndexIdentity, MAX_INDEXED_DIMS } from "../db/pgvector.ts";

/** The HNSW index's name, for EXPLAIN checks. */
export const DOCUMENT_HNSW_INDEX = "document_chunks_embedding_hnsw";
/** The index's definition (pgvector's defaults: m = 16, ef_construction = 64). */
export const DOCUMENT_HNSW_DDL =
  `CREATE INDEX IF NOT EXISTS ${DOCUMENT_HNSW_INDEX} ON document_chunks ` +
  "USING hnsw (embedding vector_cosine_ops)";
/** "docindex" in ASCII: serialises index changes across replicas. */
const LOCK_KEY = BigInt("0x646f63696e646578").toString();

/** Thrown at start when stored chunks have another dimension than the configured one. */
export class DocumentIndexMismatchError extends Error {
  constructor(stored: string, dims: number, chunks: number) {
    super(
      `Stored document chunks have ${stored} embeddings, but LANGMEM_EMBEDDING_DIMS is ${dims}. ` +
        "Restore the previous LANGMEM_EMBEDDING_DIMS, or delete the documents (deleteDocument) " +
        `and upload them again; ${chunks} chunks are stored.`,
    );
    this.name = "DocumentIndexMismatchError";
  }
}

/**
 * Types the column and builds the index; returns how many documents were
 * embedded with another model than `identity.model` (searches skip them).
 *
 * @throws {DocumentIndexMismatchError} when stored chunks have another dimension.
 */
export async function ensureDocumentIndex(
  sql: Sql,
  identity: IndexIdentity,
): Promise<{ otherModel: number }> {
  if (!Number.isInteger(identity.dims) || identity.dims < 1 || identity.dims > MAX_INDEXED_DIMS) {
    throw new RangeError(
      `LANGMEM_EMBEDDING_DIMS is ${identity.dims}, but pgvector's HNSW index holds at most ` +
        `${MAX_INDEXED_DIMS} dimensions: choose a model or a dimension within that.`,
    );
  }
  const wanted = `vector(${identity.dims})`;
  return await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${LOCK_KEY}::bigint)`;
    const [column] = await tx<{ type: string }[]>`
      SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = 'document_chunks'::regclass AND attname = 'embedding'`;
    if (column?.type !== wanted) {
      const [row] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM document_chunks`;
      const chunks = row?.n ?? 0;
      if (chunks > 0) {
        throw new DocumentIndexMismatchError(column?.type ?? "?", identity.dims, chunks);
      }
      await tx.unsafe(`DROP INDEX IF EXISTS ${DOCUMENT_HNSW_INDEX}`);
      await tx.unsafe(`ALTER TABLE document_chunks ALTER COLUMN embedding TYPE ${wanted}`);
    }
    await tx.unsafe(DOCUMENT_HNSW_DDL);
    const [other] = await tx<{ n: number }[]>`
      SELECT count(*)::int AS n FROM documents WHERE embedding_model <> ${identity.model}`;
    return { otherModel: other?.n ?? 0 };
  }) as { otherModel: number };
}
