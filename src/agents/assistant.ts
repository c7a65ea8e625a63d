/**
 * The default agent: a general assistant. Its graph calls the model with
 * the system prompt, runs any tool calls, and, when the turn asked for
 * approval, pauses for a human review of the reply before it is final.
 *
 * ```
 * START → agent ─┬─ tool calls ─► tools → agent
 *                ├─ approval ───► review ─┬─ approved / edited → END
 *                │                        └─ feedback → agent
 *                └─────────────────────────────────────────────► END
 * ```
 *
 * @module
 */
import { SystemMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { END, START, StateGraph } from "@langchain/langgraph";
import type { AgentDefinition, AgentGraph, AgentGraphDeps } from "./definition.ts";
import { AgentState, type AgentStateValue } from "./state.ts";
import { answerDanglingToolCalls, createToolNode, wantsTools } from "./tool_node.ts";
import { reviewNode } from "./review_node.ts";

/** The assistant's definition. */
export const assistant: AgentDefinition = {
  id: "assistant",
  name: "Assistant",
  description: "A general-purpose assistant. It answers questions, can tell the time, asks " +
    "you when something is unclear, can hold a reply for your approval, and (with memory " +
    "enabled) remembers what you tell it across threads.",
  systemPrompt: "You are Graphmind's assistant, a helpful and concise AI. Answer clearly. " +
    "When a request is ambiguous or has consequences, use the ask_human tool to ask first.",
  // The memory tools are dropped when ENABLE_MEMORY is off (see src/memories/mod.ts).
  tools: ["get_current_time", "ask_human", "manage_memory", "search_memory"],
  createGraph: createToolCallingGraph,
};

/**
 * The model → tools loop with optional review, usable by any agent whose
 * behaviour is its prompt, model and tools.
 */
export function createToolCallingGraph(deps: AgentGraphDeps): AgentGraph {
  const model = deps.tools.length > 0 && deps.model.bindTools
    ? deps.model.bindTools(deps.tools)
    : deps.model;
  const system = new SystemMessage(deps.systemPrompt);

  async function callModel(state: AgentStateValue, config: RunnableConfig) {
    const reply = await model.invoke([system, ...answerDanglingToolCalls(state.messages)], config);
    return { messages: [reply] };
  }

  function afterModel(state: AgentStateValue): "tools" | "review" | typeof END {
    if (wantsTools(state)) return "tools";
    return state.requireApproval ? "review" : END;
  }

  return new StateGraph(AgentState)
    .addNode("agent", callModel)
    .addNode("tools", createToolNode(deps))
    .addNode("review", reviewNode, { ends: ["agent", END] })
    .addEdge(START, "agent")
    .addConditionalEdges("agent", afterModel, ["tools", "review", END])
    .addEdge("tools", "agent")
    .compile({ checkpointer: deps.checkpointer, name: deps.agentId }) as unknown as AgentGraph;
}
