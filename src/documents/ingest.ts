/**
 * The `document.ingest` job: reads an uploaded file's stored bytes, parses
 * its text, chunks and embeds it (reporting progress after each batch),
 * then writes every chunk and the `READY` status in one transaction. A file
 * that cannot be read, or has no text, fails at once (no retry can fix it);
 * other errors (the embedder down, the database restarting) are retried by
 * the queue, and the last failure makes the document `FAILED` with the
 * reason, in the transaction that ends the job. Either way no chunk of a
 * failed ingest is stored, and the stored bytes are deleted once the
 * document is `READY` or `FAILED`: its text lives in the chunks, and a
 * failed file must be uploaded again anyway.
 *
 * Idempotent, as the queue requires: a re-run (its worker died) starts
 * from the stored bytes again, and writes only while its claim is current
 * and the document is still `PROCESSING`; a document that was deleted,
 * or already ended, leaves the job nothing to do.
 *
 * @module
 */
import type { Sql } from "postgres";
import type { Config } from "../config.ts";
import type { Logger } from "../observability/logger.ts";
import { AppError } from "../core/errors.ts";
import { embedChecked, type EmbeddingProvider } from "../llm/embeddings.ts";
import type { JobHandler } from "../queue/jobs.ts";
import { extensionOf } from "./file_types.ts";
import { extractLimits, extractText } from "./extract.ts";
import { chunkText } from "./chunking.ts";
import type { DocumentStore } from "./store.ts";
import type { DocumentEvents } from "./status_events.ts";
import type { DocumentMetrics, UploadOutcome } from "./metrics.ts";
import type { DocumentExtension } from "../config/document_types.ts";

/** The job's kind. */
export const INGEST_KIND = "document.ingest";

/**
 * Chunks embedded per request, one request at a time: OpenAI accepts up to
 * 2048 inputs per call, but 256 passages (~80k tokens) keep each request
 * well under its per-request token cap, and going one batch at a time keeps
 * a large upload from using the whole rate limit at once.
 */
export const EMBED_BATCH = 256;

/** The job's payload. */
export interface IngestPayload {
  documentId: string;
}

/** What the ingest needs. */
export interface IngestDeps {
  sql: Sql;
  store: DocumentStore;
  events: DocumentEvents;
  embedder: EmbeddingProvider;
  config: Pick<Config, "documents">;
  metrics: DocumentMetrics;
  logger: Logger;
}

/** What a client reads in `Document.error` when the cause is ours, not the file's. */
export const INTERNAL_INGEST_ERROR =
  "The document could not be indexed because of a server error; upload it again, and tell " +
  "the operator if it keeps failing.";

/** The handler the app registers for {@linkcode INGEST_KIND}. */
export function createIngestHandler(deps: IngestDeps): JobHandler<IngestPayload> {
  const { store, events, embedder, metrics, logger } = deps;
  return {
    maxAttempts: 3,
    // A file that cannot be read stays unreadable: fail at once.
    retryable: (error) => !(error instanceof AppError && error.code === "BAD_USER_INPUT"),

    async run(job, ctx) {
      const { documentId } = job.payload;
      const started = performance.now();
      const found = await store.pending(documentId);
      if (found === undefined) return; // deleted, or already ended by an earlier attempt
      const { document, bytes } = found;
      const extension = extensionOf(document.filename) as DocumentExtension;
      const text = await extractText(
        document.filename,
        extension,
        bytes,
        extractLimits(deps.config),
      );
      const chunks = chunkText(text);
      const batches = Math.ceil(chunks.length / EMBED_BATCH);
      const vectors: number[][] = [];
      for (let start = 0; start < chunks.length; start += EMBED_BATCH) {
        vectors.push(...await embedChecked(embedder, chunks.slice(start, start + EMBED_BATCH)));
        // The final write is the last step: progress reaches 1 only with READY.
        const progress = vectors.length / chunks.length * batches / (batches + 1);
        if (!(await store.setProgress(documentId, progress))) return; // deleted meanwhile
        await events.publish(documentId);
      }
      const written = await deps.sql.begin(async (tx) => {
        if (!(await ctx.holds(tx))) return false;
        const ok = await store.finish(tx, documentId, {
          textChars: text.length,
          embeddingModel: embedder.model,
          chunks: chunks.map((content, i) => ({ content, embedding: vectors[i]! })),
        });
        if (ok) await events.publishIn(tx, documentId);
        return ok;
      });
      if (!written) return;
      const seconds = (performance.now() - started) / 1000;
      metrics.upload(extension, "stored");
      metrics.ingestSeconds(extension, seconds);
      logger.info("document stored", {
        document_id: documentId,
        media_type: document.mediaType,
        size_bytes: document.sizeBytes,
        chunks: chunks.length,
        ingest_ms: Math.round(seconds * 1000),
        attempt: job.attempt,
      });
    },

    async onFailed(job, failure, tx) {
      const { documentId } = job.payload;
      const error = failure.error;
      const clientReason = error instanceof AppError && error.code === "BAD_USER_INPUT"
        ? error.message
        : INTERNAL_INGEST_ERROR;
      const [row] = await tx<{ filename: string }[]>`
        SELECT filename FROM documents WHERE id = ${documentId}`;
      if (!(await store.fail(tx, documentId, clientReason))) return;
      await events.publishIn(tx, documentId);
      metrics.upload(extensionOf(row?.filename ?? "") ?? "none", failureOutcome(error));
      logger.warn("document ingest failed", {
        document_id: documentId,
        attempt: job.attempt,
        reason: failure.reason,
      });
    },
  };
}

/** The upload outcome a failure counts as. */
export function failureOutcome(error: unknown): UploadOutcome {
  if (!(error instanceof AppError) || error.code !== "BAD_USER_INPUT") return "error";
  switch (error.extensions.reason) {
    case "TOO_LARGE":
      return "too_large";
    case "NO_TEXT":
      return "empty";
    case "UNSUPPORTED_TYPE":
      return "unsupported_type";
    default:
      return "unreadable";
  }
}
