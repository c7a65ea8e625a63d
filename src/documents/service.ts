/**
 * Uploaded documents: upload (cheap checks, then the file is stored and a
 * `document.ingest` job parses, chunks and embeds it on any replica),
 * status changes, list, get, delete and semantic search over `READY`
 * documents. Every method takes the owner and treats another user's
 * document exactly like a missing one: NOT_FOUND. It is also the
 * `DocumentSearch` the agents' tools use.
 *
 * @example
 * ```ts
 * const documents = createDocumentService({ sql, config, embedder, metrics, logger, jobs, notifier });
 * await documents.start(); // before jobs.start(): registers the ingest
 * const doc = await documents.upload(viewer, { file: new File(["Tea is green."], "tea.txt") });
 * // doc.status === "PROCESSING"; follow it with documents.watch(viewer, doc.id)
 * ```
 * @module
 */
import type { Sql } from "postgres";
import type { Config } from "../config.ts";
import type { Logger } from "../observability/logger.ts";
import type { Viewer } from "../auth/mod.ts";
import { BadUserInputError, NotFoundError } from "../core/errors.ts";
import { type EmbeddingProvider, embedQueryChecked } from "../llm/embeddings.ts";
import type { Notifier } from "../db/notifier.ts";
import type { JobQueue } from "../queue/jobs.ts";
import type { DocumentPassage, DocumentSearch } from "../core/tool.ts";
import { type Connection, type ConnectionArgs, seqConnection } from "../core/pagination.ts";
import { isUuid } from "../core/ids.ts";
import { detectFileType, extensionOf } from "./file_types.ts";
import { extractLimits, extractText } from "./extract.ts";
import { createDocumentStore, type DocumentRecord } from "./store.ts";
import { createIngestHandler, failureOutcome, INGEST_KIND } from "./ingest.ts";
import { type DocumentEvents, relayDocumentEvents } from "./status_events.ts";
import { searchChunks } from "./search.ts";
import { ensureDocumentIndex } from "./index_meta.ts";
import type { DocumentMetrics } from "./metrics.ts";

export { EMBED_BATCH } from "./ingest.ts";
/** `searchDocuments` returns this many passages unless asked otherwise. */
export const DEFAULT_SEARCH_LIMIT = 5;
/** The most passages one search returns. */
export const MAX_SEARCH_LIMIT = 50;
/** Longest accepted filename, in characters (most file systems allow 255). */
export const MAX_FILENAME_CHARS = 255;

/** `uploadDocument`'s input. */
export interface UploadInput {
  file: File;
  title?: string | null | undefined;
}

/** One search hit with its document. */
export interface DocumentHit {
  document: DocumentRecord;
  chunkIndex: number;
  content: string;
  score: number;
}

/** What {@linkcode createDocumentService} needs. */
export interface DocumentServiceDeps {
  sql: Sql;
  config: Pick<Config, "documents" | "memory">;
  /** The embedder memories use (`memory.embedder` in src/app.ts). */
  embedder: EmbeddingProvider;
  metrics: DocumentMetrics;
  logger: Logger;
  /** The queue the ingest runs on. */
  jobs: JobQueue;
  /** Carries status changes to `watch` subscribers on every replica. */
  notifier: Notifier;
}

/** The document service. */
export interface DocumentService extends DocumentSearch {
  /**
   * Types the vector column, builds its index, listens for status changes
   * and registers the ingest job; call once, before the queue starts.
   */
  start(): Promise<void>;
  /** Stops listening; ends every `watch`. */
  close(): Promise<void>;
  /** Checks the file cheaply, stores it `PROCESSING` and queues its ingest. */
  upload(viewer: Viewer, input: UploadInput): Promise<DocumentRecord>;
  /**
   * The document now and after every change of its progress or status,
   * ending after `READY` or `FAILED` (or when it is deleted). NOT_FOUND,
   * thrown before the iterator is returned, for an unknown id or another
   * user's document.
   */
  watch(viewer: Viewer, id: string): Promise<AsyncIterableIterator<DocumentRecord>>;
  get(viewer: Viewer, id: string): Promise<DocumentRecord>;
  list(viewer: Viewer, args: ConnectionArgs): Promise<Connection<DocumentRecord>>;
  remove(viewer: Viewer, id: string): Promise<DocumentRecord>;
  /** Search with each hit's document, for GraphQL. */
  searchHits(
    viewer: Viewer,
    input: { query: string; limit?: number | null | undefined },
  ): Promise<DocumentHit[]>;
}

