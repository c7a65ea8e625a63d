/**
 * Builds the embedder long-term memory uses: `OpenAIEmbeddings` when
 * `OPENAI_API_KEY` is set (pointed at any OpenAI-compatible server by
 * `OPENAI_BASE_URL`), the offline hashed-n-gram embedder otherwise. The
 * returned `model` is what the memory index records, so a later start with
 * a different model or dimension is caught before it mixes vectors.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { createEmbeddings } from "./embeddings.ts";
 * const provider = createEmbeddings(loadConfig(Deno.env.toObject()));
 * const vector = await provider.embeddings.embedQuery("favourite colour");
 * console.log(provider.mode, provider.model, vector.length);
 * ```
 * @module
 */
import { OpenAIEmbeddings } from "@langchain/openai";
import type { Embeddings } from "@langchain/core/embeddings";
import type { Config } from "../config.ts";
import { OFFLINE_EMBEDDING_MODEL, OfflineEmbeddings } from "./offline_embeddings.ts";

/** An embedder and the identity of the vectors it makes. */
export interface EmbeddingProvider {
  embeddings: Embeddings;
  /** `openai:<model>` or the offline model's name; recorded beside the index. */
  model: string;
  dims: number;
  /** `offline` when no key is set; health and logs say so. */
  mode: "offline" | "openai";
}

/** Thrown when an embedder returns vectors of the wrong length. */
export class EmbeddingDimensionError extends Error {
  constructor(model: string, expected: number, actual: number) {
    super(
      `The embedding model "${model}" returned ${actual}-dimensional vectors, but ` +
        `LANGMEM_EMBEDDING_DIMS is ${expected}: set LANGMEM_EMBEDDING_DIMS to ${actual} and run ` +
        "`deno task memory:reindex`, or choose a model that supports " + `${expected} dimensions.`,
    );
    this.name = "EmbeddingDimensionError";
  }
}

/** Creates the configured embedder. */
export function createEmbeddings(
  config: Pick<Config, "llm" | "embeddings">,
): EmbeddingProvider {
  const { dims } = config.embeddings;
  if (config.llm.apiKey === undefined) {
    return {
      embeddings: new OfflineEmbeddings({ dims }),
      model: OFFLINE_EMBEDDING_MODEL,
      dims,
      mode: "offline",
    };
  }
  const model = config.embeddings.model;
  return {
    embeddings: new OpenAIEmbeddings({
      apiKey: config.llm.apiKey,
      model,
      // Only the text-embedding-3 family accepts a requested dimension.
      ...(model.startsWith("text-embedding-3") ? { dimensions: dims } : {}),
      batchSize: 256,
      maxRetries: 2,
      configuration: config.llm.baseUrl === undefined ? {} : { baseURL: config.llm.baseUrl },
    }),
    model: `openai:${model}`,
    dims,
    mode: "openai",
  };
}

/** Embeds `texts` and checks every vector's length. */
export async function embedChecked(
  provider: EmbeddingProvider,
  texts: string[],
): Promise<number[][]> {
  if (texts.length === 0) return [];
  const vectors = await provider.embeddings.embedDocuments(texts);
  for (const vector of vectors) {
    if (vector.length !== provider.dims) {
      throw new EmbeddingDimensionError(provider.model, provider.dims, vector.length);
    }
  }
  return vectors;
}

/** Embeds a search query and checks its length. */
export async function embedQueryChecked(
  provider: EmbeddingProvider,
  text: string,
): Promise<number[]> {
  const vector = await provider.embeddings.embedQuery(text);
  if (vector.length !== provider.dims) {
    throw new EmbeddingDimensionError(provider.model, provider.dims, vector.length);
  }
  return vector;
}
