/**
 * Splits a document's text into passages for embedding and retrieval.
 * Paragraphs are kept whole and packed together up to a size; a paragraph
 * longer than that is cut at sentence ends, or else at spaces. Each chunk
 * after the first repeats the end of the one before it, so a statement that
 * straddles a boundary is still found whole in one passage.
 *
 * @example
 * ```ts
 * const chunks = chunkText("First paragraph.\n\nSecond paragraph.");
 * // ["First paragraph.\n\nSecond paragraph."]
 * ```
 * @module
 */

/**
 * New text per chunk, in characters (about 300 tokens of English). Search
 * ranks whole passages, so a passage should hold one idea: much longer and
 * its vector averages several topics and matches none well; much shorter
 * and a passage loses the context that makes it answer a question. Passages
 * of a few hundred tokens are the usual choice for retrieval with OpenAI's
 * embedding models, and they are cheap to quote back to a model.
 */
export const CHUNK_CHARS = 1200;

/**
 * Characters of the previous chunk repeated at the start of the next, about
 * a sentence or two: enough that a sentence cut by a boundary appears whole
 * in one chunk, little enough (a sixth) that storage and embedding grow
 * only slightly.
 */
export const OVERLAP_CHARS = 200;

/** Options for {@linkcode chunkText}, for tests; the defaults are the constants above. */
export interface ChunkOptions {
  size?: number;
  overlap?: number;
}

/** Splits normalised text (see extract.ts) into chunks, in order. */
export function chunkText(text: string, options: ChunkOptions = {}): string[] {
  const size = options.size ?? CHUNK_CHARS;
  const overlap = Math.min(options.overlap ?? OVERLAP_CHARS, Math.floor(size / 2));
  const pieces = text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== "")
    .flatMap((paragraph) => splitLong(paragraph, size));

  const chunks: string[] = [];
  let current = "";
  let fresh = 0; // characters of new (not overlapping) text in `current`
  for (const piece of pieces) {
    if (fresh > 0 && fresh + 2 + piece.length > size) {
      chunks.push(current);
      const carried = tail(current, overlap);
      current = carried === "" ? piece : `${carried}\n\n${piece}`;
      fresh = piece.length;
    } else {
      current = current === "" ? piece : `${current}\n\n${piece}`;
      fresh += (fresh === 0 ? 0 : 2) + piece.length;
    }
  }
  if (fresh > 0) chunks.push(current);
  return chunks;
}

/** Cuts a paragraph longer than `size` at sentence ends, else spaces, else anywhere. */
function splitLong(paragraph: string, size: number): string[] {
  const parts: string[] = [];
  let rest = paragraph;
  while (rest.length > size) {
    const cut = cutPoint(rest, size);
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest !== "") parts.push(rest);
  return parts;
}

/** Where to cut `text` at most `size` characters in, preferring natural breaks in the back half. */
function cutPoint(text: string, size: number): number {
  const window = text.slice(0, size + 1);
  const floor = Math.floor(size / 2);
  const sentence = lastMatchEnd(window, /[.!?…。]["')\]]*\s+|\n/g, floor);
  if (sentence !== undefined) return sentence;
  const space = window.lastIndexOf(" ");
  if (space >= floor) return space + 1;
  // No break at all (a long URL, base64): cut, but never inside a surrogate pair.
  const code = text.charCodeAt(size - 1);
  return code >= 0xd800 && code <= 0xdbff ? size - 1 : size;
}

function lastMatchEnd(text: string, pattern: RegExp, floor: number): number | undefined {
  let found: number | undefined;
  for (const match of text.matchAll(pattern)) {
    const end = match.index + match[0].length;
    if (end >= floor && end <= text.length - 1) found = end;
  }
  return found;
}

/** The last `max` characters of `text`, starting at a word. */
function tail(text: string, max: number): string {
  if (max <= 0) return "";
  if (text.length <= max) return text;
  const start = text.length - max;
  const space = text.slice(start).search(/\s/);
  return space === -1 ? "" : text.slice(start + space).trim();
}
