/**
 * The offline chat model: what agents talk to when no `OPENAI_API_KEY` is
 * set, so `deno task start` works with nothing but Deno. It is deterministic
 * (the same conversation always gets the same reply), streams its reply word
 * by word like a provider would, and honours the run's AbortSignal between
 * tokens. It is never used when a key is configured.
 *
 * @example
 * ```ts
 * import { HumanMessage } from "@langchain/core/messages";
 * const model = new OfflineChatModel({ tokenDelayMs: 0 });
 * const reply = await model.invoke([new HumanMessage("hello")]);
 * ```
 * @module
 */
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
} from "@langchain/core/language_models/chat_models";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { Runnable } from "@langchain/core/runnables";

/** The model name agents and `health` report for the offline model. */
export const OFFLINE_MODEL_NAME = "graphmind-offline";

/** Options for {@linkcode OfflineChatModel}. */
export interface OfflineChatModelParams extends BaseChatModelParams {
  /** Pause between streamed tokens, so clients see a real stream. Default 15 ms. */
  tokenDelayMs?: number;
}

/** A deterministic, local, streaming chat model. */
export class OfflineChatModel extends BaseChatModel<BaseChatModelCallOptions, AIMessageChunk> {
  readonly tokenDelayMs: number;

  constructor(params: OfflineChatModelParams = {}) {
    super(params);
    this.tokenDelayMs = params.tokenDelayMs ?? 15;
  }

  static override lc_name(): string {
    return "OfflineChatModel";
  }

  override _llmType(): string {
    return "graphmind-offline";
  }

  /**
   * Accepts tools so agents built for tool-calling models run unchanged; the
   * offline model answers in text and never calls them.
   */
  override bindTools(
    _tools: unknown[],
    kwargs?: Partial<BaseChatModelCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, BaseChatModelCallOptions> {
    return this.withConfig(kwargs ?? {});
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const tokens = tokenize(offlineReply(messages));
    for (const [index, text] of tokens.entries()) {
      options.signal?.throwIfAborted();
      if (index > 0 && this.tokenDelayMs > 0) await delay(this.tokenDelayMs, options.signal);
      const chunk = new ChatGenerationChunk({
        text,
        message: new AIMessageChunk({
          content: text,
          response_metadata: index === tokens.length - 1
            ? { model_name: OFFLINE_MODEL_NAME, finish_reason: "stop" }
            : {},
        }),
      });
      yield chunk;
      await runManager?.handleLLMNewToken(text, undefined, undefined, undefined, undefined, {
        chunk,
      });
    }
  }

  override async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    let final: ChatGenerationChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) {
      final = final === undefined ? chunk : final.concat(chunk);
    }
    const message = final?.message ?? new AIMessageChunk({ content: "" });
    return { generations: [{ text: final?.text ?? "", message }] };
  }
}

/**
 * The reply to a conversation: it quotes the last user message and says
 * plainly that no model is configured, so nobody mistakes it for an answer.
 */
export function offlineReply(messages: BaseMessage[]): string {
  const lastUser = [...messages].reverse().find((m) => m.getType() === "human");
  const said = lastUser === undefined ? "" : lastUser.text.trim().replace(/\s+/g, " ");
  const quoted = said.length > 200 ? `${said.slice(0, 200)}…` : said;
  const turn = messages.filter((m) => m.getType() === "human").length;
  return said.length === 0
    ? "Hello from the offline model. Set OPENAI_API_KEY to talk to a real model."
    : `Offline model, turn ${turn}. You said: "${quoted}". ` +
      "Set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server) for real answers.";
}

/** Splits text into word tokens that keep their leading space, as providers stream them. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", abort, { once: true });
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
  });
}
