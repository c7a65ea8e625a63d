/**
 * Document test machinery: uploads over real multipart HTTP to the app on
 * loopback (the GraphQL multipart request spec, as apollo-upload-client
 * and urql send it), and row counts that prove a refused upload stored
 * nothing.
 *
 * @module
 */
import type { Sql } from "postgres";
import type { Result } from "../support/leak_assertions.ts";
import type { Viewer } from "../../src/auth/mod.ts";

/** The mutation every upload test sends. */
export const UPLOAD = `mutation ($input: UploadDocumentInput!) {
  uploadDocument(input: $input) {
    id filename title mediaType sizeBytes sha256 characters chunkCount createdAt
  }
}`;

/** Options for {@linkcode uploadOver}. */
export interface UploadOptions {
  title?: string;
  /** A bearer token; none in development, which acts as `local`. */
  token?: string;
  /** Default true: send the CSRF header yoga requires on multipart requests. */
  csrfHeader?: boolean;
}

/**
 * POSTs `file` to `url` as a GraphQL multipart request and returns the
 * HTTP status with the parsed body.
 */
export async function uploadOver(
  url: string,
  file: File,
  options: UploadOptions = {},
): Promise<{ status: number; body: Result }> {
  const form = new FormData();
  form.set(
    "operations",
    JSON.stringify({
      query: UPLOAD,
      variables: { input: { file: null, title: options.title ?? null } },
    }),
  );
  form.set("map", JSON.stringify({ "0": ["variables.input.file"] }));
  form.set("0", file, file.name);
  const headers: Record<string, string> = {};
  if (options.csrfHeader ?? true) headers["x-graphql-yoga-csrf"] = "1";
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(url, { method: "POST", headers, body: form });
  return { status: response.status, body: await response.json() };
}

/** How many rows the document tables hold. */
export async function countRows(sql: Sql): Promise<{ documents: number; chunks: number }> {
  const [row] = await sql<{ documents: number; chunks: number }[]>`
    SELECT (SELECT count(*)::int FROM documents) AS documents,
      (SELECT count(*)::int FROM document_chunks) AS chunks`;
  return row!;
}

/** Serves `fetch` on a loopback port; the GraphQL URL and a stop function. */
export function serve(
  handler: (request: Request, info: Deno.ServeHandlerInfo) => Promise<Response>,
): { url: string; stop(): Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}/graphql`,
    stop: () => server.shutdown(),
  };
}

/** A document as the watchers see it. */
export interface WatchedDocument {
  id: string;
  status: string;
  progress: number;
  error: string | null;
  chunkCount: number;
}

/**
 * Follows a document through `documents.watch` (the service behind the
 * `documentStatus` subscription) until it ends READY or FAILED; returns
 * every state seen, the last one final. Event-driven: it wakes on each
 * change the ingest publishes.
 */
export async function settle(
  app: { documents: { watch(viewer: Viewer, id: string): Promise<AsyncIterable<unknown>> } },
  owner: string,
  id: string,
): Promise<WatchedDocument[]> {
  const seen: WatchedDocument[] = [];
  const viewer: Viewer = { id: owner, roles: ["user"], anonymous: false };
  for await (const state of await app.documents.watch(viewer, id)) {
    seen.push(state as WatchedDocument);
  }
  return seen;
}

/** {@linkcode settle}, returning the final state only. */
export async function settled(
  app: Parameters<typeof settle>[0],
  owner: string,
  id: string,
): Promise<WatchedDocument> {
  return (await settle(app, owner, id)).at(-1)!;
}

/**
 * Uploads through the service (as `uploadDocument` does) and waits until
 * the ingest job made the document READY; returns the final state.
 */
export async function uploadReady(
  app: Parameters<typeof settle>[0] & {
    documents: { upload(viewer: Viewer, input: { file: File }): Promise<{ id: string }> };
  },
  viewer: Viewer,
  input: { file: File },
): Promise<WatchedDocument> {
  const accepted = await app.documents.upload(viewer, input);
  const final = await settled(app, viewer.id, accepted.id);
  if (final.status !== "READY") throw new Error(`Ingest ended ${JSON.stringify(final)}`);
  return final;
}
