// deno-lint-ignore-file no-explicit-any
/**
 * The agentic RAG agent end to end through GraphQL, on documents uploaded
 * through the real document service: retrieval, a silent grading call,
 * a bounded rewrite when the passages are irrelevant, and a cited answer;
 * offline, the same path runs without a key.
 */
import assert from "node:assert/strict";
import type { RunsApp } from "../runs/harness.ts";
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

async function uploadVolcano(app: RunsApp, user: string) {
  await uploadReady(app, { id: user, roles: ["user"], anonymous: false }, {
    file: new File(
      ["Volcanoes\n\nThe caldera collapsed after the eruption of 1815."],
      "volcano.txt",
    ),
  });
}

const searchCall = (query: string) => ({
  kind: "tool_calls" as const,
  calls: [{ name: "search_documents", arguments: { query } }],
});
const grade = (relevant: "yes" | "no") => ({
  kind: "tool_calls" as const,
  calls: [{ name: "grade_documents", arguments: { relevant } }],
});

Deno.test("rag: retrieve, grade silently, answer with citations", async () => {
  await withMockApp(async (app, mock) => {
    await uploadVolcano(app, "alice");
    const threadId = await app.createThread("alice", { agentId: "rag" });
    mock.script(
      searchCall("caldera collapse"),
      grade("yes"),
      { kind: "text", text: "It collapsed after the 1815 eruption [1]." },
    );
    const events = await chat(app, "alice", threadId, "When did the caldera collapse?");
    assert.equal(statusOf(events), "SUCCESS", JSON.stringify(events.at(-1)));
    // Only the answer streams: the grading call is tagged nostream.
    assert.deepEqual(tokensByNode(events), {
      generate: "It collapsed after the 1815 eruption [1].",
    });
    assert.deepEqual(messagesOf(events).map((m) => [m.role, m.node]), [
      ["user", null],
      ["assistant", "agent"],
      ["tool", "retrieve"],
      ["assistant", "generate"],
    ]);
    const [decide, grading, answer] = chatRequests(mock);
    assert.deepEqual(offeredTools(decide!), ["search_documents"]);
    assert.deepEqual(offeredTools(grading!), ["grade_documents"]);
    assert.equal((grading!.body?.tool_choice as any)?.function?.name, "grade_documents");
    const gradePrompt = (grading!.body?.messages as any[]).at(-1).content;
    assert.match(gradePrompt, /\[1\] volcano\.txt#0/);
    assert.match(gradePrompt, /Question: When did the caldera collapse\?/);
    assert.match((answer!.body?.messages as any[]).at(-1).content, /Cite each fact/);

    const thread = await threadOf(app, "alice", threadId);
    const tool = thread.messages.find((m: any) => m.role === "TOOL");
    assert.deepEqual(tool.artifact.citations.map((c: any) => c.filename), ["volcano.txt"]);
    assert.equal(thread.messages.at(-1).content, "It collapsed after the 1815 eruption [1].");
  });
});

Deno.test("rag: irrelevant passages make it rewrite the question once, then it answers", async () => {
  await withMockApp(async (app, mock) => {
    await uploadVolcano(app, "alice");
    const threadId = await app.createThread("alice", { agentId: "rag" });
    mock.script(
      searchCall("that thing"),
      grade("no"),
      {
        kind: "tool_calls",
        calls: [{ name: "rewrite_question", arguments: { question: "volcano caldera" } }],
      },
      grade("no"),
      { kind: "text", text: "The documents do not say." },
    );
    const events = await chat(app, "alice", threadId, "Tell me about that thing");
    assert.equal(statusOf(events), "SUCCESS");
    const messages = messagesOf(events);
    assert.deepEqual(messages.map((m) => [m.role, m.node]), [
      ["user", null],
      ["assistant", "agent"],
      ["tool", "retrieve"],
      ["assistant", "rewrite"],
      ["tool", "retrieve"],
      ["assistant", "generate"],
    ]);
    assert.deepEqual(messages[3]!.toolCalls.map((c: any) => [c.name, c.args]), [
      ["search_documents", { query: "volcano caldera" }],
    ]);
    // A second irrelevant grade does not rewrite again: five calls in all.
    assert.equal(chatRequests(mock).length, 5);
    assert.deepEqual(tokensByNode(events), { generate: "The documents do not say." });
  });
});

Deno.test("rag: a question that needs no documents is answered in one call", async () => {
  await withMockApp(async (app, mock) => {
    const threadId = await app.createThread("alice", { agentId: "rag" });
    mock.script({ kind: "text", text: "Hello!" });
    const events = await chat(app, "alice", threadId, "hi");
    assert.deepEqual(tokensByNode(events), { agent: "Hello!" });
    assert.equal(chatRequests(mock).length, 1);
  });
});

Deno.test("rag offline: retrieve, grade, answer; with no documents, one rewrite then an answer", async () => {
  await withOfflineApp(async (app) => {
    await uploadVolcano(app, "bob");
    const threadId = await app.createThread("bob", { agentId: "rag" });
    const events = await chat(app, "bob", threadId, "caldera eruption");
    assert.equal(statusOf(events), "SUCCESS");
    const messages = messagesOf(events);
    assert.deepEqual(messages.map((m) => m.node), [null, "agent", "retrieve", "generate"]);
    assert.match(messages[3]!.content, /search_documents said "\[1\] volcano\.txt#0/);

    const empty = await app.createThread("carol", { agentId: "rag" });
    const none = messagesOf(await chat(app, "carol", empty, "caldera eruption"));
    assert.deepEqual(none.map((m) => m.node), [
      null,
      "agent",
      "retrieve",
      "rewrite",
      "retrieve",
      "generate",
    ]);
    assert.deepEqual(none[3]!.toolCalls[0].args, { query: "caldera eruption" });
    const thread = await threadOf(app, "carol", empty);
    assert.equal(thread.messages.length, 6);
  });
});
