/**
 * Documents over GraphQL: the `Document` type, `documents`, `document`,
 * `searchDocuments`, `uploadDocument` (a GraphQL multipart request that
 * returns the document `PROCESSING`), the `documentStatus` subscription
 * that follows its ingest, and `deleteDocument`. Every field acts for the
 * viewer alone.
 *
 * @module
 */
import { builder } from "../graphql/builder.ts";
import type { DocumentRecord } from "./store.ts";
import type { DocumentHit } from "./service.ts";
import { documentIdRule, idRule, searchDocumentsRule, uploadDocumentRule } from "./inputs.ts";

/** `DocumentStatus`. */
export const DocumentStatusRef = builder.enumType("DocumentStatus", {
  description: "Where a document's ingest stands.",
  values: {
    PROCESSING: {
      description: "Stored and queued, or being parsed, chunked and embedded; not searchable yet.",
    },
    READY: { description: "Every passage is embedded: the document is searchable." },
    FAILED: { description: "The ingest failed; `error` says why. Nothing of it is searchable." },
  } as const,
});

/** `Document`. */
export const DocumentRef = builder.objectRef<DocumentRecord>("Document").implement({
  description: "An uploaded file (txt, md, pdf or docx) whose text is split into passages and " +
    "embedded for `searchDocuments` and the agents' document search.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The document's id." }),
    filename: t.exposeString("filename", { description: "The uploaded file's name." }),
    title: t.exposeString("title", {
      nullable: true,
      description: "The title given at upload, if any.",
    }),
    mediaType: t.exposeString("mediaType", {
      description: "The file's media type, from its checked content, e.g. application/pdf.",
    }),
    sizeBytes: t.exposeInt("sizeBytes", { description: "The uploaded file's size in bytes." }),
    sha256: t.exposeString("contentSha256", {
      description: "SHA-256 of the uploaded bytes, in hex: equal files have equal hashes.",
    }),
    characters: t.exposeInt("textChars", {
      description: "Length of the extracted text, in characters; 0 until the document is READY.",
    }),
    chunkCount: t.exposeInt("chunkCount", {
      description: "How many passages the text was split into and embedded as; 0 until the " +
        "document is READY.",
    }),
    status: t.field({
      type: DocumentStatusRef,
      description: "Where the ingest stands: PROCESSING after upload, then READY or FAILED. " +
        "Follow it with the `documentStatus` subscription.",
      resolve: (d) => d.status,
    }),
    progress: t.exposeFloat("progress", {
      description: "The share of the ingest done, from 0 to 1 (embedded batches of passages, " +
        "then the final write); 1 when READY. It never goes down.",
    }),
    error: t.exposeString("error", {
      nullable: true,
      description: "Why the ingest failed, and what to do, when the status is FAILED; else null.",
    }),
    createdAt: t.field({
      type: "DateTime",
      description: "When the upload was stored.",
      resolve: (d) => d.createdAt,
    }),
  }),
});

/** `DocumentSearchHit`. */
export const DocumentSearchHitRef = builder.objectRef<DocumentHit>("DocumentSearchHit")
  .implement({
    description: "A passage of one of your documents that matches a search.",
    fields: (t) => ({
      document: t.field({
        type: DocumentRef,
        description: "The document the passage is from.",
        resolve: (hit) => hit.document,
      }),
      chunkIndex: t.exposeInt("chunkIndex", {
        description: "The passage's position in the document, from 0.",
      }),
      content: t.exposeString("content", { description: "The passage's text." }),
      score: t.exposeFloat("score", {
        description: "Cosine similarity to the query, from -1 to 1: higher is closer.",
      }),
    }),
  });

builder.queryField("document", (t) =>
  t.field({
    type: DocumentRef,
    description: "One of your documents; NOT_FOUND for an unknown id or another user's document.",
    args: { id: t.arg.id({ required: true, description: "The document's id.", validate: idRule }) },
    resolve: (_r, { id }, { services, viewer }) => services.documents.get(viewer, String(id)),
  }));

