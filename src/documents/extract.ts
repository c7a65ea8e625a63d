/**
 * A checked upload's text: decoded (txt, md) or parsed (pdf, docx), with
 * line endings and blank runs normalised. pdf and docx are parsed in a
 * sandboxed child with a time and memory limit (extract_sandbox.ts). A file
 * the parser cannot read, one that takes too long or too much memory to
 * read, or one with no text in it (a scanned PDF, an empty document), is
 * the client's to fix, so each answers BAD_USER_INPUT saying what to do.
 *
 * @example
 * ```ts
 * const text = await extractText("notes.md", "md", new TextEncoder().encode("# Notes"), {
 *   timeoutMs: 60_000,
 *   memoryMb: 256,
 * });
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import { BadUserInputError } from "../core/errors.ts";
import type { DocumentExtension } from "../config/document_types.ts";
import {
  extractInSandbox,
  extractionMode,
  ExtractionRefusedError,
  type ExtractLimits,
} from "./extract_sandbox.ts";

/** The configured limits of one extraction. */
export function extractLimits(config: Pick<Config, "documents">): ExtractLimits {
  return {
    timeoutMs: config.documents.extractTimeoutMs,
    memoryMb: config.documents.extractMemoryMb,
  };
}

/** Extracts and normalises the text of a file whose type was already checked. */
export async function extractText(
  filename: string,
  extension: DocumentExtension,
  bytes: Uint8Array,
  limits: ExtractLimits,
): Promise<string> {
  const sandboxed = (extension === "pdf" || extension === "docx") &&
    extractionMode() === "sandbox";
  let raw: string;
  try {
    raw = await parse(extension, bytes, limits, sandboxed);
  } catch (error) {
    if (error instanceof ExtractionRefusedError && error.reason !== "UNREADABLE") {
      throw new BadUserInputError(
        `File "${filename}" could not be indexed: ${error.message}. It may be damaged, or ` +
          "built to exhaust the server; re-save or split it and upload it again.",
        { field: "file", extensions: { reason: error.reason }, cause: error },
      );
    }
    // The sandbox itself failing is ours to fix: the ingest retries it.
    if (sandboxed && !(error instanceof ExtractionRefusedError)) throw error;
    throw new BadUserInputError(
      `File "${filename}" could not be read as a .${extension} file (${reason(error)}); ` +
        "it may be damaged, encrypted or truncated. Re-save or re-export it and upload it again.",
      { field: "file", extensions: { reason: "UNREADABLE" }, cause: error },
    );
  }
  const text = normalise(raw);
  if (text === "") {
    throw new BadUserInputError(
      `File "${filename}" contains no text to index` +
        (extension === "pdf" ? " (a scanned PDF holds only images: run OCR on it first)" : "") +
        "; upload a file with text in it.",
      { field: "file", extensions: { reason: "NO_TEXT" } },
    );
  }
  return text;
}

function parse(
  extension: DocumentExtension,
  bytes: Uint8Array,
  limits: ExtractLimits,
  sandboxed: boolean,
): Promise<string> | string {
  switch (extension) {
    case "pdf":
    case "docx":
      if (sandboxed) return extractInSandbox(extension, bytes, limits);
      // No subprocesses here (Deno Deploy, no --allow-run): parse in-process, unbounded.
      return parseInProcess(extension, bytes);
    case "txt":
    case "md":
      // The BOM is an encoding mark, not text.
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  }
}

// The parsers (unpdf, mammoth) load on the first in-process parse, not at
// start-up: a server that never parses in-process does not keep them in memory.
async function parseInProcess(extension: "pdf" | "docx", bytes: Uint8Array): Promise<string> {
  return extension === "pdf"
    ? await (await import("./pdf_text.ts")).pdfText(bytes)
    : await (await import("./docx_text.ts")).docxText(bytes);
}

/** Unix line endings, no trailing spaces, at most one blank line in a row. */
export function normalise(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t\f\v]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Parser messages can be long or multi-line; the first line says enough.
  return (message.split("\n")[0] ?? "").slice(0, 200) || "unknown error";
}
