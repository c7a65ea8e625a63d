// deno-lint-ignore-file no-explicit-any
/**
 * Long-term memory inside runs, end to end through GraphQL: the assistant's
 * `manage_memory` and `search_memory` tool calls, scripted on the mock
 * OpenAI server and executed against the run's user's store, and background
 * reflection after successful runs (offline extractor, and the model path
 * failing without failing the run).
 */
import assert from "node:assert/strict";
import type { MockOpenAI } from "../support/mock_openai.ts";
import {
  CHAT,
  delay,
  type Event,
  readEvents,
  type RunsApp,
  sseClient,
  startRunsApp,
  withMockApp,
} from "../runs/harness.ts";

const isEnd = (events: Event[]) =>
  events.at(-1)?.__typename === "RunStatusEvent" &&
  !["PENDING", "RUNNING"].includes(events.at(-1)?.status);
const messagesOf = (events: Event[]) =>
  events.filter((e) => e.__typename === "MessageEvent").map((e) => e.message);

/** Sends `content` on a new thread of `user` and returns the run's events. */
async function chat(app: RunsApp, user: string, content: string): Promise<Event[]> {
  const threadId = await app.createThread(user);
  const client = sseClient(app, await app.as(user));
  try {
    return await readEvents(
      client.iterate({ query: CHAT, variables: { input: { threadId, content } } }),
      "chat",
      isEnd,
    );
  } finally {
    await client.dispose();
  }
}

const search = (app: RunsApp, user: string, query: string) =>
  app.memory.search(user, { namespacePrefix: [], query, limit: 10 });

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await delay(20);
  }
}

/** The agents on the mock model, with vectors small enough to seed quickly. */
function withMock(
  env: Record<string, string>,
  fn: (app: RunsApp, mock: MockOpenAI) => Promise<void>,
) {
  return withMockApp(fn, { LANGMEM_EMBEDDING_DIMS: "256", ...env });
}

Deno.test("a run's manage_memory call stores a memory for its user only; search_memory finds it later", async () => {
  // A long reflection delay: the next run drops the waiting reflection, so
  // reflection never takes a scripted reply meant for the agent.
  await withMock({ MEMORY_REFLECTION_DELAY_MS: "600000" }, async (app, mock) => {
    mock.script(
      {
        kind: "tool_calls",
        calls: [{
          name: "manage_memory",
          arguments: { action: "create", content: "Alice likes oolong tea" },
        }],
      },
      { kind: "text", text: "Noted: you like oolong tea." },
    );
    const first = await chat(app, "alice", "Remember that I like oolong tea.");
    assert.equal(first.at(-1)?.status, "SUCCESS", JSON.stringify(first.at(-1)));
    const created = messagesOf(first).find((m) => m.role.toLowerCase() === "tool");
    assert.match(created?.content ?? "", /^Created memory [0-9a-f-]{36}\.$/);
    // The model was offered the memory tools.
    const offered = (mock.requests.find((r) => r.path === "/v1/chat/completions")!.body
      ?.tools as any[]).map((t) => t.function.name);
    assert.ok(offered.includes("manage_memory") && offered.includes("search_memory"), `${offered}`);

    const [hit] = await search(app, "alice", "oolong tea");
    assert.deepEqual(hit?.namespace, ["memories"]);
    assert.equal(hit?.value.content, "Alice likes oolong tea");
    assert.deepEqual(await search(app, "bob", "oolong tea"), []);
    const bobs = await app.ok(
      "bob",
      `query { searchMemories(input: {
      namespacePrefix: [], query: "oolong tea" }) { memory { key } } }`,
    );
    assert.deepEqual(bobs.searchMemories, []);
    const usage = app.logs.filter((l) =>
      l.event === "tool_usage" && l.tool_name === "manage_memory"
    );
    assert.equal(usage.length, 1);
    assert.equal(usage[0]!.user_id, "alice");
    assert.equal(usage[0]!.status, "success");

    // A second thread: search_memory returns the memory in the tool result.
    const searchCall = {
      kind: "tool_calls" as const,
      calls: [{ name: "search_memory", arguments: { query: "what tea do I like" } }],
    };
    mock.script(searchCall, { kind: "text", text: "You like oolong tea." });
    const second = await chat(app, "alice", "What tea do I like?");
    assert.equal(second.at(-1)?.status, "SUCCESS");
    const found = messagesOf(second).find((m) => m.role.toLowerCase() === "tool");
    const results = JSON.parse(found.content) as any[];
    assert.equal(results[0]?.id, hit?.key);
    assert.equal(results[0]?.value.content, "Alice likes oolong tea");
    assert.equal(typeof results[0]?.score, "number");

    // Bob's agent, with the same call, sees nothing of Alice's.
    mock.script(searchCall, { kind: "text", text: "I know nothing about your tea." });
    const bob = await chat(app, "bob", "What tea do I like?");
    assert.equal(messagesOf(bob).find((m) => m.role.toLowerCase() === "tool")?.content, "[]");
    assert.equal(
      app.logs.filter((l) => l.event === "tool_usage" && l.tool_name === "search_memory").length,
      2,
    );
  });
});

