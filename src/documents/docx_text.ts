/**
 * Text of a Word (.docx) document, through mammoth's document reader, one
 * paragraph per blank-line-separated block.
 *
 * mammoth's public entry points wrap their result in a promise subclass
 * built by assigning `__proto__`, which Deno disables (it is a prototype
 * pollution vector), so `mammoth.extractRawText` fails under Deno with
 * "ExternalPromise.resolve is not a function". The three modules it chains
 * (open the zip, read the document, convert it to raw text) work as they
 * are, so this calls them directly, exactly as `extractRawText` does.
 *
 * @example
 * ```ts
 * const text = await docxText(await Deno.readFile("letter.docx"));
 * ```
 * @module
 */
import { unzipSync } from "fflate";
// @ts-types="./mammoth_internals.d.ts"
import { openZip } from "mammoth/lib/unzip.js";
// @ts-types="./mammoth_internals.d.ts"
import { read } from "mammoth/lib/docx/docx-reader.js";
// @ts-types="./mammoth_internals.d.ts"
import { convertElementToRawText } from "mammoth/lib/raw-text.js";

/**
 * The largest uncompressed size of all entries together. A 10 MB upload can
 * be a zip bomb that inflates to gigabytes; real documents, images included,
 * stay well under this (text compresses about 5 to 10 times, so 10 MB of
 * compressed XML is at most ~100 MB).
 */
export const MAX_DOCX_EXPANDED_BYTES = 128 * 1024 * 1024;

/** Thrown for an archive that would inflate past {@linkcode MAX_DOCX_EXPANDED_BYTES}. */
export class DocxTooLargeError extends Error {
  constructor(expanded: number) {
    super(
      `the document expands to ${expanded} bytes, more than the ${MAX_DOCX_EXPANDED_BYTES} ` +
        "bytes accepted",
    );
    this.name = "DocxTooLargeError";
  }
}

/** Extracts the document's text; throws when the file cannot be read as a Word document. */
export async function docxText(bytes: Uint8Array): Promise<string> {
  const expanded = expandedSize(bytes);
  if (expanded > MAX_DOCX_EXPANDED_BYTES) throw new DocxTooLargeError(expanded);
  const file = await openZip({ buffer: bytes });
  const result = await read(file);
  return result.map(convertElementToRawText).value;
}

/** The sum of the entries' declared uncompressed sizes, read without inflating them. */
function expandedSize(bytes: Uint8Array): number {
  let total = 0;
  unzipSync(bytes, {
    filter: (entry) => {
      total += entry.originalSize;
      return false;
    },
  });
  return total;
}
