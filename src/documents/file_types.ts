/**
 * Which files `uploadDocument` accepts, decided by the extension AND the
 * bytes: a client-chosen name or media type proves nothing, so a `.pdf`
 * must start with `%PDF-`, a `.docx` must be a zip holding
 * `word/document.xml`, and `.txt`/`.md` must be valid UTF-8 without NUL
 * bytes. The answer names what to fix.
 *
 * @example
 * ```ts
 * const kind = detectFileType("notes.md", new TextEncoder().encode("# Notes"), ["md", "txt"]);
 * // { extension: "md", mediaType: "text/markdown" }
 * ```
 * @module
 */
import { unzipSync } from "fflate";
import { BadUserInputError } from "../core/errors.ts";
import type { DocumentExtension } from "../config/document_types.ts";

/** The media type stored and reported for each extension. */
export const MEDIA_TYPES: Record<DocumentExtension, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};

/** A file whose name and content agree. */
export interface DetectedType {
  extension: DocumentExtension;
  mediaType: string;
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // "PK\x03\x04", a local file header

/** The lower-cased extension of `filename`, or undefined when it has none. */
export function extensionOf(filename: string): string | undefined {
  const dot = filename.lastIndexOf(".");
  if (dot <= 0 || dot === filename.length - 1) return undefined;
  return filename.slice(dot + 1).toLowerCase();
}

/**
 * Checks the extension against `allowed` and the content against the
 * extension.
 *
 * @throws {BadUserInputError} naming the accepted types or the mismatch.
 */
export function detectFileType(
  filename: string,
  bytes: Uint8Array,
  allowed: readonly DocumentExtension[],
): DetectedType {
  const extension = extensionOf(filename);
  if (extension === undefined || !(allowed as readonly string[]).includes(extension)) {
    throw new BadUserInputError(
      `File "${filename}" has ${
        extension === undefined ? "no extension" : `the type ".${extension}"`
      }, which is not accepted: upload one of ${allowed.map((e) => `.${e}`).join(", ")}.`,
      { field: "file", extensions: { reason: "UNSUPPORTED_TYPE", allowed } },
    );
  }
  const kind = extension as DocumentExtension;
  const problem = contentProblem(kind, bytes);
  if (problem !== undefined) {
    throw new BadUserInputError(
      `File "${filename}" is not a valid .${kind} file: ${problem}. Check that the file is not ` +
        "damaged and that its extension matches its content.",
      { field: "file", extensions: { reason: "CONTENT_MISMATCH" } },
    );
  }
  return { extension: kind, mediaType: MEDIA_TYPES[kind] };
}

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((byte, i) => bytes[i] === byte);
}

/** Why `bytes` is not a `kind` file, or undefined when it is one. */
function contentProblem(kind: DocumentExtension, bytes: Uint8Array): string | undefined {
  switch (kind) {
    case "pdf":
      return startsWith(bytes, PDF_MAGIC) ? undefined : 'it does not start with "%PDF-"';
    case "docx":
      if (!startsWith(bytes, ZIP_MAGIC)) return "it is not a zip archive, as .docx files are";
      return zipHasEntry(bytes, "word/document.xml")
        ? undefined
        : "the archive holds no word/document.xml, so it is not a Word document";
    case "txt":
    case "md":
      return textProblem(bytes);
  }
}

function zipHasEntry(bytes: Uint8Array, name: string): boolean {
  let found = false;
  try {
    // The filter sees every entry's name and skips inflating all of them.
    unzipSync(bytes, {
      filter: (entry) => {
        if (entry.name === name) found = true;
        return false;
      },
    });
  } catch {
    return false;
  }
  return found;
}

function textProblem(bytes: Uint8Array): string | undefined {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "it is not valid UTF-8 text (save it as UTF-8)";
  }
  // A NUL byte never occurs in text, but in every binary format.
  if (bytes.includes(0)) return "it contains NUL bytes, so it is binary, not text";
  return undefined;
}
