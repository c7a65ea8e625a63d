// deno-lint-ignore-file no-explicit-any
/**
 * The chart agent end to end through GraphQL: the model's render_chart call
 * is validated by the real tool, and the Vega-Lite artifact reaches the
 * thread's tool message; offline, labelled numbers in the message become
 * a chart. Each test starts its own app in this one process, so the later
 * ones also prove that loading Vega-Lite inside a run leaves no run context
 * behind (see validate_spec.ts).
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

const SALES = [{ month: "Jan", sales: 10 }, { month: "Feb", sales: 20 }, {
  month: "Mar",
  sales: 15,
}];

Deno.test("chart: a render_chart call yields a vega-lite artifact on the thread", async () => {
  await withMockApp(async (app, mock) => {
    const threadId = await app.createThread("alice", { agentId: "chart" });
    mock.script(
      {
        kind: "tool_calls",
        calls: [{
          id: "c1",
          name: "render_chart",
          arguments: { data: SALES, mark: "bar", x: "month", y: "sales", title: "Sales" },
        }],
      },
      { kind: "text", text: "Sales peaked in February." },
    );
    const events = await chat(app, "alice", threadId, "Chart my sales: Jan 10, Feb 20, Mar 15");
    assert.equal(statusOf(events), "SUCCESS", JSON.stringify(events.at(-1)));
    assert.deepEqual(tokensByNode(events), { agent: "Sales peaked in February." });
    assert.deepEqual(offeredTools(chatRequests(mock)[0]!), ["render_chart"]);
    const messages = messagesOf(events);
    assert.deepEqual(messages.map((m) => [m.role, m.node]), [
      ["user", null],
      ["assistant", "agent"],
      ["tool", "tools"],
      ["assistant", "agent"],
    ]);
    assert.deepEqual(messages[1]!.toolCalls.map((c: any) => c.name), ["render_chart"]);
    assert.match(messages[2]!.content, /Rendered a bar chart "Sales" of 3 records/);
    // The model read the summary, not the specification.
    const second = chatRequests(mock)[1]!.body?.messages as any[];
    assert.equal(second.at(-1).content, messages[2]!.content);

    const thread = await threadOf(app, "alice", threadId);
    const tool = thread.messages.find((m: any) => m.role === "TOOL");
    assert.equal(tool.name, "render_chart");
    assert.equal(tool.artifact.type, "vega-lite");
    assert.deepEqual(tool.artifact.spec.data.values, SALES);
    assert.equal(tool.artifact.spec.title, "Sales");
    assert.equal(thread.messages.at(-1).content, "Sales peaked in February.");
  });
});

Deno.test("chart: an invalid specification goes back to the model, which fixes it", async () => {
  await withMockApp(async (app, mock) => {
    const threadId = await app.createThread("alice", { agentId: "chart" });
    mock.script(
      {
        kind: "tool_calls",
        calls: [{ name: "render_chart", arguments: { spec: { mark: "nonsense" } } }],
      },
      {
        kind: "tool_calls",
        calls: [{
          name: "render_chart",
          arguments: { data: SALES, mark: "line", x: "month", y: "sales" },
        }],
      },
      { kind: "text", text: "Here is the trend." },
    );
    const events = await chat(app, "alice", threadId, "Plot the trend");
    assert.equal(statusOf(events), "SUCCESS", JSON.stringify(events.at(-1)));
    const tools = messagesOf(events).filter((m) => m.role === "tool");
    assert.equal(tools.length, 2);
    assert.match(tools[0]!.content, /^Error/);
    assert.match(tools[1]!.content, /Rendered a line chart/);
    const thread = await threadOf(app, "alice", threadId);
    const artifacts = thread.messages.filter((m: any) => m.artifact !== null);
    assert.equal(artifacts.length, 1, "only the valid chart has an artifact");
  });
});

Deno.test("chart offline: labelled numbers become a chart without a key", async () => {
  await withOfflineApp(async (app) => {
    const threadId = await app.createThread("bob", { agentId: "chart" });
    const events = await chat(app, "bob", threadId, "sales: Jan 10, Feb 20, Mar 15");
    assert.equal(statusOf(events), "SUCCESS", JSON.stringify(events.at(-1)));
    assert.deepEqual(messagesOf(events).map((m) => m.role), [
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);
    const thread = await threadOf(app, "bob", threadId);
    const tool = thread.messages.find((m: any) => m.role === "TOOL");
    assert.equal(tool.artifact.type, "vega-lite");
    assert.equal(tool.artifact.spec.data.values.length, 3);
    assert.match(thread.messages.at(-1).content, /render_chart said "Rendered a bar chart/);
  });
});
