/**
 * The graph node that runs the tool calls of the last AI message. The
 * registry's tools log and meter themselves (src/tools/metered_tool.ts); a
 * call to a tool the agent does not have is logged here. A tool that throws
 * answers the model with the error instead of failing the run, so the model
 * can correct itself; an `interrupt()` inside a tool passes through.
 *
 * @module
 */
import { type AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { isGraphBubbleUp } from "@langchain/langgraph";
import type { Logger } from "../observability/logger.ts";
import { recordToolUsage } from "../tools/mod.ts";
import type { AgentStateUpdate, AgentStateValue } from "./state.ts";

/** What a tool node needs. */
export interface ToolNodeOptions {
  tools: StructuredToolInterface[];
  agentId: string;
  logger: Logger;
}

/** Creates the node function. */
export function createToolNode(options: ToolNodeOptions) {
  const byName = new Map(options.tools.map((t) => [t.name, t]));

  async function runOne(
    call: NonNullable<AIMessage["tool_calls"]>[number],
    config: RunnableConfig,
  ): Promise<ToolMessage> {
    const id = call.id ?? crypto.randomUUID();
    const found = byName.get(call.name);
    if (found === undefined) {
      const known = [...byName.keys()].join(", ") || "none";
      const error = `Unknown tool "${call.name}"; your tools: ${known}.`;
      recordToolUsage(options, {
        // A made-up name must not become a metric label: the log keeps it.
        tool: "unknown",
        requestedName: call.name,
        agentId: options.agentId,
        status: "unknown_tool",
        seconds: 0,
        config,
        error,
      });
      return new ToolMessage({
        content: `Error: ${error}`,
        tool_call_id: id,
        name: call.name,
        status: "error",
      });
    }
    try {
      // Invoked with the whole call, a tool answers with a ToolMessage that
      // keeps its artifact (a chart, citations) beside the text.
      const output = await found.invoke({ ...call, id, type: "tool_call" }, config);
      if (output instanceof ToolMessage) return output;
      const content = typeof output === "string" ? output : JSON.stringify(output);
      return new ToolMessage({ content, tool_call_id: id, name: call.name });
    } catch (error) {
      if (isGraphBubbleUp(error)) throw error;
      const content = `Error: ${error instanceof Error ? error.message : String(error)}`;
      return new ToolMessage({ content, tool_call_id: id, name: call.name, status: "error" });
    }
  }

  return async function runTools(
    state: AgentStateValue,
    config: RunnableConfig,
  ): Promise<AgentStateUpdate> {
    const results: ToolMessage[] = [];
    // One at a time: ask_human may interrupt, and tools share the run's budget.
    for (const call of toolCallsOf(state.messages.at(-1))) results.push(await runOne(call, config));
    return { messages: results };
  };
}

/** True when the last message asks for tools. */
export function wantsTools(state: AgentStateValue): boolean {
  return toolCallsOf(state.messages.at(-1)).length > 0;
}

/** The tool calls of an AI message or chunk (chunks are not `AIMessage` instances). */
export function toolCallsOf(
  message: BaseMessage | undefined,
): NonNullable<AIMessage["tool_calls"]> {
  if (message?.getType() !== "ai") return [];
  return (message as AIMessage).tool_calls ?? [];
}

/**
 * The conversation as a provider accepts it: a tool call left unanswered
 * (the user sent a new message instead of answering `ask_human`) gets a
 * placeholder result, since OpenAI-compatible APIs reject a tool call that
 * no tool message follows. The state itself is not changed.
 */
export function answerDanglingToolCalls(messages: BaseMessage[]): BaseMessage[] {
  const answered = new Set(
    messages.filter((m) => m.getType() === "tool").map((m) => (m as ToolMessage).tool_call_id),
  );
  return messages.flatMap((message, index) => {
    const missing = toolCallsOf(message).filter((c) => c.id !== undefined && !answered.has(c.id));
    const last = index === messages.length - 1;
    if (missing.length === 0 || last) return [message];
    return [
      message,
      ...missing.map((call) =>
        new ToolMessage({
          content: "No result: the user sent a new message instead.",
          tool_call_id: call.id as string,
          name: call.name,
          status: "error",
        })
      ),
    ];
  });
}
