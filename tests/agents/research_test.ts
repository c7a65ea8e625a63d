// deno-lint-ignore-file no-explicit-any
/**
 * The research agent end to end through GraphQL: it searches the user's
 * documents and memories with the real tools and answers from them; web
 * search is attached only with a search key; offline, it searches the
 * documents for what the user said.
 */
import assert from "node:assert/strict";
import {
  chat,
  chatRequests,
  messagesOf,
  offeredTools,
  statusOf,
  threadOf,
  tokensByNode,
  withMockApp,
  withOfflineApp,
} from "./agent_harness.ts";
import { uploadReady } from "../documents/support.ts";

const alice = { id: "alice", roles: ["user"], anonymous: false };

Deno.test("research: searches documents and memories, then answers with citations", async () => {
  await withMockApp(async (app, mock) => {
    await uploadReady(app, alice, {
      file: new File(["Tea notes\n\nOolong is partly oxidised."], "tea.md"),
    });
    await app.memory.put("alice", [{
      namespace: ["memories"],
      key: "tea",
      value: { content: "Alice likes oolong tea" },
    }]);
    const threadId = await app.createThread("alice", { agentId: "research" });
    mock.script(
      {
        kind: "tool_calls",
        calls: [
          { id: "d1", name: "search_documents", arguments: { query: "oolong" } },
          { id: "m1", name: "search_memory", arguments: { query: "tea" } },
        ],
      },
      { kind: "text", text: "Oolong is partly oxidised [1], and you like it." },
    );
    const events = await chat(app, "alice", threadId, "What do I know about oolong?");
    assert.equal(statusOf(events), "SUCCESS");
    assert.deepEqual(tokensByNode(events), {
      agent: "Oolong is partly oxidised [1], and you like it.",
    });
    // No WEB_SEARCH_API_KEY: no web_search.
    assert.deepEqual(offeredTools(chatRequests(mock)[0]!), ["search_documents", "search_memory"]);
    const tools = messagesOf(events).filter((m) => m.role === "tool");
    assert.match(tools[0]!.content, /^\[1\] tea\.md#0/);
    assert.match(tools[1]!.content, /Alice likes oolong tea/);
    const thread = await threadOf(app, "alice", threadId);
    const cited = thread.messages.find((m: any) => m.name === "search_documents");
    assert.deepEqual(cited.artifact.citations.map((c: any) => c.n), [1]);
  });
});

Deno.test("research: web_search is attached when a search key is configured", async () => {
  await withMockApp(async (app) => {
    const data = await app.ok("alice", '{ agent(id: "research") { tools } }');
    assert.deepEqual(data.agent.tools, ["search_documents", "search_memory", "web_search"]);
  }, { WEB_SEARCH_API_KEY: "test-key" });
});

Deno.test("research offline: searches the documents for the message", async () => {
  await withOfflineApp(async (app) => {
    await uploadReady(app, alice, {
      file: new File(["Tea notes\n\nOolong is partly oxidised."], "tea.md"),
    });
    const threadId = await app.createThread("alice", { agentId: "research" });
    const events = await chat(app, "alice", threadId, "oolong");
    assert.equal(statusOf(events), "SUCCESS");
    const messages = messagesOf(events);
    assert.deepEqual(messages.map((m) => [m.role, m.toolCalls.map((c: any) => c.name).join()]), [
      ["user", ""],
      ["assistant", "search_documents"],
      ["tool", ""],
      ["assistant", ""],
    ]);
    assert.match(messages[3]!.content, /search_documents said "\[1\] tea\.md#0/);
  });
});
