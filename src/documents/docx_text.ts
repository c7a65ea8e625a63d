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
import { Unzip, UnzipInflate, zipSync } from "fflate";
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
      `the document expands to more than ${MAX_DOCX_EXPANDED_BYTES} bytes (stopped at ` +
        `${expanded})`,
    );
    this.name = "DocxTooLargeError";
  }
}

/** Extracts the document's text; throws when the file cannot be read as a Word document. */
export async function docxText(bytes: Uint8Array): Promise<string> {
  // mammoth reads a re-packed, uncompressed copy: only what was inflated
  // here, within the limit, ever reaches its own (unbounded) inflater.
  const file = await openZip({ buffer: zipSync(inflateBounded(bytes), { level: 0 }) });
  const result = await read(file);
  return result.map(convertElementToRawText).value;
}

/** Compressed bytes handed to the inflater at a time: the most one step can overshoot by. */
const STEP_BYTES = 16 * 1024;

/**
 * Inflates every entry, counting the bytes really produced. The sizes a zip
 * declares are the uploader's to write, so a bomb that claims 1 KB is
 * stopped once its output, not its header, passes the limit.
 */
function inflateBounded(bytes: Uint8Array): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  let total = 0;
  let failure: Error | undefined;
  const unzip = new Unzip((entry) => {
    const chunks: Uint8Array[] = [];
    entry.ondata = (error, data, final) => {
      if (failure !== undefined) return;
      if (error) {
        failure = error;
        return;
      }
      total += data.length;
      if (total > MAX_DOCX_EXPANDED_BYTES) {
        failure = new DocxTooLargeError(total);
        entry.terminate();
        return;
      }
      chunks.push(data);
      if (final) files[entry.name] = concat(chunks);
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  for (let at = 0; at < bytes.length && failure === undefined; at += STEP_BYTES) {
    const end = Math.min(at + STEP_BYTES, bytes.length);
    unzip.push(bytes.subarray(at, end), end === bytes.length);
  }
  if (failure !== undefined) throw failure;
  return files;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
