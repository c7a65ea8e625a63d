/**
 * The `documents` and `document_chunks` tables: plain SQL, every read and
 * write scoped to the owner. A document and all its chunks are written in
 * one transaction, so a failure part-way stores nothing.
 *
 * @module
 */
import type { Sql } from "postgres";
import { type KeysetPage, newestFirst } from "../db/sql.ts";
import { vectorLiteral } from "../db/pgvector.ts";

/** One `documents` row. */
export interface DocumentRecord {
  id: string;
  seq: string;
  ownerId: string;
  filename: string;
  title: string | null;
  mediaType: string;
  sizeBytes: number;
  contentSha256: string;
  textChars: number;
  chunkCount: number;
  embeddingModel: string;
  createdAt: Date;
}

/** A new document with its embedded chunks, in order; the database fills in the rest. */
export type NewDocument = Omit<DocumentRecord, "id" | "seq" | "chunkCount" | "createdAt"> & {
  chunks: { content: string; embedding: number[] }[];
};

/**
 * Chunks per INSERT. Each statement carries its rows as one JSON parameter;
 * 100 chunks of 1536 dims is about 2 MB, small enough for any server and
 * few enough round trips (100 for the largest uploads).
 */
export const INSERT_BATCH = 100;

const COLUMNS = `id::text AS id, seq::text AS seq, owner_id AS "ownerId", filename, title,
  media_type AS "mediaType", size_bytes::float8 AS "sizeBytes", content_sha256 AS "contentSha256",
  text_chars AS "textChars", chunk_count AS "chunkCount", embedding_model AS "embeddingModel",
  created_at AS "createdAt"`;

/** The store's operations. */
export type DocumentStore = ReturnType<typeof createDocumentStore>;

/** Creates the store over the app's pool. */
export function createDocumentStore(sql: Sql) {
  // A fresh fragment per query: postgres.js fragments belong to one query.
  const columns = () => sql.unsafe(COLUMNS);
  return {
    /** Inserts the document and every chunk, or nothing. */
    async insert(document: NewDocument): Promise<DocumentRecord> {
      return await sql.begin(async (tx) => {
        const [created] = await tx<DocumentRecord[]>`
          INSERT INTO documents (owner_id, filename, title, media_type, size_bytes,
            content_sha256, text_chars, chunk_count, embedding_model)
          VALUES (${document.ownerId}, ${document.filename}, ${document.title},
            ${document.mediaType}, ${document.sizeBytes}, ${document.contentSha256},
            ${document.textChars}, ${document.chunks.length}, ${document.embeddingModel})
          RETURNING ${tx.unsafe(COLUMNS)}`;
        const record = created as DocumentRecord;
        for (let start = 0; start < document.chunks.length; start += INSERT_BATCH) {
          const rows = document.chunks.slice(start, start + INSERT_BATCH).map((chunk, i) => ({
            chunk_index: start + i,
            content: chunk.content,
            embedding: vectorLiteral(chunk.embedding),
          }));
          await tx`
            INSERT INTO document_chunks (document_id, chunk_index, owner_id, content, embedding)
            SELECT ${record.id}::uuid, r.chunk_index, ${document.ownerId}, r.content,
              r.embedding::vector
            FROM jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
              AS r(chunk_index int, content text, embedding text)`;
        }
        return record;
      }) as DocumentRecord;
    },

    async find(ownerId: string, id: string): Promise<DocumentRecord | undefined> {
      const [row] = await sql<DocumentRecord[]>`
        SELECT ${columns()} FROM documents WHERE id = ${id} AND owner_id = ${ownerId}`;
      return row;
    },

    /** Several documents by id, the owner's only. */
    findMany(ownerId: string, ids: readonly string[]): Promise<DocumentRecord[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return sql<DocumentRecord[]>`
        SELECT ${columns()} FROM documents
        WHERE owner_id = ${ownerId} AND id = ANY(${ids as string[]}::uuid[])`;
    },

    /** One page of an owner's documents, newest first. */
    list(ownerId: string, page: KeysetPage) {
      return sql<DocumentRecord[]>`
        SELECT ${columns()} FROM documents WHERE owner_id = ${ownerId} ${newestFirst(sql, page)}`;
    },

    /** Deletes the document and (by cascade) its chunks; undefined when not the owner's. */
    async remove(ownerId: string, id: string): Promise<DocumentRecord | undefined> {
      const [row] = await sql<DocumentRecord[]>`
        DELETE FROM documents WHERE id = ${id} AND owner_id = ${ownerId}
        RETURNING ${columns()}`;
      return row;
    },

    /** How many chunks the owner has, to choose the search path. */
    async chunkCount(ownerId: string): Promise<number> {
      const [row] = await sql<{ n: number }[]>`
        SELECT coalesce(sum(chunk_count), 0)::int AS n FROM documents WHERE owner_id = ${ownerId}`;
      return row?.n ?? 0;
    },
  };
}
