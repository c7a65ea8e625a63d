/**
 * Semantic search over one owner's chunks (of `READY` documents only), by
 * cosine distance. It takes
 * the path memory search takes (src/memories/store/search_query.ts), for the same
 * reasons: an owner with few chunks is scanned exactly (fast and perfectly
 * accurate); above that the HNSW index is used with iterative scans, and
 * when the owner filter leaves fewer rows than asked the search is repeated
 * exactly, so it never misses passages that exist.
 *
 * @module
 */
import type { Sql } from "postgres";
import type { Queryable } from "../db/sql.ts";
import { EXACT_SCAN_MAX, searchSettings, vectorLiteral } from "../db/pgvector.ts";

/** One matching passage. */
export interface ChunkHit {
  documentId: string;
  filename: string;
  chunkIndex: number;
  content: string;
  /** Cosine similarity, 1 for the same direction. */
  score: number;
}

/** A checked search. */
export interface ChunkSearch {
  ownerId: string;
  vector: number[];
  limit: number;
  /** Only chunks embedded by this model are comparable with `vector`. */
  embeddingModel: string;
  /** How many chunks the owner has (chooses the path). */
  ownerChunks: number;
  efSearch: number;
}

/** The statement for a path; EXPLAIN tests can run exactly this. */
export function chunkSearchStatement(sql: Queryable, search: ChunkSearch, exact: boolean) {
  const query = vectorLiteral(search.vector);
  // Adding 0 hides the distance from the planner, which then cannot pick the index.
  const distance = exact
    ? sql`(c.embedding <=> ${query}::vector) + 0`
    : sql`c.embedding <=> ${query}::vector`;
  return sql`
    WITH hits AS MATERIALIZED (
      SELECT c.document_id, c.chunk_index, c.content, ${distance} AS distance
      FROM document_chunks c
      WHERE c.owner_id = ${search.ownerId}
        -- Filtered here, not after the LIMIT: chunks of another model must not take the slots.
        AND c.document_id IN (
          SELECT id FROM documents
          WHERE owner_id = ${search.ownerId} AND embedding_model = ${search.embeddingModel}
            AND status = 'READY'
        )
      ORDER BY distance
      LIMIT ${search.limit}
    )
    SELECT h.document_id::text AS "documentId", d.filename, h.chunk_index AS "chunkIndex",
      h.content, (1 - h.distance)::float8 AS score
    FROM hits h
    JOIN documents d ON d.id = h.document_id AND d.owner_id = ${search.ownerId}
      AND d.embedding_model = ${search.embeddingModel} AND d.status = 'READY'
    ORDER BY h.distance, d.filename, h.chunk_index`;
}

/** Runs the search; see the module notes for how the path is chosen. */
export async function searchChunks(sql: Sql, search: ChunkSearch): Promise<ChunkHit[]> {
  if (search.ownerChunks > EXACT_SCAN_MAX) {
    const settings = searchSettings({ efSearch: search.efSearch });
    const rows = await sql.begin(async (tx) => {
      await tx.unsafe(settings);
      return await tx<ChunkHit[]>`${chunkSearchStatement(tx, search, false)}`;
    }) as ChunkHit[];
    if (rows.length >= search.limit) return rows;
  }
  return [...await sql<ChunkHit[]>`${chunkSearchStatement(sql, search, true)}`];
}
