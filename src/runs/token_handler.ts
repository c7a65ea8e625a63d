/**
 * Publishes a run's model tokens straight from the chat model's callbacks.
 *
 * LangGraph's `messages` stream mode does the same through a handler of its
 * own, then queues every token in the graph's output stream, whose reader
 * re-enters LangChain's async context per chunk (callback manager set-up,
 * environment lookups) before the run sees it. Publishing from the callback
 * skips that queue: one callback, one `publish`, per token. Like `messages`
 * mode, it streams every chat model called inside the graph's nodes, except
 * those tagged `nostream`, and names the node from LangGraph's metadata.
 *
 * @example
 * ```ts
 * const handler = createTokenHandler((text, messageId, node) => console.log(node, text));
 * await graph.stream(input, { callbacks: [handler], streamMode: "updates" });
 * ```
 * @module
 */
import { BaseCallbackHandler, type NewTokenIndices } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatGenerationChunk, GenerationChunk } from "@langchain/core/outputs";

/** Receives one token delta. */
export type OnToken = (text: string, messageId: string, node: string) => void;

class TokenHandler extends BaseCallbackHandler {
  name = "graphmind_token_handler";
  // The model waits for each token's publish, so tokens keep their order.
  override awaitHandlers = true;
  lc_prefer_streaming = true;
  readonly #nodes = new Map<string, string>();
  readonly #onToken: OnToken;

  constructor(onToken: OnToken) {
    super({ _awaitHandler: true });
    this.#onToken = onToken;
  }

  override handleChatModelStart(
    _llm: Serialized,
    _messages: BaseMessage[][],
    runId: string,
    _parentRunId?: string,
    _extra?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    if (tags?.includes("nostream") || tags?.includes("langsmith:nostream")) return;
    this.#nodes.set(runId, String(metadata?.langgraph_node ?? ""));
  }

  override handleLLMNewToken(
    token: string,
    _idx: NewTokenIndices,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    fields?: { chunk?: GenerationChunk | ChatGenerationChunk },
  ): void {
    const node = this.#nodes.get(runId);
    if (node === undefined) return;
    const message = (fields?.chunk as ChatGenerationChunk | undefined)?.message;
    const text = message ? message.text : token;
    if (text.length === 0) return;
    // LangChain names a message without a provider id after its model run.
    this.#onToken(text, message?.id ?? `run-${runId}`, node);
  }

  override handleLLMEnd(_output: unknown, runId: string): void {
    this.#nodes.delete(runId);
  }

  override handleLLMError(_error: unknown, runId: string): void {
    this.#nodes.delete(runId);
  }
}

/** A callback handler calling `onToken` for every streamed token delta. */
export function createTokenHandler(onToken: OnToken): BaseCallbackHandler {
  return new TokenHandler(onToken);
}