Deno.test("offline reflection: after the debounce, a thread's statements become the user's memories", async () => {
  // Long enough that the second run always starts inside it, even on a loaded machine.
  const app = await startRunsApp({ MEMORY_REFLECTION_DELAY_MS: "2000" });
  try {
    const threadId = await app.createThread("dave");
    const run1 = await app.sendMessage("dave", { threadId, content: "I prefer tea." });
    assert.equal((await app.waitForRun("dave", run1.id)).status, "SUCCESS");
    assert.deepEqual(await search(app, "dave", "tea"), [], "nothing before the debounce");
    // A second run within the delay: one reflection covers both.
    const run2 = await app.sendMessage("dave", { threadId, content: "I live in Lisbon." });
    assert.equal((await app.waitForRun("dave", run2.id)).status, "SUCCESS");

    const hits = await until(async () => {
      const found = await search(app, "dave", "tea Lisbon");
      return found.length === 2 ? found : undefined;
    });
    assert.deepEqual(hits.map((h) => h.value.content).sort(), ["I live in Lisbon", "I prefer tea"]);
    assert.ok(hits.every((h) => h.namespace.join("/") === "memories"));
    // The reflection logs after its memories are written: wait for the line.
    await until(() =>
      Promise.resolve(app.logs.find((l) => l.event === "memory_reflection") ? true : undefined)
    );
    const reflections = app.logs.filter((l) => l.event === "memory_reflection");
    assert.equal(reflections.length, 1, JSON.stringify(reflections));
    assert.equal(reflections[0]!.mode, "offline");
    assert.equal(reflections[0]!.created, 2);
    assert.equal(reflections[0]!.thread_id, threadId);
    assert.deepEqual(await search(app, "erin", "tea"), [], "another user has none");
  } finally {
    await app.close();
  }
});

Deno.test("a failed run is not reflected on; a failing reflection is logged and the run stays SUCCESS", async () => {
  await withMock({ MEMORY_REFLECTION_DELAY_MS: "20" }, async (app, mock) => {
    const chats = () => mock.requests.filter((r) => r.path === "/v1/chat/completions");
    mock.script({ kind: "http_error", status: 400, message: "bad request" });
    const threadId = await app.createThread("frank");
    const failed = await app.sendMessage("frank", { threadId, content: "I prefer tea." });
    assert.equal((await app.waitForRun("frank", failed.id)).status, "ERROR");
    await delay(200);
    assert.equal(chats().length, 1, "no reflection model call after a failed run");
    assert.equal(app.logs.filter((l) => String(l.event).startsWith("memory_reflection")).length, 0);

    // The run succeeds; the reflection's model call then fails.
    mock.script(
      { kind: "text", text: "Tea it is." },
      { kind: "http_error", status: 400, message: "reflection refused" },
    );
    const ok = await app.sendMessage("frank", { threadId, content: "I prefer tea." });
    assert.equal((await app.waitForRun("frank", ok.id)).status, "SUCCESS");
    const failure = await until(() =>
      Promise.resolve(app.logs.find((l) => l.event === "memory_reflection_failed"))
    );
    assert.equal(failure.thread_id, threadId);
    assert.equal(chats().length, 3);
    assert.match(JSON.stringify(chats()[2]!.body?.messages), /I prefer tea/);
    assert.equal((await app.waitForRun("frank", ok.id)).status, "SUCCESS");
    assert.deepEqual(await search(app, "frank", "tea"), []);
  });
});
