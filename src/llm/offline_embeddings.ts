/**
 * The offline embedder: what memories are embedded with when no
 * `OPENAI_API_KEY` is set. It hashes words, word pairs and character
 * n-grams into a fixed number of dimensions (signed feature hashing) and
 * L2-normalises the result, so texts sharing words or spellings land close
 * in cosine distance. It is deterministic, needs no network, and is labelled
 * offline everywhere it is reported; it is no substitute for a real model's
 * semantics, but near-duplicates and keyword overlap are found reliably.
 *
 * @example
 * ```ts
 * import { OfflineEmbeddings } from "./offline_embeddings.ts";
 * const embeddings = new OfflineEmbeddings({ dims: 1536 });
 * const [a, b] = await embeddings.embedDocuments(["I like tea", "I like green tea"]);
 * ```
 * @module
 */
import { Embeddings } from "@langchain/core/embeddings";

/** The model name recorded for vectors made by {@linkcode OfflineEmbeddings}. */
export const OFFLINE_EMBEDDING_MODEL = "graphmind-offline-hash-v1";

/** Options for {@linkcode OfflineEmbeddings}. */
export interface OfflineEmbeddingsParams {
  /** Vector length. */
  dims: number;
}

const WORD_WEIGHT = 1;
const PAIR_WEIGHT = 0.7;
const GRAM_WEIGHT = 0.25;
const GRAM_SIZES = [3, 4];

/** A deterministic, local embedder: hashed word and character n-grams. */
export class OfflineEmbeddings extends Embeddings {
  readonly dims: number;

  constructor(params: OfflineEmbeddingsParams) {
    super({});
    if (!Number.isInteger(params.dims) || params.dims < 1) {
      throw new RangeError(`Invalid dims ${params.dims}: expected a positive integer`);
    }
    this.dims = params.dims;
  }

  /** Embeds each text; equal texts always get equal vectors. */
  embedDocuments(documents: string[]): Promise<number[][]> {
    return Promise.resolve(documents.map((text) => embedText(text, this.dims)));
  }

  /** Embeds a search query exactly like a document, so both sides are comparable. */
  embedQuery(document: string): Promise<number[]> {
    return Promise.resolve(embedText(document, this.dims));
  }
}

/** The feature-hashed, L2-normalised vector of `text`. */
export function embedText(text: string, dims: number): number[] {
  const vector = new Float64Array(dims);
  const words = text.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const add = (feature: string, weight: number) => {
    const hash = fnv1a(feature);
    // A second, independent bit picks the sign, so collisions cancel out on average.
    const sign = (fnv1a(`±${feature}`) & 1) === 0 ? 1 : -1;
    vector[hash % dims]! += sign * weight;
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    add(`w:${word}`, WORD_WEIGHT);
    if (i + 1 < words.length) add(`p:${word} ${words[i + 1]}`, PAIR_WEIGHT);
    const padded = `<${word}>`;
    for (const size of GRAM_SIZES) {
      for (let start = 0; start + size <= padded.length; start++) {
        add(`g:${padded.slice(start, start + size)}`, GRAM_WEIGHT);
      }
    }
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  // No words (or exact cancellation): a fixed unit vector, since a zero
  // vector has no cosine distance to anything.
  if (norm === 0) return Array.from({ length: dims }, (_, i) => i === 0 ? 1 : 0);
  const scale = 1 / Math.sqrt(norm);
  return Array.from(vector, (value) => Math.fround(value * scale));
}

/** 32-bit FNV-1a over UTF-16 code units: fast, stable across runs and platforms. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
