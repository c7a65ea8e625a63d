/**
 * Builds the chat model agents use: `ChatOpenAI` (as ProviderChatModel, whose
 * errors name the provider) when `OPENAI_API_KEY` is
 * set (pointed at any OpenAI-compatible server by `OPENAI_BASE_URL`), the
 * offline model otherwise.
 *
 * @example
 * ```ts
 * const model = createChatModel(config.llm, { model: "gpt-4o-mini" });
 * for await (const chunk of await model.stream("hi")) console.log(chunk.text);
 * ```
 * @module
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Config } from "../config.ts";
import { compactFetch } from "./compact_fetch.ts";
import { OFFLINE_MODEL_NAME, OfflineChatModel } from "./offline_chat_model.ts";
import { ProviderChatModel } from "./provider_chat_model.ts";

/** Per-agent overrides of the configured model settings. */
export interface ChatModelOptions {
  model?: string;
  temperature?: number;
  maxTokens?: number;
}

/** True when no key is configured and agents run on the offline model. */
export function isOffline(config: Config["llm"]): boolean {
  return config.apiKey === undefined;
}

/** The model name a client sees for an agent with these overrides. */
export function modelName(config: Config["llm"], options: ChatModelOptions = {}): string {
  return isOffline(config) ? OFFLINE_MODEL_NAME : options.model ?? config.model;
}

/** The chat model for one agent. */
export function createChatModel(
  config: Config["llm"],
  options: ChatModelOptions = {},
): BaseChatModel {
  if (config.apiKey === undefined) {
    return new OfflineChatModel({ tokenDelayMs: config.offlineTokenDelayMs });
  }
  return new ProviderChatModel({
    apiKey: config.apiKey,
    model: options.model ?? config.model,
    temperature: options.temperature ?? config.temperature,
    maxTokens: options.maxTokens ?? config.maxTokens,
    // `streaming` is left unset on purpose. Unset, invoke() sends one plain
    // request and reads the provider's usage, and tokens still stream whenever
    // a caller streams: model.stream(), or a LangGraph run in "messages" mode
    // or streamEvents (their handlers ask the model to stream). `true` makes
    // invoke() estimate usage with tiktoken, whose encodings come from a CDN
    // (minutes of retries offline); `false` disables streaming altogether.
    // Token usage arrives in the final chunk of a stream, so runs can report it.
    streamUsage: true,
    // Retries would replay tokens the client has already seen; runs fail instead.
    maxRetries: 0,
    // Each streamed token would otherwise hold a 64 KiB read buffer (compact_fetch.ts).
    configuration: {
      fetch: compactFetch,
      ...(config.baseUrl === undefined ? {} : { baseURL: config.baseUrl }),
    },
  });
}
