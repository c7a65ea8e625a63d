/**
 * The offline model's tool path: a call for the first bound tool whose
 * offline arguments apply, streamed as tool-call chunks; structured output
 * from a schema's defaults; text quoting the turn's results once a bound
 * tool has answered.
 */
import assert from "node:assert/strict";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { OfflineChatModel } from "../../src/llm/offline_chat_model.ts";
import { withOfflineArgs } from "../../src/llm/offline_plan.ts";
import { exampleOf, offlineTurn } from "../../src/llm/offline_turn.ts";

const clock = withOfflineArgs(
  tool(() => "noon", { name: "clock", description: "time", schema: z.object({}) }),
  (said) => /\btime\b/.test(said) ? {} : undefined,
);
const lookup = withOfflineArgs(
  tool(({ q }) => `found ${q}`, {
    name: "lookup",
    description: "search",
    schema: z.object({ q: z.string() }),
  }),
  (said) => ({ q: said }),
);

Deno.test("offline: the first tool whose offline args apply is called, streamed as a tool-call chunk", async () => {
  const model = new OfflineChatModel({ tokenDelayMs: 0 }).bindTools([clock, lookup]);
  const chunks = [];
  for await (const chunk of await model.stream([new HumanMessage("what time is it")])) {
    chunks.push(chunk);
  }
  assert.equal(chunks.length, 1);
  assert.deepEqual(chunks[0]?.tool_call_chunks?.map((c) => c.name), ["clock"]);
  assert.deepEqual(chunks[0]?.tool_calls?.map((c) => [c.name, c.args, c.id]), [
    ["clock", {}, "call_offline_1"],
  ]);
  const other = await model.invoke([new HumanMessage("rivers of France")]);
  assert.deepEqual(other.tool_calls?.map((c) => [c.name, c.args]), [
    ["lookup", { q: "rivers of France" }],
  ]);
});

Deno.test("offline: after a bound tool answered, the reply is text quoting the result", async () => {
  const model = new OfflineChatModel({ tokenDelayMs: 0 }).bindTools([lookup]);
  const call = { id: "c1", name: "lookup", args: { q: "rivers" } };
  const reply = await model.invoke([
    new HumanMessage("rivers"),
    new AIMessage({ content: "", tool_calls: [call] }),
    new ToolMessage({ content: "found the Loire", tool_call_id: "c1", name: "lookup" }),
  ]);
  assert.deepEqual(reply.tool_calls, []);
  assert.match(reply.text, /turn 1\. For "rivers" I found: lookup said "found the Loire"/);
  // A tool the model is not bound to (another agent's handoff) does not end the tool step.
  const handoff = { id: "h1", name: "transfer_to_lookup", args: {} };
  const worker = await model.invoke([
    new HumanMessage("rivers"),
    new AIMessage({ content: "", tool_calls: [handoff] }),
    new ToolMessage({ content: "ok", tool_call_id: "h1", name: "transfer_to_lookup" }),
  ]);
  assert.deepEqual(worker.tool_calls?.map((c) => c.name), ["lookup"]);
  assert.equal(worker.tool_calls?.[0]?.id, "call_offline_3");
});

Deno.test("offline: structured output takes the schema's defaults, then its first enum value", async () => {
  const model = new OfflineChatModel({ tokenDelayMs: 0 });
  const graded = await model.withStructuredOutput(
    z.object({ score: z.enum(["yes", "no"]), note: z.string().default("fine") }),
    { name: "grade" },
  ).invoke([new HumanMessage("is this relevant?")]);
  assert.deepEqual(graded, { score: "yes", note: "fine" });
  assert.deepEqual(
    exampleOf({
      type: "object",
      properties: { n: { type: "integer" }, tags: { type: "array" }, ok: { type: "boolean" } },
    }),
    { n: 0, tags: [], ok: false },
  );
  const plain = offlineTurn([new HumanMessage("hello")], []);
  assert.equal(plain.kind, "text");
});
