/**
 * What the mock OpenAI server says to one chat completion request: scripted
 * replies, and their `chat.completion.chunk` frames (streaming) or
 * `chat.completion` body (not streaming), shaped exactly as OpenAI's.
 *
 * @module
 */

/** Pacing of a streamed reply, in ms. */
export interface Pacing {
  /** Pause before every content token or tool-argument piece after the first. */
  tokenDelayMs?: number;
  /** Pause before the first one (time to first token). */
  firstTokenDelayMs?: number;
}

/** A tool call the model makes; `arguments` objects are sent as JSON. */
export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown> | string;
  /** Default `call_<request>_<index>`. */
  id?: string;
}

/** One scripted answer, used by the next chat completion request. */
export type ScriptedReply =
  | {
    kind: "text";
    /** Streamed word by word. Without it, `tokens` tokens " t0", " t1", ... */
    text?: string;
    tokens?: number;
  } & Pacing
  | {
    kind: "tool_calls";
    calls: ScriptedToolCall[];
    /** Text streamed before the calls (usually none). */
    content?: string;
    /** Characters of arguments per delta. Default 8. */
    argumentChunkSize?: number;
  } & Pacing
  | {
    kind: "fail";
    /** Content tokens sent before the failure. */
    afterTokens: number;
    /** `drop`: the connection is cut (default); `error_event`: OpenAI's `data: {"error":…}`. */
    mode?: "drop" | "error_event";
    message?: string;
    /**
     * Fail only once this settles (after the tokens are sent). A test resolves
     * it when its client has the tokens, so the failure cannot overtake them:
     * a stream that errors discards chunks its reader has not taken yet.
     */
    until?: Promise<unknown>;
  } & Pacing
  | {
    kind: "http_error";
    status: number;
    message?: string;
    /** OpenAI's error type. Default from the status (e.g. `rate_limit_error`). */
    type?: string;
    code?: string | null;
    headers?: Record<string, string>;
  };

/** How a `fail` reply ends, after its frames. */
export interface Failure {
  mode: "drop" | "error_event";
  message: string;
  until?: Promise<unknown> | undefined;
}

/** One SSE frame: a chunk, and the content token it carries (for emit times). */
export interface Frame {
  chunk: Record<string, unknown>;
  tokenIndex?: number;
  /** Pause before sending it. */
  delayMs: number;
}

/** The identity shared by every chunk of one completion. */
export interface CompletionContext {
  id: string;
  model: string;
  created: number;
  includeUsage: boolean;
  promptTokens: number;
}

/** The " t0", " t1", ... tokens, or the words of `text` with their leading spaces. */
export function replyTokens(text: string | undefined, count: number): string[] {
  if (text !== undefined) return text.match(/\s*\S+/g) ?? [];
  return Array.from({ length: count }, (_, i) => ` t${i}`);
}

