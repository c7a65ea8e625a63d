/**
 * The document types Graphmind can read, named here so the configuration
 * (`ALLOWED_EXTENSIONS`) can check its value without loading the parsers.
 *
 * @module
 */

/** Every extension the parsers support; `ALLOWED_EXTENSIONS` picks among them. */
export const DOCUMENT_EXTENSIONS = ["pdf", "txt", "docx", "md"] as const;
/** One of {@linkcode DOCUMENT_EXTENSIONS}. */
export type DocumentExtension = typeof DOCUMENT_EXTENSIONS[number];
