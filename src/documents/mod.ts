/**
 * Documents' public entry: the document service, its metrics and the `search_documents` tool.
 *
 * @module
 */
export { createDocumentService, type DocumentService } from "./service.ts";
export { createDocumentMetrics } from "./metrics.ts";
export { searchDocumentsTool } from "./tool.ts";
export { extractionMode } from "./extract_sandbox.ts";