builder.queryField("documents", (t) =>
  t.connection(
    {
      type: DocumentRef,
      description: "Your documents, newest first.",
      resolve: (_r, args, { services, viewer }) => services.documents.list(viewer, args),
    },
    { name: "DocumentConnection", description: "A page of documents." },
    { name: "DocumentEdge", description: "A document and its cursor." },
  ));

const SearchDocumentsInput = builder.inputType("SearchDocumentsInput", {
  description: "A semantic search over your documents.",
  fields: (t) => ({
    query: t.string({
      required: true,
      description: "What to look for, in words; up to 2000 characters.",
    }),
    limit: t.int({ description: "How many passages to return, 1 to 50; default 5." }),
  }),
  validate: searchDocumentsRule,
});

builder.queryField("searchDocuments", (t) =>
  t.field({
    type: [DocumentSearchHitRef],
    description: "The passages of your documents closest in meaning to the query, best first.",
    args: {
      input: t.arg({ type: SearchDocumentsInput, required: true, description: "The search." }),
    },
    resolve: (_r, { input }, { services, viewer }) =>
      services.documents.searchHits(viewer, { query: input.query, limit: input.limit }),
  }));

const UploadDocumentInput = builder.inputType("UploadDocumentInput", {
  description: "A file to upload: send the request as multipart/form-data (the GraphQL " +
    "multipart request spec) with an `X-GraphQL-Yoga-CSRF` header.",
  fields: (t) => ({
    file: t.field({
      type: "File",
      required: true,
      description: "The file: .txt, .md, .pdf or .docx (ALLOWED_EXTENSIONS), at most " +
        "MAX_FILE_SIZE bytes (10 MB by default), with extractable text.",
    }),
    title: t.string({ description: "A title for lists, up to 500 characters." }),
  }),
  validate: uploadDocumentRule,
});

builder.mutationField("uploadDocument", (t) =>
  t.field({
    type: DocumentRef,
    description: "Stores a file and returns its document at once with status PROCESSING; any " +
      "server then parses, chunks and embeds it in the background, ending READY (searchable) " +
      "or FAILED with the reason (a damaged pdf or docx, or one without text). Follow it with " +
      "`documentStatus`. A wrong type, an oversize or empty file, a misnamed one or blank " +
      "text answers BAD_USER_INPUT at once and stores nothing.",
    args: {
      input: t.arg({ type: UploadDocumentInput, required: true, description: "The file." }),
    },
    resolve: (_r, { input }, { services, viewer }) =>
      services.documents.upload(viewer, { file: input.file, title: input.title }),
  }));

builder.subscriptionField("documentStatus", (t) =>
  t.field({
    type: DocumentRef,
    description: "One of your documents now, and again after each change of its progress or " +
      "status; the stream completes once it is READY or FAILED (at once, if it already is), or " +
      "when it is deleted. NOT_FOUND for an unknown id or another user's document. Works " +
      "whichever server runs the ingest.",
    args: { id: t.arg.id({ required: true, description: "The document's id.", validate: idRule }) },
    subscribe: (_r, { id }, { services, viewer }) => services.documents.watch(viewer, String(id)),
    resolve: (document: DocumentRecord) => document,
  }));

const DeleteDocumentInput = builder.inputType("DeleteDocumentInput", {
  description: "Names one document.",
  fields: (t) => ({ id: t.id({ required: true, description: "The document's id." }) }),
  validate: documentIdRule,
});

builder.mutationField("deleteDocument", (t) =>
  t.id({
    description: "Deletes one of your documents with all its passages. Returns its id; " +
      "NOT_FOUND for an unknown id or another user's document. A PROCESSING document may be " +
      "deleted too: its ingest then stops without storing anything.",
    args: {
      input: t.arg({ type: DeleteDocumentInput, required: true, description: "The document." }),
    },
    resolve: async (_r, { input }, { services, viewer }) =>
      (await services.documents.remove(viewer, String(input.id))).id,
  }));
