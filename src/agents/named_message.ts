/**
 * Names an agent's reply after who wrote it (a worker agent, a writing
 * step), so later nodes, other agents and the provider (OpenAI's `name`
 * field) can tell the speakers of one conversation apart. The name goes
 * into a new message's constructor, as checkpoints keep only constructor
 * fields.
 *
 * @example
 * ```ts
 * import { AIMessage } from "@langchain/core/messages";
 * named(new AIMessage("Found it."), "research").name; // "research"
 * ```
 * @module
 */
import { AIMessage, type AIMessageChunk } from "@langchain/core/messages";

/** The reply as an AI message carrying `name`, with its id, tool calls and metadata. */
export function named(reply: AIMessageChunk | AIMessage, name: string): AIMessage {
  return new AIMessage({
    content: reply.content,
    name,
    tool_calls: reply.tool_calls ?? [],
    response_metadata: reply.response_metadata,
    ...(reply.id === undefined ? {} : { id: reply.id }),
    ...(reply.usage_metadata === undefined ? {} : { usage_metadata: reply.usage_metadata }),
  });
}
