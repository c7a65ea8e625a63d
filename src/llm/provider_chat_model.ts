/**
 * `ChatOpenAI` whose failures say where they came from. A provider that
 * breaks off a stream surfaces in the raw client as a bare
 * `TypeError: error reading a body from connection`; runs show errors to
 * users, so every failure that is not a cancellation becomes a
 * {@linkcode ModelProviderError} naming the provider, the phase (HTTP
 * status, or how many chunks had arrived) and the original message.
 *
 * @example
 * ```ts
 * const model = new ProviderChatModel({ apiKey, configuration: { baseURL } });
 * try { await model.invoke("hi"); } catch (e) { console.log((e as Error).message); }
 * ```
 * @module
 */
import { ChatOpenAI, type ChatOpenAICallOptions } from "@langchain/openai";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatGenerationChunk, ChatResult } from "@langchain/core/outputs";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { ChatModelStreamEvent } from "@langchain/core/language_models/event";

/** A model provider failed; `status` is its HTTP status when it answered with one. */
export class ModelProviderError extends Error {
  readonly status: number | undefined;

  constructor(message: string, options: { cause: unknown; status?: number | undefined }) {
    super(message, { cause: options.cause });
    this.name = "ModelProviderError";
    this.status = options.status;
  }
}

/** ChatOpenAI with {@linkcode ModelProviderError}s. */
export class ProviderChatModel extends ChatOpenAI {
  override async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    try {
      return await super._generate(messages, options, runManager);
    } catch (error) {
      throw this.#explain(error, options, 0);
    }
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    let chunks = 0;
    try {
      for await (const chunk of super._streamResponseChunks(messages, options, runManager)) {
        chunks++;
        yield chunk;
      }
    } catch (error) {
      throw this.#explain(error, options, chunks);
    }
  }

  // ChatOpenAI streams for LangGraph's "messages" mode through this method,
  // straight to its inner completions client, so it needs the same wrapping.
  override async *_streamChatModelEvents(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatModelStreamEvent> {
    let events = 0;
    try {
      for await (const event of super._streamChatModelEvents(messages, options, runManager)) {
        events++;
        yield event;
      }
    } catch (error) {
      throw this.#explain(error, options, events);
    }
  }

  /** ChatOpenAI's own builds a plain ChatOpenAI (and `bindTools` uses it): keep this class. */
  override withConfig(config: Partial<ChatOpenAICallOptions>): ProviderChatModel {
    const model = new ProviderChatModel(this.fields);
    model.defaultOptions = { ...this.defaultOptions, ...config };
    return model;
  }

  #explain(error: unknown, options: ChatOpenAICallOptions, chunks: number): unknown {
    // Cancellations stay what they are, so callers can tell them apart.
    if (options.signal?.aborted || (error instanceof Error && error.name === "AbortError")) {
      return error;
    }
    const status = (error as { status?: unknown } | null)?.status;
    const phase = chunks > 0
      ? `broke off after ${chunks} streamed chunks`
      : typeof status === "number"
      ? `answered HTTP ${status}`
      : "failed before the first chunk";
    const detail = error instanceof Error ? error.message : String(error);
    return new ModelProviderError(`The model provider at ${this.#host()} ${phase}: ${detail}`, {
      cause: error,
      status: typeof status === "number" ? status : undefined,
    });
  }

  #host(): string {
    const base = this.clientConfig?.baseURL ?? "https://api.openai.com/v1";
    try {
      return new URL(base).host;
    } catch {
      return base;
    }
  }
}