/** Creates the service. */
export function createDocumentService(deps: DocumentServiceDeps): DocumentService {
  const { config, embedder, metrics, logger } = deps;
  const store = createDocumentStore(deps.sql);

  function notFound(id: string): NotFoundError {
    return new NotFoundError(
      `Document "${id}" was not found; check the id, or list your documents with \`documents\`.`,
    );
  }

  async function get(viewer: Viewer, id: string): Promise<DocumentRecord> {
    const document = isUuid(id) ? await store.find(viewer.id, id) : undefined;
    if (document === undefined) throw notFound(id);
    return document;
  }

  /** The checks a request can afford; parsing a pdf or docx is left to the job. */
  async function accept(ownerId: string, input: UploadInput) {
    const { file } = input;
    const filename = checkFilename(file.name);
    const max = config.documents.maxFileBytes;
    if (file.size > max) {
      throw new BadUserInputError(
        `File "${filename}" is ${file.size} bytes, over the limit of ${max} bytes ` +
          `(${formatMb(max)}); upload a smaller file or split it.`,
        { field: "file", extensions: { reason: "TOO_LARGE", maxBytes: max } },
      );
    }
    if (file.size === 0) {
      throw new BadUserInputError(
        `File "${filename}" is empty; upload a file with text in it.`,
        { field: "file", extensions: { reason: "NO_TEXT" } },
      );
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const type = detectFileType(filename, bytes, config.documents.allowedExtensions);
    // Decoding text is as cheap as the checks above: a blank one is refused now.
    if (type.extension === "txt" || type.extension === "md") {
      await extractText(filename, type.extension, bytes, extractLimits(config));
    }
    return {
      ownerId,
      filename,
      title: input.title?.trim() || null,
      mediaType: type.mediaType,
      sizeBytes: bytes.length,
      contentSha256: await sha256(bytes),
      embeddingModel: embedder.model,
      bytes,
    };
  }

  async function search(
    ownerId: string,
    query: string,
    options: { limit?: number } = {},
  ): Promise<DocumentPassage[]> {
    const text = query.trim();
    if (text === "") {
      throw new BadUserInputError("The search query is blank; say what to look for.", {
        field: "query",
      });
    }
    const limit = options.limit ?? DEFAULT_SEARCH_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
      throw new BadUserInputError(`limit must be from 1 to ${MAX_SEARCH_LIMIT}; got ${limit}.`, {
        field: "limit",
      });
    }
    const ownerChunks = await store.chunkCount(ownerId);
    if (ownerChunks === 0) return [];
    return await searchChunks(deps.sql, {
      ownerId,
      vector: await embedQueryChecked(embedder, text),
      limit,
      embeddingModel: embedder.model,
      ownerChunks,
      efSearch: config.memory.hnswEfSearch,
    });
  }

  let events: DocumentEvents | undefined;
  function started(): DocumentEvents {
    if (events === undefined) throw new Error("Call documents.start() before use");
    return events;
  }

  async function* follow(
    viewer: Viewer,
    first: DocumentRecord,
    changes: AsyncIterableIterator<void>,
  ): AsyncGenerator<DocumentRecord> {
    try {
      let last = first;
      yield first;
      while (last.status === "PROCESSING") {
        if ((await changes.next()).done) return;
        const now = await store.find(viewer.id, first.id);
        if (now === undefined) return; // deleted
        if (now.status === last.status && now.progress === last.progress) continue;
        last = now;
        yield now;
      }
    } finally {
      await changes.return?.();
    }
  }

  return {
    async start() {
      const { otherModel } = await ensureDocumentIndex(deps.sql, {
        model: embedder.model,
        dims: embedder.dims,
      });
      if (otherModel > 0) {
        logger.warn(
          "some documents were embedded with another model and are left out of searches; " +
            "delete and upload them again to search them",
          { documents: otherModel, embedding_model: embedder.model },
        );
      }
      events = await relayDocumentEvents(deps.notifier);
      deps.jobs.register(
        INGEST_KIND,
        createIngestHandler({ sql: deps.sql, store, events, embedder, config, metrics, logger }),
      );
    },

    async close() {
      await events?.close();
    },

    async upload(viewer, input) {
      const type = extensionOf(input.file.name) ?? "none";
      let accepted;
      try {
        accepted = await accept(viewer.id, input);
      } catch (error) {
        metrics.upload(type, failureOutcome(error));
        throw error;
      }
      // The document, its bytes and its job commit together: no document waits for a lost job.
      const document = await deps.sql.begin(async (tx) => {
        const created = await store.insert(tx, accepted);
        await deps.jobs.enqueue(INGEST_KIND, { documentId: created.id }, {
          tx,
          ownerId: viewer.id,
          dedupeKey: `${INGEST_KIND}:${created.id}`,
        });
        return created;
      }) as DocumentRecord;
      logger.info("document accepted", {
        document_id: document.id,
        media_type: document.mediaType,
        size_bytes: document.sizeBytes,
      });
      return document;
    },

    async watch(viewer, id) {
      const changes = started().subscribe(id);
      try {
        // Subscribed before the first read, so no change can fall between the two.
        return follow(viewer, await get(viewer, id), changes);
      } catch (error) {
        await changes.return();
        throw error;
      }
    },

    get,

    list: (viewer, args) => seqConnection("document", args, (page) => store.list(viewer.id, page)),

    async remove(viewer, id) {
      const removed = isUuid(id) ? await store.remove(viewer.id, id) : undefined;
      if (removed === undefined) throw notFound(id);
      logger.info("document deleted", { document_id: removed.id, status: removed.status });
      // Ends its watchers; a running ingest finds nothing left and ends too.
      await events?.publish(removed.id);
      return removed;
    },

    search,

    async searchHits(viewer, input) {
      const passages = await search(viewer.id, input.query, {
        ...(input.limit == null ? {} : { limit: input.limit }),
      });
      const documents = await store.findMany(viewer.id, [
        ...new Set(passages.map((p) => p.documentId)),
      ]);
      const byId = new Map(documents.map((d) => [d.id, d]));
      // A document deleted between the two reads simply drops out.
      return passages.flatMap((p) => {
        const document = byId.get(p.documentId);
        return document === undefined
          ? []
          : [{ document, chunkIndex: p.chunkIndex, content: p.content, score: p.score }];
      });
    },
  };
}

function checkFilename(name: string): string {
  // Some clients send a path; only the last part names the file.
  const filename = name.split(/[\\/]/).pop()?.replace(/\p{Cc}/gu, "").trim() ?? "";
  if (filename === "") {
    throw new BadUserInputError(
      "The uploaded file has no name; send it with a filename such as notes.txt.",
      { field: "file" },
    );
  }
  if (filename.length > MAX_FILENAME_CHARS) {
    throw new BadUserInputError(
      `The filename is ${filename.length} characters long; shorten it to at most ` +
        `${MAX_FILENAME_CHARS}.`,
      { field: "file" },
    );
  }
  return filename;
}

function formatMb(bytes: number): string {
  return `${Math.round((bytes / 1_048_576) * 10) / 10} MB`;
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
