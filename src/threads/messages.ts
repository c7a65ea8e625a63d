/**
 * Conversation messages as clients see them: LangChain messages reduced to
 * id, role, text content, tool calls and a tool's artifact, the same shape in
 * `Thread.messages`, `MessageEvent` and checkpoint history.
 *
 * @example
 * ```ts
 * import { HumanMessage } from "@langchain/core/messages";
 * toMessageView(new HumanMessage({ id: "m1", content: "hi" })).role; // "user"
 * ```
 * @module
 */
import type { AIMessage, BaseMessage, ToolMessage } from "@langchain/core/messages";

/** Who wrote a message. */
export type MessageRole = "user" | "assistant" | "system" | "tool";

/** A tool call an assistant message asks for. */
export interface ToolCallView {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/** One message of a conversation. */
export interface MessageView {
  id: string;
  role: MessageRole;
  content: string;
  toolCalls: ToolCallView[];
  /** On tool results: the call they answer. */
  toolCallId: string | null;
  /** On tool results: the tool's name; on assistant messages: the agent or step that wrote it. */
  name: string | null;
  /**
   * On tool results: the tool's structured output (a Vega-Lite chart, citations),
   * kept for clients and never sent to the model.
   */
  artifact: unknown | null;
}

const ROLES: Record<string, MessageRole> = {
  human: "user",
  ai: "assistant",
  system: "system",
  developer: "system",
  tool: "tool",
};

/** The view of one LangChain message. */
export function toMessageView(message: BaseMessage): MessageView {
  const type = message.getType();
  const calls = type === "ai" ? (message as AIMessage).tool_calls ?? [] : [];
  return {
    id: message.id ?? "",
    role: ROLES[type] ?? "system",
    content: message.text,
    toolCalls: calls.map((call) => ({
      id: call.id ?? "",
      name: call.name,
      args: call.args,
    })),
    toolCallId: type === "tool" ? (message as ToolMessage).tool_call_id : null,
    name: type === "tool" || type === "ai" ? message.name ?? null : null,
    artifact: type === "tool" ? (message as ToolMessage).artifact ?? null : null,
  };
}

/** True for LangChain message objects (instances or their serialized form in updates). */
export function isMessage(value: unknown): value is BaseMessage {
  return typeof value === "object" && value !== null &&
    typeof (value as BaseMessage).getType === "function";
}

/**
 * Makes graph state (or a node's update) JSON for clients: messages become
 * views, everything else stays as it is.
 */
export function toJsonState(values: unknown): unknown {
  if (isMessage(values)) return toMessageView(values);
  if (Array.isArray(values)) return values.map(toJsonState);
  if (typeof values === "object" && values !== null) {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, toJsonState(v)]));
  }
  return values;
}
