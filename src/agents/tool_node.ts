/**
 * The graph node that runs the tool calls of the last AI message and logs a
 * `tool_usage` event (tool name, execution time) for each. A tool that
 * throws answers the model with the error instead of failing the run, so the
 * model can correct itself; an `interrupt()` inside a tool passes through.
 *
 * @module
 */
import { type AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { isGraphBubbleUp } from "@langchain/langgraph";
import type { Logger } from "../observability/logger.ts";
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

  return async function runTools(
    state: AgentStateValue,
    config: RunnableConfig,
  ): Promise<AgentStateUpdate> {
    const calls = toolCallsOf(state.messages.at(-1));
    const results: ToolMessage[] = [];
    for (const call of calls) {
      const id = call.id ?? crypto.randomUUID();
      const found = byName.get(call.name);
      const started = performance.now();
      let content: string;
      let status: "success" | "error" = "success";
      try {
        if (found === undefined) throw new Error(`Unknown tool "${call.name}".`);
        const output = await found.invoke(call.args, config);
        content = typeof output === "string" ? output : JSON.stringify(output);
      } catch (error) {
        if (isGraphBubbleUp(error)) throw error;
        status = "error";
        content = `Error: ${error instanceof Error ? error.message : String(error)}`;
      }
      options.logger.info("tool_usage", {
        event: "tool_usage",
        tool_name: call.name,
        execution_time: (performance.now() - started) / 1000,
        status,
        agent_type: options.agentId,
        thread_id: config.configurable?.thread_id,
        user_id: config.configurable?.user_id,
        run_id: config.configurable?.run_id,
      });
      results.push(new ToolMessage({ content, tool_call_id: id, name: call.name, status }));
    }
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
