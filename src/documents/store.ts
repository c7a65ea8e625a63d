/**
 * The `documents`, `document_uploads` and `document_chunks` tables: plain
 * SQL, every client-facing read and write scoped to the owner. An upload
 * stores the document (`PROCESSING`) with its bytes; the ingest job writes
 * all the chunks and the `READY` status in one transaction, so a failure
 * part-way stores no chunks.
 *
 * @module
 */
import type { Sql } from "postgres";
import { type KeysetPage, newestFirst, type Queryable } from "../db/sql.ts";
import { vectorLiteral } from "../db/pgvector.ts";

/** Where a document's ingest stands. */
export type DocumentStatus = "PROCESSING" | "READY" | "FAILED";

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
  status: DocumentStatus;
  /** 0 to 1: the share of the ingest done. */
  progress: number;
  /** Why the ingest failed, when `FAILED`. */
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An accepted upload, before its ingest; the database fills in the rest. */
export type NewDocument =
  & Pick<
    DocumentRecord,
    | "ownerId"
    | "filename"
    | "title"
    | "mediaType"
    | "sizeBytes"
    | "contentSha256"
    | "embeddingModel"
  >
  & { bytes: Uint8Array };

/** What the ingest found, written with the chunks. */
export interface IngestResult {
  textChars: number;
  /** The embedder the vectors came from (the configured one at ingest time). */
  embeddingModel: string;
  chunks: { content: string; embedding: number[] }[];
}

/**
 * Chunks per INSERT. Each statement carries its rows as one JSON parameter;
 * 100 chunks of 1536 dims is about 2 MB, small enough for any server and
 * few enough round trips (100 for the largest uploads).
 */
export const INSERT_BATCH = 100;

const COLUMNS = `id::text AS id, seq::text AS seq, owner_id AS "ownerId", filename, title,
  media_type AS "mediaType", size_bytes::float8 AS "sizeBytes", content_sha256 AS "contentSha256",
  text_chars AS "textChars", chunk_count AS "chunkCount", embedding_model AS "embeddingModel",
  status, progress::float8 AS progress, error, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The store's operations. */
export type DocumentStore = ReturnType<typeof createDocumentStore>;

/** Creates the store over the app's pool. */
export function createDocumentStore(sql: Sql) {
  // A fresh fragment per query: postgres.js fragments belong to one query.
  const columns = () => sql.unsafe(COLUMNS);
  return {
    /** Inserts an accepted upload, `PROCESSING`, with its bytes (on `db`: a transaction). */
    async insert(db: Queryable, document: NewDocument): Promise<DocumentRecord> {
      const [created] = await db<DocumentRecord[]>`
        INSERT INTO documents (owner_id, filename, title, media_type, size_bytes,
          content_sha256, embedding_model, status, progress)
        VALUES (${document.ownerId}, ${document.filename}, ${document.title},
          ${document.mediaType}, ${document.sizeBytes}, ${document.contentSha256},
          ${document.embeddingModel}, 'PROCESSING', 0)
        RETURNING ${db.unsafe(COLUMNS)}`;
      const record = created as DocumentRecord;
      await db`
        INSERT INTO document_uploads (document_id, owner_id, bytes)
        VALUES (${record.id}, ${document.ownerId}, ${document.bytes})`;
      return record;
    },

    /** A document still `PROCESSING` with its stored bytes, for the ingest job (any owner). */
    async pending(
      id: string,
    ): Promise<{ document: DocumentRecord; bytes: Uint8Array } | undefined> {
      const [row] = await sql<(DocumentRecord & { bytes: Uint8Array })[]>`
        SELECT ${columns()},
          (SELECT bytes FROM document_uploads WHERE document_id = documents.id) AS bytes
        FROM documents WHERE id = ${id} AND status = 'PROCESSING'`;
      if (row === undefined || row.bytes === null) return undefined;
      const { bytes, ...document } = row;
      // postgres.js reads bytea as a Node Buffer; the parsers want a plain Uint8Array.
      return { document, bytes: new Uint8Array(bytes) };
    },

    /** Raises a `PROCESSING` document's progress (never lowers it); false when it is gone. */
    async setProgress(id: string, progress: number): Promise<boolean> {
      const rows = await sql`
        UPDATE documents SET progress = greatest(progress, ${progress}), updated_at = now()
        WHERE id = ${id} AND status = 'PROCESSING'
        RETURNING 1`;
      return rows.length > 0;
    },

    /**
     * Inside the ingest's transaction: writes every chunk and makes the
     * document `READY`, dropping its stored bytes. False (nothing written)
     * when the document was deleted or is no longer `PROCESSING`.
     */
    async finish(tx: Queryable, id: string, result: IngestResult): Promise<boolean> {
      const [document] = await tx<{ ownerId: string }[]>`
        SELECT owner_id AS "ownerId" FROM documents
        WHERE id = ${id} AND status = 'PROCESSING' FOR UPDATE`;
      if (document === undefined) return false;
      for (let start = 0; start < result.chunks.length; start += INSERT_BATCH) {
        const rows = result.chunks.slice(start, start + INSERT_BATCH).map((chunk, i) => ({
          chunk_index: start + i,
          content: chunk.content,
          embedding: vectorLiteral(chunk.embedding),
        }));
        await tx`
          INSERT INTO document_chunks (document_id, chunk_index, owner_id, content, embedding)
          SELECT ${id}::uuid, r.chunk_index, ${document.ownerId}, r.content, r.embedding::vector
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
            AS r(chunk_index int, content text, embedding text)`;
      }
      await tx`
        UPDATE documents SET status = 'READY', progress = 1, error = NULL,
          text_chars = ${result.textChars}, chunk_count = ${result.chunks.length},
          embedding_model = ${result.embeddingModel}, updated_at = now()
        WHERE id = ${id}`;
      await tx`DELETE FROM document_uploads WHERE document_id = ${id}`;
      return true;
    },

    /** Inside the failing job's transaction: `FAILED` with `reason`, bytes dropped, no chunks. */
    async fail(tx: Queryable, id: string, reason: string): Promise<boolean> {
      const rows = await tx`
        UPDATE documents SET status = 'FAILED', error = ${reason}, updated_at = now()
        WHERE id = ${id} AND status = 'PROCESSING'
        RETURNING 1`;
      await tx`DELETE FROM document_uploads WHERE document_id = ${id}`;
      return rows.length > 0;
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

    /** How many searchable chunks (of `READY` documents) the owner has, to choose the search path. */
    async chunkCount(ownerId: string): Promise<number> {
      const [row] = await sql<{ n: number }[]>`
        SELECT coalesce(sum(chunk_count), 0)::int AS n FROM documents
        WHERE owner_id = ${ownerId} AND status = 'READY'`;
      return row?.n ?? 0;
    },
  };
}
