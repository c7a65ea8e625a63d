import assert from "node:assert/strict";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { Command, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { createToolCallingGraph } from "../../src/agents/assistant.ts";
import { AgentState } from "../../src/agents/state.ts";
import { answerDanglingToolCalls, createToolNode } from "../../src/agents/tool_node.ts";
import { readDecision } from "../../src/agents/review_node.ts";
import { loadConfig } from "../../src/config.ts";
import { createToolRegistry } from "../../src/tools/registry.ts";
import { OfflineChatModel } from "../../src/llm/offline_chat_model.ts";
import { createLogger } from "../../src/observability/logger.ts";

/** The registry's metered tools, as an agent named `agentId` gets them. */
function toolsFor(names: string[], logger = collectingLogger().logger, agentId = "assistant") {
  const registry = createToolRegistry({ services: { config: loadConfig({}), logger }, logger });
  return registry.forAgent(agentId, names);
}

function collectingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "debug",
    name: "test",
    write: (l) => lines.push(JSON.parse(l)),
  });
  return { lines, logger };
}

Deno.test("aborting a run's signal stops the model call itself, not just the stream", async () => {
  const { logger } = collectingLogger();
  const graph = createToolCallingGraph({
    model: new OfflineChatModel({ tokenDelayMs: 10 }),
    tools: toolsFor(["get_current_time"]),
    systemPrompt: "test",
    checkpointer: new MemorySaver(),
    agentId: "assistant",
    logger,
  });
  let modelTokens = 0;
  let modelError: unknown;
  const controller = new AbortController();
  const stream = await graph.stream(
    { messages: [new HumanMessage("one two three four five six seven eight nine ten")] },
    {
      configurable: { thread_id: "t" },
      signal: controller.signal,
      streamMode: "messages",
      callbacks: [{
        handleLLMNewToken() {
          if (++modelTokens === 3) controller.abort(new Error("stop"));
        },
        handleLLMError(error: unknown) {
          modelError = error;
        },
      }],
    },
  );
  await assert.rejects(async () => {
    for await (const _ of stream) { /* consume */ }
  });
  const atAbort = modelTokens;
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(modelTokens, atAbort, "the model produced no token after the abort");
  assert.ok(atAbort < 10);
  assert.match(String(modelError), /stop|abort/i, "the model call itself ended with the abort");
});

Deno.test("the tool node runs tools, answers errors to the model and logs tool_usage", async () => {
  const { lines, logger } = collectingLogger();
  const node = createToolNode({
    tools: toolsFor(["get_current_time"], logger),
    agentId: "assistant",
    logger,
  });
  const update = await node({
    messages: [
      new AIMessage({
        content: "",
        tool_calls: [
          { id: "c1", name: "get_current_time", args: { timeZone: "UTC" } },
          { id: "c2", name: "launch_rockets", args: {} },
        ],
      }),
    ],
    requireApproval: false,
  }, { configurable: { thread_id: "t1", user_id: "alice" } });
  const [clock, missing] = update.messages as ToolMessage[];
  assert.equal(clock?.tool_call_id, "c1");
  assert.match(String(clock?.content), new RegExp(String(new Date().getUTCFullYear())));
  assert.equal(missing?.status, "error");
  assert.match(String(missing?.content), /Unknown tool "launch_rockets"; your tools: get_current/);
  const usage = lines.filter((l) => l.message === "tool_usage");
  assert.deepEqual(
    usage.map((l) => [l.tool_name, l.status, l.thread_id, l.user_id, l.agent_type]),
    [
      ["get_current_time", "success", "t1", "alice", "assistant"],
      ["launch_rockets", "unknown_tool", "t1", "alice", "assistant"],
    ],
  );
  assert.ok(usage.every((l) => typeof l.execution_time === "number"));
});

Deno.test("ask_human interrupts inside the tool node and returns the human's answer", async () => {
  const { logger } = collectingLogger();
  const graph = new StateGraph(AgentState)
    .addNode(
      "tools",
      createToolNode({ tools: toolsFor(["ask_human"], logger, "a"), agentId: "a", logger }),
    )
    .addEdge(START, "tools")
    .addEdge("tools", END)
    .compile({ checkpointer: new MemorySaver() });
  const config = { configurable: { thread_id: "t", user_id: "alice" } };
  const call = { id: "q1", name: "ask_human", args: { question: "Which city?" } };
  await graph.invoke({ messages: [new AIMessage({ content: "", tool_calls: [call] })] }, config);
  const paused = await graph.getState(config);
  assert.deepEqual(paused.tasks[0]?.interrupts?.[0]?.value, {
    type: "question",
    question: "Which city?",
  });
  const done = await graph.invoke(new Command({ resume: "Lisbon" }), config);
  const answer = done.messages.at(-1) as ToolMessage;
  assert.equal(answer.tool_call_id, "q1");
  assert.equal(answer.content, "Lisbon");
});

Deno.test("review decisions: approve, edit, or revise with feedback", () => {
  assert.deepEqual(readDecision(true), { kind: "approve" });
  assert.deepEqual(readDecision({ approved: true }), { kind: "approve" });
  assert.deepEqual(readDecision({ edit: "new text" }), { kind: "edit", text: "new text" });
  assert.deepEqual(readDecision("shorter"), { kind: "revise", feedback: "shorter" });
  assert.deepEqual(readDecision({ approved: false, feedback: "no" }), {
    kind: "revise",
    feedback: "no",
  });
  assert.equal(readDecision(false).kind, "revise");
  assert.equal(readDecision(null).kind, "revise");
});

Deno.test("an unanswered tool call gets a placeholder result before the next model call", () => {
  const call = { id: "q1", name: "ask_human", args: { question: "Which city?" } };
  const asked = new AIMessage({ content: "", tool_calls: [call] });
  const followUp = new HumanMessage("never mind, something else");
  const fixed = answerDanglingToolCalls([new HumanMessage("plan a trip"), asked, followUp]);
  assert.equal(fixed.length, 4);
  const placeholder = fixed[2] as ToolMessage;
  assert.equal(placeholder.getType(), "tool");
  assert.equal(placeholder.tool_call_id, "q1");
  assert.equal(fixed[3], followUp);
  // A pending call at the end (the tool node runs next) is left alone.
  assert.equal(answerDanglingToolCalls([asked]).length, 1);
  const answered = [asked, new ToolMessage({ content: "Lisbon", tool_call_id: "q1" }), followUp];
  assert.equal(answerDanglingToolCalls(answered).length, 3);
});
