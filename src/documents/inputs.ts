/**
 * Zod rules for document inputs, attached to the GraphQL input types so a
 * bad value answers BAD_USER_INPUT naming the field before anything runs.
 * The file itself is checked by the service (size, type, content), which
 * knows the configured limits.
 *
 * @module
 */
import { z } from "zod";
import { idRule, titleRule } from "../core/rules.ts";
import { MAX_SEARCH_LIMIT } from "./service.ts";

/** Longest search query, in characters: a question, not a document. */
export const MAX_QUERY_CHARS = 2000;

/** `uploadDocument`'s input. */
export const uploadDocumentRule = z.object({
  file: z.instanceof(File, { error: "must be an uploaded file" }),
  title: titleRule.nullish(),
});

/** `deleteDocument`'s input. */
export const documentIdRule = z.object({ id: idRule });

/** `searchDocuments`' input. */
export const searchDocumentsRule = z.object({
  query: z.string().trim().min(1, { error: "must not be blank" }).max(MAX_QUERY_CHARS, {
    error: `must be at most ${MAX_QUERY_CHARS} characters`,
  }),
  limit: z.number().int().min(1, { error: "must be at least 1" }).max(MAX_SEARCH_LIMIT, {
    error: `must be at most ${MAX_SEARCH_LIMIT}`,
  }).nullish(),
});

export { idRule };
