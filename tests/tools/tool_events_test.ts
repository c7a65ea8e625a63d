/**
 * ToolEvents through the real graphql-sse client: a tool call streams
 * STARTED with its arguments, then FINISHED with its output (or FAILED with
 * the refusal), between the assistant's tool-call message and the tool's
 * result message.
 */
import assert from "node:assert/strict";
import { signJwt } from "../../src/auth/jwt.ts";
import { startMockOpenAI } from "../support/mock_openai.ts";
import { CHAT, type Event, readEvents, SECRET, sseClient, startRunsApp } from "../runs/harness.ts";

Deno.test("tool events: started and finished around the tool's result, failed when refused", async () => {
  const mock = await startMockOpenAI({ tokens: 3 });
  const app = await startRunsApp({ OPENAI_API_KEY: "sk-mock", OPENAI_BASE_URL: mock.url });
  try {
    const chat = async (headers: Record<string, string>) => {
      const threadId = (await app.graphql(
        `mutation { createThread(input: {agentId: "assistant"}) { id } }`,
        {},
        headers,
      )).data?.createThread as { id: string };
      mock.script({
        kind: "tool_calls",
        calls: [{ id: "call_clock", name: "get_current_time", arguments: { timeZone: "UTC" } }],
      });
      mock.script({ kind: "text", text: "It is now." });
      const client = sseClient(app, headers);
      try {
        return await readEvents(
          client.iterate({
            query: CHAT,
            variables: { input: { threadId: threadId.id, content: "What time is it?" } },
          }),
          "chat",
        );
      } finally {
        client.dispose();
      }
    };

    const events = await chat(await app.as("alice"));
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

    const scoped = {
      authorization: `Bearer ${await signJwt({ sub: "dana", scope: "memory:read" }, SECRET)}`,
    };
    const refused = (await chat(scoped)).filter((e) => e.__typename === "ToolEvent");
    assert.deepEqual(refused.map((e) => e.phase), ["STARTED", "FAILED"]);
    assert.match(refused[1]?.output, /lack the "basic" permission/);
  } finally {
    await app.close();
    await mock.close();
  }
});
