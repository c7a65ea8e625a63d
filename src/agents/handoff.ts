/**
 * Handoffs, the mechanism of LangGraph's multi-agent supervisor pattern: the
 * supervisor's model calls `transfer_to_<worker>`, the graph routes the turn
 * to that worker, and the worker's own tool-calling loop runs as a subgraph
 * on the conversation so far. When it is done, its messages (tool calls,
 * results with their artifacts, and its closing text, named after the
 * worker) join the thread and control returns to the supervisor.
 *
 * The worker subgraph is compiled without a checkpointer of its own: it
 * inherits the run's, under the supervisor node's checkpoint namespace, so
 * cancellation, timeouts and the run's store reach it, and each handoff
 * starts from the supervisor's state rather than the worker's last one.
 *
 * @module
 */
import { type BaseMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { RunnableConfig } from "@langchain/core/runnables";
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { END, START, StateGraph } from "@langchain/langgraph";
import { z } from "zod";
import { type OfflineArgs, withOfflineArgs } from "../llm/offline_plan.ts";
import type { Logger } from "../observability/logger.ts";
import type { AgentDefinition } from "./definition.ts";
import { named } from "./named_message.ts";
import { AgentState, type AgentStateValue } from "./state.ts";
import { answerDanglingToolCalls, createToolNode, toolCallsOf } from "./tool_node.ts";

/** The handoff tool's name for a worker. */
export function handoffName(workerId: string): string {
  return `transfer_to_${workerId}`;
}

/**
 * The tool the supervisor's model calls to hand the turn to `worker`. The
 * graph routes on the call, so the tool body never runs; `offline` tells the
 * offline model when to demonstrate the handoff.
 */
export function createHandoffTool(
  worker: AgentDefinition,
  offline: OfflineArgs,
): StructuredToolInterface {
  const handoff = tool(() => `Transferred to the ${worker.name} agent.`, {
    name: handoffName(worker.id),
    description: `Hand the request to the ${worker.name} agent, which reports back to you. ` +
      worker.description,
    schema: z.object({}),
  });
  return withOfflineArgs(handoff, offline);
}

/** What a worker subgraph runs on. */
export interface WorkerDeps {
  model: BaseChatModel;
  /** The worker's tools that are available in this deployment. */
  tools: StructuredToolInterface[];
  logger: Logger;
}

/**
 * The worker's model → tools loop, without human review (the supervisor
 * reviews the final answer). Its model node is named after the worker, so
 * its streamed tokens say who is speaking.
 */
export function createWorkerGraph(worker: AgentDefinition, deps: WorkerDeps) {
  const model = deps.tools.length > 0 && deps.model.bindTools
    ? deps.model.bindTools(deps.tools)
    : deps.model;
  const system = new SystemMessage(worker.systemPrompt);
  const toolsNode = `${worker.id}_tools`;

  async function callModel(state: AgentStateValue, config: RunnableConfig) {
    const reply = await model.invoke([system, ...answerDanglingToolCalls(state.messages)], config);
    return { messages: [named(reply, worker.id)] };
  }

  const afterModel = (state: AgentStateValue) =>
    toolCallsOf(state.messages.at(-1)).length > 0 ? toolsNode : END;

  return new StateGraph(AgentState)
    .addNode(worker.id, callModel)
    .addNode(toolsNode, createToolNode({ ...deps, agentId: worker.id }))
    .addEdge(START, worker.id)
    .addConditionalEdges(worker.id, afterModel, [toolsNode, END])
    .addEdge(toolsNode, worker.id)
    .compile({ name: worker.id });
}

/**
 * The supervisor's node for one worker: it answers the handoff call (and,
 * as not run, any other call of the same message), runs the worker on the
 * conversation, and returns only the messages that are new.
 */
export function createWorkerNode(
  worker: AgentDefinition,
  graph: ReturnType<typeof createWorkerGraph>,
) {
  return async function handOff(state: AgentStateValue, config: RunnableConfig) {
    const calls = toolCallsOf(state.messages.at(-1));
    let handedOff = false;
    const acks = calls.map((call) => {
      const first = !handedOff && call.name === handoffName(worker.id);
      handedOff ||= first;
      return new ToolMessage({
        tool_call_id: call.id ?? "",
        name: call.name,
        content: first
          ? `Transferred to the ${worker.name} agent.`
          : `Not run: the request was handed to the ${worker.name} agent first.`,
        status: first ? "success" : "error",
      });
    });
    const input: BaseMessage[] = [...state.messages, ...acks];
    const output = await graph.invoke({ messages: input, requireApproval: false }, config);
    return { messages: [...acks, ...output.messages.slice(input.length)] };
  };
}
