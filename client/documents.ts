/**
 * Following an uploaded document until its text is indexed.
 *
 * Today `uploadDocument` ingests before it answers, so a document it returns
 * is already searchable and `Document` has no `status` field. Servers that
 * ingest in the background return it with `status: PROCESSING` and expose
 * `status` (PROCESSING, READY, FAILED) on `Document`. `followDocument`
 * polls `document(id) { status }` with a growing delay until the status is
 * READY or FAILED; a server whose `Document` has no `status` field rejects
 * that query in validation, which means "ready on upload".
 *
 * @module
 */
import { BadUserInputError, GraphmindError, isRetryable } from "./errors.ts";
import { DocumentDocument, type DocumentFieldsFragment } from "./generated.ts";
import type { Transport, TypedDocument } from "./transport.ts";

/** Where a document's ingestion stands. */
export type DocumentStatus = "PROCESSING" | "READY" | "FAILED";

/** One observation of an uploaded document. */
export interface DocumentStatusUpdate {
  document: DocumentFieldsFragment;
  status: DocumentStatus;
  /** False when the server ingests on upload and has no status to follow. */
  followed: boolean;
}

/** Options of {@linkcode followDocument}. */
export interface FollowOptions {
  /** Called with each status seen, the first one included. */
  onStatus?: (update: DocumentStatusUpdate) => void;
  /** First poll delay, ms (doubles up to `maxDelayMs`). Default 200. */
  initialDelayMs?: number;
  /** Default 5000. */
  maxDelayMs?: number;
  /** Give up (throw) after this long, ms. Default 10 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const STATUS_QUERY = `query DocumentStatus($id: ID!) { document(id: $id) { status } }`;
const statusDocument = { toString: () => STATUS_QUERY } as TypedDocument<
  { document: { status: DocumentStatus } },
  { id: string }
>;

/** Polls the document until READY or FAILED; resolves with the last update. */
export async function followDocument(
  transport: Transport,
  document: DocumentFieldsFragment,
  options: FollowOptions = {},
): Promise<DocumentStatusUpdate> {
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let delay = options.initialDelayMs ?? 200;
  for (;;) {
    options.signal?.throwIfAborted();
    let status: DocumentStatus;
    try {
      status = (await transport.request(statusDocument, { id: document.id })).document.status;
    } catch (error) {
      if (error instanceof BadUserInputError && /status/.test(error.message)) {
        const update = { document, status: "READY" as const, followed: false };
        options.onStatus?.(update);
        return update;
      }
      // An outage (UNAVAILABLE) ends no poll: wait what the server asked, then ask again.
      if (!isRetryable(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, error.retryAfter * 1000));
      continue;
    }
    if (status === "READY") {
      // The upload's answer predates ingestion (chunk count, characters): read it again.
      const fresh = (await transport.request(DocumentDocument, { id: document.id })).document;
      const update = { document: fresh, status, followed: true };
      options.onStatus?.(update);
      return update;
    }
    const update = { document, status, followed: true };
    options.onStatus?.(update);
    if (status === "FAILED") {
      throw new GraphmindError([{
        message: `Document ${JSON.stringify(document.filename)} failed to ingest.`,
        extensions: { code: "DOCUMENT_FAILED", documentId: document.id },
      }]);
    }
    if (Date.now() > deadline) {
      throw new Error(`Document ${document.id} still PROCESSING after ${options.timeoutMs} ms.`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(options.maxDelayMs ?? 5000, delay * 2);
  }
}
