/**
 * Uploaded documents: ingest (check, parse, chunk, embed, store in one
 * transaction), list, get, delete and semantic search. Every method takes
 * the owner and treats another user's document exactly like a missing one:
 * NOT_FOUND. It is also the `DocumentSearch` the agents' tools use.
 *
 * @example
 * ```ts
 * const documents = createDocumentService({ sql, config, embedder, metrics, logger });
 * await documents.start();
 * const doc = await documents.upload(viewer, { file: new File(["Tea is green."], "tea.txt") });
 * const passages = await documents.search(viewer.id, "what colour is tea?");
 * ```
 * @module
 */
import type { Sql } from "postgres";
import type { Config } from "../config.ts";
import type { Logger } from "../observability/logger.ts";
import type { Viewer } from "../auth/mod.ts";
import { AppError, BadUserInputError, NotFoundError } from "../core/errors.ts";
import { embedChecked, type EmbeddingProvider, embedQueryChecked } from "../llm/embeddings.ts";
import type { DocumentPassage, DocumentSearch } from "../core/tool.ts";
import { type Connection, type ConnectionArgs, seqConnection } from "../core/pagination.ts";
import { isUuid } from "../core/ids.ts";
import { detectFileType, extensionOf } from "./file_types.ts";
import { extractText } from "./extract.ts";
import { chunkText } from "./chunking.ts";
import { createDocumentStore, type DocumentRecord } from "./store.ts";
import { searchChunks } from "./search.ts";
import { ensureDocumentIndex } from "./index_meta.ts";
import type { DocumentMetrics, UploadOutcome } from "./metrics.ts";

/**
 * Chunks embedded per request, one request at a time: OpenAI accepts up to
 * 2048 inputs per call, but 256 passages (~80k tokens) keep each request
 * well under its per-request token cap, and going one batch at a time keeps
 * a large upload from using the whole rate limit at once.
 */
export const EMBED_BATCH = 256;
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
}

/** The document service. */
export interface DocumentService extends DocumentSearch {
  /** Types the vector column and builds its index; call once before use. */
  start(): Promise<void>;
  upload(viewer: Viewer, input: UploadInput): Promise<DocumentRecord>;
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

  async function ingest(ownerId: string, input: UploadInput): Promise<DocumentRecord> {
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
    const text = await extractText(filename, type.extension, bytes);
    const chunks = chunkText(text);
    const vectors: number[][] = [];
    for (let start = 0; start < chunks.length; start += EMBED_BATCH) {
      vectors.push(...await embedChecked(embedder, chunks.slice(start, start + EMBED_BATCH)));
    }
    return await store.insert({
      ownerId,
      filename,
      title: input.title?.trim() || null,
      mediaType: type.mediaType,
      sizeBytes: bytes.length,
      contentSha256: await sha256(bytes),
      textChars: text.length,
      embeddingModel: embedder.model,
      chunks: chunks.map((content, i) => ({ content, embedding: vectors[i]! })),
    });
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
    },

    async upload(viewer, input) {
      const started = performance.now();
      const type = extensionOf(input.file.name) ?? "none";
      try {
        const document = await ingest(viewer.id, input);
        const seconds = (performance.now() - started) / 1000;
        metrics.upload(type, "stored");
        metrics.ingestSeconds(type, seconds);
        logger.info("document stored", {
          document_id: document.id,
          media_type: document.mediaType,
          size_bytes: document.sizeBytes,
          chunks: document.chunkCount,
          ingest_ms: Math.round(seconds * 1000),
        });
        return document;
      } catch (error) {
        metrics.upload(type, outcomeOf(error));
        throw error;
      }
    },

    get,

    list: (viewer, args) => seqConnection("document", args, (page) => store.list(viewer.id, page)),

    async remove(viewer, id) {
      const removed = isUuid(id) ? await store.remove(viewer.id, id) : undefined;
      if (removed === undefined) throw notFound(id);
      logger.info("document deleted", { document_id: removed.id });
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

function outcomeOf(error: unknown): UploadOutcome {
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

function formatMb(bytes: number): string {
  return `${Math.round((bytes / 1_048_576) * 10) / 10} MB`;
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
