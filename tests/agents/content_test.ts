// deno-lint-ignore-file no-explicit-any
/**
 * The content agent end to end through GraphQL: outline, then a draft that
 * follows it, each streamed from its own node; a follow-up edits the draft.
 */
import assert from "node:assert/strict";
import {
  chat,
  chatRequests,
  messagesOf,
  statusOf,
  threadOf,
  tokensByNode,
  withMockApp,
  withOfflineApp,
} from "./agent_harness.ts";

const OUTLINE = "Tea at dawn. 1. Water 2. Leaves 3. Time";
const DRAFT = "## Water Boil it gently. ## Leaves Use good ones. ## Time Three minutes.";

Deno.test("content: outline then draft stream from their nodes; a follow-up edits the draft", async () => {
  await withMockApp(async (app, mock) => {
    const threadId = await app.createThread("alice", { agentId: "content" });
    mock.script({ kind: "text", text: OUTLINE }, { kind: "text", text: DRAFT });
    const events = await chat(app, "alice", threadId, "Write a short piece on brewing tea.");
    assert.equal(statusOf(events), "SUCCESS");
    assert.deepEqual(tokensByNode(events), { outline: OUTLINE, write: DRAFT });
    assert.deepEqual(
      messagesOf(events).map((m) => [m.role, m.node, m.content]),
      [
        ["user", null, "Write a short piece on brewing tea."],
        ["assistant", "outline", OUTLINE],
        ["assistant", "write", DRAFT],
      ],
    );
    // The writer saw its own outline and was told to follow it.
    const [first, second] = chatRequests(mock);
    const sent = second!.body?.messages as any[];
    assert.equal(sent.at(-2).content, OUTLINE);
    assert.match(sent.at(-1).content, /following the outline/);
    assert.match((first!.body?.messages as any[]).at(-1).content, /outline/);

    mock.script({ kind: "text", text: "## Tea Boil, steep three minutes." });
    const edit = await chat(app, "alice", threadId, "Make it much shorter.");
    assert.equal(statusOf(edit), "SUCCESS");
    assert.deepEqual(tokensByNode(edit), { edit: "## Tea Boil, steep three minutes." });
    const editRequest = chatRequests(mock).at(-1)!.body?.messages as any[];
    assert.match(editRequest.at(-1).content, /Edit your latest draft/);
    assert.ok(editRequest.some((m) => m.content === DRAFT), "the editor saw the draft");

    const thread = await threadOf(app, "alice", threadId);
    assert.equal(thread.agentId, "content");
    assert.deepEqual(thread.messages.map((m: any) => [m.role, m.content]), [
      ["USER", "Write a short piece on brewing tea."],
      ["ASSISTANT", OUTLINE],
      ["ASSISTANT", DRAFT],
      ["USER", "Make it much shorter."],
      ["ASSISTANT", "## Tea Boil, steep three minutes."],
    ]);
  });
});

Deno.test("content offline: outline and draft without a key", async () => {
  await withOfflineApp(async (app) => {
    const threadId = await app.createThread("bob", { agentId: "content" });
    const events = await chat(app, "bob", threadId, "A post about rivers");
    assert.equal(statusOf(events), "SUCCESS");
    const tokens = tokensByNode(events);
    assert.deepEqual(Object.keys(tokens), ["outline", "write"]);
    assert.match(tokens.outline!, /You said: "A post about rivers"/);
    const thread = await threadOf(app, "bob", threadId);
    assert.deepEqual(thread.messages.map((m: any) => m.role), ["USER", "ASSISTANT", "ASSISTANT"]);
  });
});
