/**
 * The offline chat model: what agents talk to when no `OPENAI_API_KEY` is
 * set, so `deno task start` works with nothing but Deno. It is deterministic
 * (the same conversation always gets the same reply), streams its reply word
 * by word like a provider would, and honours the run's AbortSignal between
 * tokens. It is never used when a key is configured.
 *
 * It calls the tools it is bound to as offline_turn.ts decides (a tool's
 * offline arguments, structured output from a schema's defaults), streamed
 * as tool-call chunks the way providers send them, so every agent's graph
 * runs its tool path without a key.
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
import { offlineTurn } from "./offline_turn.ts";
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

/** Call options: the bound tools ride along as they were given, offline arguments included. */
export interface OfflineChatModelCallOptions extends BaseChatModelCallOptions {
  tools?: unknown[];
}

/** A deterministic, local, streaming chat model. */
export class OfflineChatModel extends BaseChatModel<OfflineChatModelCallOptions, AIMessageChunk> {
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

  /** Keeps the tools themselves (not their JSON schemas): their offline arguments drive calls. */
  override bindTools(
    tools: unknown[],
    kwargs?: Partial<OfflineChatModelCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, OfflineChatModelCallOptions> {
    return this.withConfig({ ...kwargs, tools });
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const turn = offlineTurn(messages, options.tools ?? []);
    if (turn.kind === "call") {
      options.signal?.throwIfAborted();
      // One chunk carrying the whole call, as a provider's would merge to.
      const call = new ChatGenerationChunk({
        text: "",
        message: new AIMessageChunk({
          content: "",
          tool_call_chunks: [{
            type: "tool_call_chunk",
            id: turn.id,
            name: turn.name,
            args: JSON.stringify(turn.args),
            index: 0,
          }],
          response_metadata: { model_name: OFFLINE_MODEL_NAME, finish_reason: "tool_calls" },
        }),
      });
      yield call;
      await runManager?.handleLLMNewToken("", undefined, undefined, undefined, undefined, {
        chunk: call,
      });
      return;
    }
    const tokens = tokenize(turn.text);
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
