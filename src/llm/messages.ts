/**
 * Helpers over LangChain message lists that the model layer and the agents
 * share.
 *
 * @example
 * ```ts
 * currentTurn(messages).length; // what this turn has produced so far
 * ```
 * @module
 */
import type { BaseMessage } from "@langchain/core/messages";

/** The messages after the last user message: what the current turn has produced so far. */
export function currentTurn(messages: BaseMessage[]): BaseMessage[] {
  return messages.slice(messages.findLastIndex((m) => m.getType() === "human") + 1);
}
