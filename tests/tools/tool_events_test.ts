/**
 * ToolEvents through the real graphql-sse client: a tool call streams
 * STARTED with its arguments, then FINISHED with its output (or FAILED with
 * the refusal), between the assistant's tool-call message and the tool's
 * result message.
 */
import assert from "node:assert/strict";
import { chat, type Event, withMockApp } from "../agents/agent_harness.ts";

Deno.test("tool events: started and finished around the tool's result, failed when refused", async () => {
  await withMockApp(async (app, mock) => {
    const timeTurn = async (user: string) => {
      const threadId = await app.createThread(user, { agentId: "assistant" });
      mock.script({
        kind: "tool_calls",
        calls: [{ id: "call_clock", name: "get_current_time", arguments: { timeZone: "UTC" } }],
      });
      mock.script({ kind: "text", text: "It is now." });
      return await chat(app, user, threadId, "What time is it?");
    };

    const events = await timeTurn("alice");
    const tools = events.filter((e) => e.__typename === "ToolEvent");
    assert.deepEqual(tools.map((e) => [e.phase, e.name, e.toolCallId, e.node]), [
      ["STARTED", "get_current_time", "call_clock", "tools"],
      ["FINISHED", "get_current_time", "call_clock", "tools"],
    ]);
    assert.deepEqual(tools[0]?.input, { timeZone: "UTC" });
    assert.match(tools[1]?.output, new RegExp(String(new Date().getUTCFullYear())));
    assert.ok(tools[1]?.durationMs >= 0);
    const order = (e: Event) => events.indexOf(e);
    const resultMessage = events.find((e) =>
      e.__typename === "MessageEvent" && e.message.role === "TOOL"
    )!;
    assert.ok(order(tools[0]!) < order(tools[1]!));
    assert.ok(order(tools[1]!) < order(resultMessage), "the result message follows FINISHED");

    app.withClaims("dana", { scope: "memory:read" });
    const refused = (await timeTurn("dana")).filter((e) => e.__typename === "ToolEvent");
    assert.deepEqual(refused.map((e) => e.phase), ["STARTED", "FAILED"]);
    assert.match(refused[1]?.output, /lack the "basic" permission/);
  });
});
