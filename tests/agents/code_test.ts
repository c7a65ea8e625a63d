// deno-lint-ignore-file no-explicit-any
/**
 * The code and data_analysis agents end to end through GraphQL: run_code
 * runs the model's snippet in the real sandbox and the answer follows its
 * output; data_analysis also charts the figures; offline, arithmetic and
 * "compute" requests drive run_code without a key.
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

Deno.test("code: the snippet runs in the sandbox and the model answers from its output", async () => {
  await withMockApp(async (app, mock) => {
    const threadId = await app.createThread("alice", { agentId: "code" });
    mock.script(
      {
        kind: "tool_calls",
        calls: [{
          id: "r1",
          name: "run_code",
          arguments: {
            language: "typescript",
            code: "const n: number = 6 * 7;\nconsole.log(n);\nn",
          },
        }],
      },
      { kind: "text", text: "The answer is 42." },
    );
    const events = await chat(app, "alice", threadId, "What is six times seven, in code?");
    assert.equal(statusOf(events), "SUCCESS");
    assert.deepEqual(tokensByNode(events), { agent: "The answer is 42." });
    assert.deepEqual(offeredTools(chatRequests(mock)[0]!), ["run_code"]);
    const tool = messagesOf(events).find((m) => m.role === "tool")!;
    const report = JSON.parse(tool.content);
    assert.equal(report.status, "ok");
    assert.equal(report.stdout, "42\n");
    assert.equal(report.result, 42);
    const thread = await threadOf(app, "alice", threadId);
    assert.deepEqual(thread.messages.map((m: any) => m.role), [
      "USER",
      "ASSISTANT",
      "TOOL",
      "ASSISTANT",
    ]);
  });
});

Deno.test("data_analysis: computes with run_code, charts with render_chart, then answers", async () => {
  await withMockApp(async (app, mock) => {
    const threadId = await app.createThread("alice", { agentId: "data_analysis" });
    const csv = "city,temp\nOslo,4\nRome,18\nCairo,27";
    mock.script(
      {
        kind: "tool_calls",
        calls: [{
          name: "run_code",
          arguments: {
            language: "javascript",
            code:
              `const rows = ${
                JSON.stringify(csv)
              }.split("\\n").slice(1).map((l) => l.split(","));\n` +
              "const temps = rows.map((r) => Number(r[1]));\n" +
              "const result = { mean: temps.reduce((a, b) => a + b) / temps.length };",
          },
        }],
      },
      {
        kind: "tool_calls",
        calls: [{
          name: "render_chart",
          arguments: {
            data: [{ city: "Oslo", temp: 4 }, { city: "Rome", temp: 18 }, {
              city: "Cairo",
              temp: 27,
            }],
            mark: "bar",
            x: "city",
            y: "temp",
          },
        }],
      },
      { kind: "text", text: "The mean is 16.33 degrees." },
    );
    const events = await chat(app, "alice", threadId, `Analyse this:\n${csv}`);
    assert.equal(statusOf(events), "SUCCESS");
    assert.deepEqual(offeredTools(chatRequests(mock)[0]!), ["run_code", "render_chart"]);
    assert.match(String((chatRequests(mock)[0]!.body?.messages as any[])[0].content), /analyst/);
    const tools = messagesOf(events).filter((m) => m.role === "tool");
    assert.ok(Math.abs(JSON.parse(tools[0]!.content).result.mean - 16.333) < 0.01);
    assert.match(tools[1]!.content, /Rendered a bar chart of 3 records/);
    const thread = await threadOf(app, "alice", threadId);
    const results = thread.messages.filter((m: any) => m.role === "TOOL");
    assert.deepEqual(results.map((m: any) => m.name), ["run_code", "render_chart"]);
    const chart = results[1];
    assert.equal(chart.artifact.type, "vega-lite");
    assert.equal(thread.messages.at(-1).content, "The mean is 16.33 degrees.");
  });
});

Deno.test("code and data_analysis offline: run_code from the message without a key", async () => {
  await withOfflineApp(async (app) => {
    const threadId = await app.createThread("bob", { agentId: "code" });
    const events = await chat(app, "bob", threadId, "what is 12 * (3 + 4)?");
    assert.equal(statusOf(events), "SUCCESS");
    const messages = messagesOf(events);
    assert.deepEqual(messages.map((m) => m.role), ["user", "assistant", "tool", "assistant"]);
    assert.equal(JSON.parse(messages[2]!.content).result, 84);
    assert.match(messages[3]!.content, /run_code said/);

    const analysis = await app.createThread("bob", { agentId: "data_analysis" });
    const stats = await chat(app, "bob", analysis, "compute the average of 3, 5 and 10");
    const tool = messagesOf(stats).find((m) => m.role === "tool")!;
    assert.equal(JSON.parse(tool.content).result.mean, 6);
  });
});
