/**
 * Deterministic embeddings for the mock OpenAI server. Each word of the text
 * (lower-cased) adds ±1 to a few dimensions picked by hashing it, and a small
 * component seeded from the whole text keeps every vector non-zero and
 * distinct; the result is L2-normalised. So the same text always gets the
 * same vector, and texts that share words are closer than texts that do
 * not, which is enough for memory search tests to rank sensibly.
 *
 * @module
 */

const PROBES_PER_WORD = 4;
const TEXT_COMPONENT = 0.05;

/** The embedding of `text` with `dimensions` components (unit length). */
export function embedText(text: string, dimensions: number): Float32Array {
  const vector = new Float64Array(dimensions);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const random = prng(hash(word));
    for (let i = 0; i < PROBES_PER_WORD; i++) {
      const index = Math.floor(random() * dimensions);
      vector[index]! += random() < 0.5 ? -1 : 1;
    }
  }
  const random = prng(hash(`text:${text}`));
  for (let i = 0; i < dimensions; i++) vector[i]! += (random() * 2 - 1) * TEXT_COMPONENT;
  const norm = Math.hypot(...vector) || 1;
  return Float32Array.from(vector, (x) => x / norm);
}

/** Little-endian float32 bytes in base64, OpenAI's `encoding_format: "base64"`. */
export function toBase64(vector: Float32Array): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  vector.forEach((x, i) => view.setFloat32(i * 4, x, true));
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** A rough token count (words), for `usage`. */
export function countTokens(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, fast, seeded generator in [0, 1). */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The `/v1/embeddings` answer (status and OpenAI-shaped body) for a request body. */
export function embeddingsResponse(
  body: Record<string, unknown> | undefined,
  defaultDimensions: number,
): { status: number; body: unknown } {
  const input = body?.input;
  const texts = typeof input === "string"
    ? [input]
    : Array.isArray(input) && input.every((x) => typeof x === "string")
    ? input as string[]
    : undefined;
  const invalid = (message: string) => ({
    status: 400,
    body: { error: { message, type: "invalid_request_error", param: null, code: null } },
  });
  if (texts === undefined || texts.length === 0) {
    return invalid("'input' must be a non-empty string or array of strings.");
  }
  const dimensions = body?.dimensions ?? defaultDimensions;
  if (typeof dimensions !== "number" || !Number.isInteger(dimensions) || dimensions < 1) {
    return invalid("'dimensions' must be a positive integer.");
  }
  const base64 = body?.encoding_format === "base64";
  const tokens = texts.reduce((n, text) => n + countTokens(text), 0);
  return {
    status: 200,
    body: {
      object: "list",
      data: texts.map((text, index) => {
        const vector = embedText(text, dimensions);
        return {
          object: "embedding",
          index,
          embedding: base64 ? toBase64(vector) : Array.from(vector),
        };
      }),
      model: typeof body?.model === "string" ? body.model : "text-embedding-3-small",
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  };
}