/** The frames of a streamed reply; `failure` is what follows them, if anything. */
export function streamFrames(
  reply: Exclude<ScriptedReply, { kind: "http_error" }>,
  defaults: { tokens: number; pacing: Required<Pacing> },
  ctx: CompletionContext,
): { frames: Frame[]; failure?: Failure } {
  const tokenDelay = reply.tokenDelayMs ?? defaults.pacing.tokenDelayMs;
  const firstDelay = reply.firstTokenDelayMs ?? defaults.pacing.firstTokenDelayMs;
  const frames: Frame[] = [];
  let paced = 0;
  const push = (delta: Record<string, unknown>, tokenIndex?: number) => {
    frames.push({
      chunk: chunk(ctx, [{ index: 0, delta, logprobs: null, finish_reason: null }]),
      delayMs: paced++ === 0 ? firstDelay : tokenDelay,
      ...(tokenIndex === undefined ? {} : { tokenIndex }),
    });
  };
  const content = reply.kind === "tool_calls" ? replyTokens(reply.content ?? "", 0) : replyTokens(
    reply.kind === "text" ? reply.text : undefined,
    reply.kind === "fail" ? reply.afterTokens : reply.tokens ?? defaults.tokens,
  );
  frames.push({
    chunk: chunk(ctx, [{
      index: 0,
      delta: { role: "assistant", content: "", refusal: null },
      logprobs: null,
      finish_reason: null,
    }]),
    delayMs: 0,
  });
  content.forEach((text, i) => push({ content: text }, i));
  if (reply.kind === "fail") {
    return {
      frames,
      failure: {
        mode: reply.mode ?? "drop",
        message: reply.message ?? "The server had an error while processing your request.",
        until: reply.until,
      },
    };
  }
  if (reply.kind === "tool_calls") {
    const size = reply.argumentChunkSize ?? 8;
    toolCallsOf(reply.calls, ctx.id).forEach((call, index) => {
      push({
        tool_calls: [{
          index,
          id: call.id,
          type: "function",
          function: { name: call.function.name, arguments: "" },
        }],
      });
      for (let at = 0; at < call.function.arguments.length; at += size) {
        push({
          tool_calls: [{
            index,
            function: { arguments: call.function.arguments.slice(at, at + size) },
          }],
        });
      }
    });
  }
  const finish = reply.kind === "tool_calls" ? "tool_calls" : "stop";
  frames.push({
    chunk: chunk(ctx, [{ index: 0, delta: {}, logprobs: null, finish_reason: finish }]),
    delayMs: 0,
  });
  if (ctx.includeUsage) {
    frames.push({
      chunk: { ...chunk(ctx, []), usage: usage(ctx.promptTokens, content.length) },
      delayMs: 0,
    });
  }
  return { frames };
}

/** The `chat.completion` body of a reply that is not streamed. */
export function completionBody(
  reply: Extract<ScriptedReply, { kind: "text" | "tool_calls" }>,
  defaults: { tokens: number },
  ctx: CompletionContext,
): Record<string, unknown> {
  const tokens = reply.kind === "text"
    ? replyTokens(reply.text, reply.tokens ?? defaults.tokens)
    : replyTokens(reply.content ?? "", 0);
  const toolCalls = reply.kind === "tool_calls" ? toolCallsOf(reply.calls, ctx.id) : undefined;
  return {
    id: ctx.id,
    object: "chat.completion",
    created: ctx.created,
    model: ctx.model,
    system_fingerprint: "fp_mock",
    choices: [{
      index: 0,
      message: {
        role: "assistant",
        content: toolCalls && tokens.length === 0 ? null : tokens.join(""),
        refusal: null,
        ...(toolCalls ? { tool_calls: toolCalls } : {}),
      },
      logprobs: null,
      finish_reason: toolCalls ? "tool_calls" : "stop",
    }],
    usage: usage(ctx.promptTokens, tokens.length),
  };
}

/** OpenAI's error body for a status. */
export function errorBody(
  status: number,
  message: string,
  type?: string,
  code: string | null = null,
): { error: Record<string, unknown> } {
  const byStatus: Record<number, string> = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    404: "invalid_request_error",
    429: "rate_limit_error",
  };
  return {
    error: { message, type: type ?? byStatus[status] ?? "server_error", param: null, code },
  };
}

function toolCallsOf(calls: ScriptedToolCall[], completionId: string) {
  return calls.map((call, i) => ({
    id: call.id ?? `call_${completionId.replace(/^chatcmpl-/, "")}_${i}`,
    type: "function" as const,
    function: {
      name: call.name,
      arguments: typeof call.arguments === "string"
        ? call.arguments
        : JSON.stringify(call.arguments),
    },
  }));
}

function chunk(ctx: CompletionContext, choices: unknown[]): Record<string, unknown> {
  return {
    id: ctx.id,
    object: "chat.completion.chunk",
    created: ctx.created,
    model: ctx.model,
    system_fingerprint: "fp_mock",
    choices,
    ...(ctx.includeUsage ? { usage: null } : {}),
  };
}

function usage(prompt: number, completion: number) {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}
