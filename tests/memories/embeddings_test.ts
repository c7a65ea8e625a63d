import assert from "node:assert/strict";
import { OpenAIEmbeddings } from "@langchain/openai";
import { loadConfig } from "../../src/config.ts";
import {
  createEmbeddings,
  embedChecked,
  EmbeddingDimensionError,
} from "../../src/llm/embeddings.ts";
import {
  embedText,
  OFFLINE_EMBEDDING_MODEL,
  OfflineEmbeddings,
} from "../../src/llm/offline_embeddings.ts";

function cosine(a: number[], b: number[]): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

Deno.test("offline embedder: deterministic, unit length, configured dims", async () => {
  const embeddings = new OfflineEmbeddings({ dims: 1536 });
  const [a, b] = await embeddings.embedDocuments(["I like green tea", "I like green tea"]);
  assert.equal(a!.length, 1536);
  assert.deepEqual(a, b);
  assert.deepEqual(await embeddings.embedQuery("I like green tea"), a);
  const norm = Math.sqrt(a!.reduce((sum, x) => sum + x * x, 0));
  assert.ok(Math.abs(norm - 1) < 1e-6, `norm ${norm}`);
  assert.equal(embedText("", 8).join(","), "1,0,0,0,0,0,0,0");
});

Deno.test("offline embedder: near-duplicates are closer than related texts, related closer than unrelated", () => {
  const dims = 1536;
  const base = embedText("The user lives in Berlin and works as a nurse", dims);
  const duplicate = embedText("the user lives in Berlin, and works as a nurse.", dims);
  const related = embedText("Where does the user live? Berlin", dims);
  const unrelated = embedText("Quarterly revenue grew by four percent", dims);
  assert.ok(cosine(base, duplicate) > 0.95, `duplicate ${cosine(base, duplicate)}`);
  assert.ok(cosine(base, related) > cosine(base, unrelated) + 0.1);
  assert.ok(Math.abs(cosine(base, unrelated)) < 0.15);
});

Deno.test("createEmbeddings: offline without a key, labelled offline", () => {
  const provider = createEmbeddings(loadConfig({ LANGMEM_EMBEDDING_DIMS: "64" }));
  assert.equal(provider.mode, "offline");
  assert.equal(provider.model, OFFLINE_EMBEDDING_MODEL);
  assert.equal(provider.dims, 64);
  assert.ok(provider.embeddings instanceof OfflineEmbeddings);
});

Deno.test("createEmbeddings: OpenAIEmbeddings with the configured model, dims and base URL", () => {
  const provider = createEmbeddings(loadConfig({
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
  }));
  assert.equal(provider.mode, "openai");
  assert.equal(provider.model, "openai:text-embedding-3-small");
  const embeddings = provider.embeddings as OpenAIEmbeddings;
  assert.ok(embeddings instanceof OpenAIEmbeddings);
  assert.equal(embeddings.model, "text-embedding-3-small");
  assert.equal(embeddings.dimensions, 1536);
  assert.equal(
    (embeddings as unknown as { clientConfig: { baseURL?: string } }).clientConfig.baseURL,
    "http://127.0.0.1:9/v1",
  );
});

Deno.test("embedChecked rejects vectors of the wrong length with the fix in the message", async () => {
  const provider = {
    ...createEmbeddings(loadConfig({ LANGMEM_EMBEDDING_DIMS: "64" })),
    dims: 32,
  };
  await assert.rejects(
    () => embedChecked(provider, ["hello"]),
    (error: unknown) =>
      error instanceof EmbeddingDimensionError && /LANGMEM_EMBEDDING_DIMS/.test(error.message) &&
      /memory:reindex/.test(error.message),
  );
});
