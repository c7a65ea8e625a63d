// deno-lint-ignore-file no-explicit-any
/**
 * Long-term memory against the mock OpenAI server through the real
 * @langchain/openai client: `OpenAIEmbeddings` on `/v1/embeddings` behind
 * putMemory/searchMemories, and the memory manager's model path, where the
 * model's tool calls insert, update and delete memories.
 */
import assert from "node:assert/strict";
import { HumanMessage } from "@langchain/core/messages";
import { signJwt } from "../../src/auth/jwt.ts";
import { createChatModel } from "../../src/llm/chat_model.ts";
import { createMemoryManager } from "../../src/memories/extraction/manager.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { type MockOpenAI, startMockOpenAI } from "../support/mock_openai.ts";

const SECRET = "openai-memory-secret-0123456789";
const DIMS = 256;

async function as(user: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signJwt({ sub: user }, SECRET)}` };
}

async function withApp(fn: (app: TestApp, mock: MockOpenAI) => Promise<void>) {
  const mock = await startMockOpenAI();
  const app = await startTestApp({
    SECRET_KEY: SECRET,
    OPENAI_API_KEY: "sk-mock",
    OPENAI_BASE_URL: mock.url,
    EMBEDDING_MODEL: "text-embedding-3-small",
    LANGMEM_EMBEDDING_DIMS: String(DIMS),
  });
  try {
    await fn(app, mock);
  } finally {
    await app.close();
    await mock.close();
  }
}

const PUT = `mutation ($input: PutMemoryInput!) { putMemory(input: $input) { key } }`;
const SEARCH = `query ($input: SearchMemoriesInput!) {
  searchMemories(input: $input) { score memory { key value } } }`;

Deno.test("OpenAIEmbeddings via the mock: the memory sharing the query's words ranks first", async () => {
  await withApp(async (app, mock) => {
    assert.equal(app.memory.embedder.mode, "openai");
    const alice = await as("alice");
    const texts = {
      tea: "Alice drinks green tea every morning",
      bike: "Alice rides a red bicycle to work",
      job: "Alice works nights as a hospital nurse",
    };
    for (const [key, content] of Object.entries(texts)) {
      const body = await app.graphql(
        PUT,
        { input: { namespace: ["profile"], key, value: { content } } },
        alice,
      );
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    }
    const body = await app.graphql(SEARCH, {
      input: { namespacePrefix: ["profile"], query: "green tea in the morning", limit: 3 },
    }, alice);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const hits = (body.data as any).searchMemories as { score: number; memory: any }[];
    assert.deepEqual(hits.map((h) => h.memory.key)[0], "tea");
    assert.equal(hits.length, 3);
    assert.ok(hits[0]!.score > hits[1]!.score + 0.1, JSON.stringify(hits.map((h) => h.score)));

    const embeddings = mock.requests.filter((r) => r.path === "/v1/embeddings");
    assert.ok(embeddings.length >= 2, `${embeddings.length} embeddings requests`);
    for (const request of embeddings) {
      assert.equal(request.body?.model, "text-embedding-3-small");
      assert.equal(request.body?.dimensions, DIMS);
      assert.equal(request.headers.authorization, "Bearer sk-mock");
    }
    const inputs = embeddings.flatMap((r) => [r.body?.input].flat());
    for (const content of Object.values(texts)) assert.ok(inputs.includes(content), content);
    assert.ok(inputs.includes("green tea in the morning"));
  });
});

Deno.test("extractMemories with the model: the mock's tool calls insert, update and delete", async () => {
  await withApp(async (app, mock) => {
    const store = app.memory.forOwner("model-user");
    await store.put(["profile"], "drink", { content: "The user drinks tea" });
    await store.put(["profile"], "pet", { content: "The user has a goldfish" });
    const other = app.memory.forOwner("someone-else");
    await other.put(["profile"], "secret", { content: "Someone else drinks tea too" });
    mock.script({
      kind: "tool_calls",
      calls: [
        { name: "create_memory", arguments: { content: "The user works as a nurse" } },
        {
          name: "update_memory",
          arguments: { id: "drink", content: "The user drinks coffee, not tea", contradicts: true },
        },
        { name: "delete_memory", arguments: { id: "pet", reason: "obsolete" } },
        // Another user's key: never shown to the model, so never touched.
        { name: "delete_memory", arguments: { id: "secret", reason: "obsolete" } },
      ],
    });
    const manager = createMemoryManager({
      store,
      model: createChatModel(app.config.llm, { temperature: 0 }),
    });
    assert.equal(manager.mode, "model");
    const changes = await manager.extractMemories([
      new HumanMessage("I'm a nurse now. I switched from tea to coffee, and the goldfish died."),
    ], ["profile"]);
    assert.deepEqual(changes.map((c) => [c.action, c.action === "created" ? c.content : c.key]), [
      ["created", "The user works as a nurse"],
      ["updated", "drink"],
      ["deleted", "pet"],
    ]);

    // The model saw the tools and the user's related memories, not the other user's.
    const chat = mock.requests.filter((r) => r.path === "/v1/chat/completions");
    assert.equal(chat.length, 1);
    const tools = (chat[0]!.body?.tools as any[]).map((t) => t.function.name);
    assert.deepEqual(tools, ["create_memory", "update_memory", "delete_memory"]);
    const prompt = JSON.stringify(chat[0]!.body?.messages);
    assert.match(prompt, /\[drink\] The user drinks tea/);
    assert.doesNotMatch(prompt, /Someone else/);

    assert.equal(
      (await store.get(["profile"], "drink"))?.value.content,
      "The user drinks coffee, not tea",
    );
    assert.equal(await store.get(["profile"], "pet"), null);
    const created = changes[0]!;
    assert.equal(
      (await store.get(["profile"], created.key))?.value.content,
      "The user works as a nurse",
    );
    assert.equal(
      (await other.get(["profile"], "secret"))?.value.content,
      "Someone else drinks tea too",
    );
    assert.deepEqual(
      (await app.memory.history("model-user", ["profile"], "drink")).map((v) => v.change),
      [null, "contradicted"],
    );
  });
});
