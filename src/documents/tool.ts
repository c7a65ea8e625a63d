/**
 * `search_documents`: the agents' semantic search over the caller's
 * uploaded documents. The model gets the passages as numbered citations
 * (`[1] report.pdf#3`: file and passage index) it can quote; clients get the
 * same citations as a structured artifact on the tool message.
 *
 * @module
 */
import { z } from "zod";
import { defineTool, type DocumentPassage, type ToolServices } from "../core/tool.ts";
import { MAX_QUERY_CHARS } from "./inputs.ts";
import { DEFAULT_SEARCH_LIMIT } from "./service.ts";

/** Most passages one tool call returns: more would crowd the model's context. */
export const TOOL_MAX_LIMIT = 10;

/** One citation in the tool's artifact. */
export interface DocumentCitation {
  /** The number the text cites it by, from 1. */
  n: number;
  documentId: string;
  filename: string;
  chunkIndex: number;
  score: number;
}

/** The tool's artifact. */
export interface DocumentSearchArtifact {
  query: string;
  citations: DocumentCitation[];
}

/** The passages as the model reads them: numbered, each with its source. */
export function formatPassages(passages: DocumentPassage[]): string {
  return passages
    .map((p, i) => `[${i + 1}] ${p.filename}#${p.chunkIndex}\n${p.content}`)
    .join("\n\n");
}

/** The `search_documents` tool. */
export const searchDocumentsTool = defineTool({
  name: "search_documents",
  description: "Searches the user's uploaded documents (txt, md, pdf, docx) for passages about " +
    "a topic. Returns numbered passages like `[1] file.pdf#3`; cite them by number in the " +
    "answer. Use it whenever the question may be answered by the user's own files.",
  permission: "documents:read",
  schema: z.object({
    query: z.string().trim().min(1).max(MAX_QUERY_CHARS).describe(
      "What to look for, in words; a question or key phrases.",
    ),
    limit: z.number().int().min(1).max(TOOL_MAX_LIMIT).optional().describe(
      `How many passages to return (default ${DEFAULT_SEARCH_LIMIT}).`,
    ),
  }),
  unavailable: (services: ToolServices) =>
    services.documents === undefined ? "Document search is not configured." : undefined,
  async run({ query, limit }, context) {
    const documents = context.services.documents;
    if (documents === undefined) throw new Error("Document search is not configured.");
    const passages = await documents.search(context.userId, query, {
      limit: limit ?? DEFAULT_SEARCH_LIMIT,
    });
    const artifact: DocumentSearchArtifact = {
      query,
      citations: passages.map((p, i) => ({
        n: i + 1,
        documentId: p.documentId,
        filename: p.filename,
        chunkIndex: p.chunkIndex,
        score: p.score,
      })),
    };
    if (passages.length === 0) {
      return {
        content: `No passage in the user's documents matches "${query}". The user may not ` +
          "have uploaded a document about it; say so rather than guessing.",
        artifact,
      };
    }
    return { content: formatPassages(passages), artifact };
  },
  offlineArgs: (said) => {
    const query = said.trim().slice(0, MAX_QUERY_CHARS);
    return query === "" ? undefined : { query };
  },
});
