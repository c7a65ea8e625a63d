/**
 * A checked upload's text: decoded (txt, md) or parsed (pdf, docx), with
 * line endings and blank runs normalised. A file the parser cannot read, or
 * one with no text in it (a scanned PDF, an empty document), is the
 * client's to fix, so both answer BAD_USER_INPUT saying what to do.
 *
 * @example
 * ```ts
 * const text = await extractText("notes.md", "md", new TextEncoder().encode("# Notes"));
 * ```
 * @module
 */
import { BadUserInputError } from "../core/errors.ts";
import type { DocumentExtension } from "../config/document_types.ts";

/** Extracts and normalises the text of a file whose type was already checked. */
export async function extractText(
  filename: string,
  extension: DocumentExtension,
  bytes: Uint8Array,
): Promise<string> {
  let raw: string;
  try {
    raw = await parse(extension, bytes);
  } catch (error) {
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

// The parsers (unpdf, mammoth) load on the first pdf or docx, not at
// start-up: a server that never ingests one does not keep them in memory.
async function parse(extension: DocumentExtension, bytes: Uint8Array): Promise<string> {
  switch (extension) {
    case "pdf":
      return await (await import("./pdf_text.ts")).pdfText(bytes);
    case "docx":
      return await (await import("./docx_text.ts")).docxText(bytes);
    case "txt":
    case "md":
      // The BOM is an encoding mark, not text.
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  }
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
