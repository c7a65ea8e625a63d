// deno-lint-ignore-file no-explicit-any
/**
 * The supervisor, the default agent, end to end through GraphQL: a plain
 * reply takes one model call as the assistant's did; a handoff runs the
 * research worker (its own model call and tool), and the supervisor then
 * answers from what the worker found.
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

Deno.test("supervisor: a thread without agentId gets it; a text answer is one model call", async () => {
  await withMockApp(async (app, mock) => {
    const threadId = await app.createThread("alice");
    mock.script({ kind: "text", text: "Hello Alice." });
    const events = await chat(app, "alice", threadId, "hi");
    assert.equal(statusOf(events), "SUCCESS");
    assert.deepEqual(tokensByNode(events), { agent: "Hello Alice." });
    assert.equal(chatRequests(mock).length, 1);
    // The assistant's tools, plus a handoff per worker.
    assert.deepEqual(offeredTools(chatRequests(mock)[0]!).sort(), [
      "ask_human",
      "get_current_time",
      "manage_memory",
      "search_memory",
      "transfer_to_chart",
      "transfer_to_research",
    ]);
    const thread = await threadOf(app, "alice", threadId);
    assert.equal(thread.agentId, "supervisor");
  });
});

Deno.test("supervisor: a handoff runs the research worker, then the supervisor answers", async () => {
  await withMockApp(async (app, mock) => {
    await app.memory.put("alice", [{
      namespace: ["memories"],
      key: "tea",
      value: { content: "Alice likes oolong tea" },
    }]);
    const threadId = await app.createThread("alice");
    mock.script(
      { kind: "tool_calls", calls: [{ id: "h1", name: "transfer_to_research", arguments: {} }] },
      {
        kind: "tool_calls",
        calls: [{ id: "s1", name: "search_memory", arguments: { query: "tea" } }],
      },
      { kind: "text", text: "She likes oolong tea." },
      { kind: "text", text: "You like oolong tea." },
    );
    const events = await chat(app, "alice", threadId, "Research what tea I like");
    assert.equal(statusOf(events), "SUCCESS", JSON.stringify(events.at(-1)));
    assert.deepEqual(tokensByNode(events), {
      research: "She likes oolong tea.",
      agent: "You like oolong tea.",
    });
    const messages = messagesOf(events);
    assert.deepEqual(messages.map((m) => [m.role, m.node, m.toolCalls.map((c: any) => c.name)]), [
      ["user", null, []],
      ["assistant", "agent", ["transfer_to_research"]],
      ["tool", "research", []],
      ["assistant", "research", ["search_memory"]],
      ["tool", "research", []],
      ["assistant", "research", []],
      ["assistant", "agent", []],
    ]);
    assert.match(messages[2]!.content, /Transferred to the Research agent/);
    assert.match(messages[4]!.content, /oolong/);
    // The worker was offered its own tools, not the supervisor's.
    const requests = chatRequests(mock);
    assert.deepEqual(offeredTools(requests[1]!), ["search_documents", "search_memory"]);
    assert.match((requests[1]!.body?.messages as any[])[0].content, /research agent/);
    // The supervisor's second call saw the worker's findings, named after it.
    const last = requests[3]!.body?.messages as any[];
    assert.deepEqual(last.at(-1), {
      role: "assistant",
      content: "She likes oolong tea.",
      name: "research",
    });
    const thread = await threadOf(app, "alice", threadId);
    assert.deepEqual(thread.messages.map((m: any) => m.role), [
      "USER",
      "ASSISTANT",
      "TOOL",
      "ASSISTANT",
      "TOOL",
      "ASSISTANT",
      "ASSISTANT",
    ]);
    assert.equal(thread.messages.at(-1).content, "You like oolong tea.");
    const usage = app.logs.filter((l) => l.event === "tool_usage");
    assert.deepEqual(usage.map((l) => [l.tool_name, l.user_id]), [["search_memory", "alice"]]);
  });
});

Deno.test("supervisor offline: a research request is handed off and answered without a key", async () => {
  await withOfflineApp(async (app) => {
    const threadId = await app.createThread("bob");
    const plain = await chat(app, "bob", threadId, "hello");
    assert.deepEqual(messagesOf(plain).map((m) => m.role), ["user", "assistant"]);

    const events = await chat(app, "bob", threadId, "Search what do I like?");
    assert.equal(statusOf(events), "SUCCESS");
    const messages = messagesOf(events);
    assert.deepEqual(
      messages.map((m) => [m.role, m.node, m.toolCalls.map((c: any) => c.name).join()]),
      [
        ["user", null, ""],
        ["assistant", "agent", "transfer_to_research"],
        ["tool", "research", ""],
        ["assistant", "research", "search_documents"],
        ["tool", "research", ""],
        ["assistant", "research", ""],
        ["assistant", "agent", ""],
      ],
    );
    assert.match(messages[5]!.content, /search_documents said/);
    assert.match(messages[6]!.content, /I found: search_documents said/);
  });
});

const SALES = [{ month: "Jan", sales: 10 }, { month: "Feb", sales: 20 }];

Deno.test("supervisor: a chart request goes to the chart worker; the thread shows the artifact", async () => {
  await withMockApp(async (app, mock) => {
    const threadId = await app.createThread("alice");
    mock.script(
      { kind: "tool_calls", calls: [{ name: "transfer_to_chart", arguments: {} }] },
      {
        kind: "tool_calls",
        calls: [{
          name: "render_chart",
          arguments: { data: SALES, mark: "bar", x: "month", y: "sales", title: "Sales" },
        }],
      },
      { kind: "text", text: "Charted." },
      { kind: "text", text: "Here is your chart: February doubled January." },
    );
    const events = await chat(app, "alice", threadId, "Chart sales: Jan 10, Feb 20");
    assert.equal(statusOf(events), "SUCCESS");
    assert.deepEqual(tokensByNode(events), {
      chart: "Charted.",
      agent: "Here is your chart: February doubled January.",
    });
    assert.deepEqual(offeredTools(chatRequests(mock)[1]!), ["render_chart"]);
    const thread = await threadOf(app, "alice", threadId);
    assert.deepEqual(thread.messages.map((m: any) => [m.role, m.name]), [
      ["USER", null],
      ["ASSISTANT", null],
      ["TOOL", "transfer_to_chart"],
      ["ASSISTANT", "chart"],
      ["TOOL", "render_chart"],
      ["ASSISTANT", "chart"],
      ["ASSISTANT", null],
    ]);
    assert.equal(thread.messages[4].artifact.type, "vega-lite");
    assert.deepEqual(thread.messages[4].artifact.spec.data.values, SALES);
  });
});

Deno.test("supervisor offline: a chart request is handed to the chart worker without a key", async () => {
  await withOfflineApp(async (app) => {
    const threadId = await app.createThread("bob");
    const events = await chat(app, "bob", threadId, "plot sales: Jan 10, Feb 20, Mar 15");
    assert.equal(statusOf(events), "SUCCESS");
    assert.deepEqual(
      messagesOf(events).map((m) => [m.node, m.toolCalls.map((c: any) => c.name).join()]),
      [
        [null, ""],
        ["agent", "transfer_to_chart"],
        ["chart", ""],
        ["chart", "render_chart"],
        ["chart", ""],
        ["chart", ""],
        ["agent", ""],
      ],
    );
    const thread = await threadOf(app, "bob", threadId);
    const chart = thread.messages.find((m: any) => m.name === "render_chart");
    assert.equal(chart.artifact.spec.data.values.length, 3);
  });
});

Deno.test("supervisor: with requireApproval the worker runs through and only the final answer waits for review", async () => {
  await withMockApp(async (app, mock) => {
    const threadId = await app.createThread("alice");
    mock.script(
      { kind: "tool_calls", calls: [{ name: "transfer_to_research", arguments: {} }] },
      { kind: "text", text: "Nothing on file." },
      { kind: "text", text: "I found nothing about that." },
    );
    const run = await app.sendMessage("alice", {
      threadId,
      content: "Research my travel plans",
      requireApproval: true,
    });
    assert.equal((await app.waitForRun("alice", run.id)).status, "INTERRUPTED");
    const paused = (await app.ok(
      "alice",
      `query($id: ID!) { thread(id: $id) { interrupts { node value } } }`,
      { id: threadId },
    )).thread;
    assert.deepEqual(paused.interrupts.map((i: any) => [i.node, i.value.draft]), [
      ["review", "I found nothing about that."],
    ]);
    const resumed = (await app.ok(
      "alice",
      `mutation($input: ResumeRunInput!) { resumeRun(input: $input) { id } }`,
      { input: { threadId, resume: { approved: true } } },
    )).resumeRun;
    assert.equal((await app.waitForRun("alice", resumed.id)).status, "SUCCESS");
    const thread = await threadOf(app, "alice", threadId);
    assert.deepEqual(thread.messages.map((m: any) => m.name), [
      null,
      null,
      "transfer_to_research",
      "research",
      null,
    ]);
    assert.equal(chatRequests(mock).length, 3);
  });
});
