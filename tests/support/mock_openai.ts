/**
 * A mock OpenAI-compatible server on loopback, for tests and benchmarks that
 * drive the real `@langchain/openai` client (no provider is reachable here).
 *
 * - `POST /v1/chat/completions` streams `chat.completion.chunk` SSE as OpenAI
 *   does (role delta, content deltas, finish chunk, usage chunk when
 *   `stream_options.include_usage`, `data: [DONE]`) or answers a
 *   `chat.completion`. Replies are " t0", " t1", ... (`tokens` of them) unless
 *   scripted: the queue filled by `script()` answers the next requests with
 *   text, tool calls, a failure mid-stream or an HTTP error.
 * - Each content token's emit time (`performance.timeOrigin +
 *   performance.now()`) is recorded under the completion id, which is also
 *   the `id` of every chunk (LangChain's message id), so an in-process
 *   benchmark can compute receive-minus-emit latency.
 * - A client that goes away mid-stream is recorded (`disconnected`), so tests
 *   can prove that cancellation reached the provider.
 * - `POST /v1/embeddings` (see mock_openai_embeddings.ts) and `GET /v1/models`.
 *
 * @example
 * ```ts
 * const mock = await startMockOpenAI({ tokens: 200 });
 * mock.script({ kind: "tool_calls", calls: [{ name: "search", arguments: { q: "x" } }] });
 * const model = new ChatOpenAI({ apiKey: "k", configuration: { baseURL: mock.url } });
 * await mock.close();
 * ```
 * @module
 */
import {
  completionBody,
  type CompletionContext,
  errorBody,
  type ScriptedReply,
  streamFrames,
} from "./mock_openai_chat.ts";
import { countTokens, embeddingsResponse } from "./mock_openai_embeddings.ts";
import { sseStream } from "./mock_openai_stream.ts";

export type { ScriptedReply, ScriptedToolCall } from "./mock_openai_chat.ts";

/** Settings of {@linkcode startMockOpenAI}; each scripted reply may override the pacing. */
export interface MockOpenAIOptions {
  /** Tokens in an unscripted reply. Default 8. */
  tokens?: number;
  /** Pause between tokens, ms. Default 0. */
  tokenDelayMs?: number;
  /** Pause before the first token, ms. Default 0. */
  firstTokenDelayMs?: number;
  /** Embedding size when the request gives no `dimensions`. Default 1536. */
  embeddingDimensions?: number;
  /** When set, requests must send `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Models `GET /v1/models` lists. Default `["gpt-4o-mini", "text-embedding-3-small"]`. */
  models?: string[];
}

/** A request the mock received. */
export interface MockRequest {
  /** For chat completions, the completion id (`chatcmpl-…`); else `req-<n>`. */
  id: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body, or `undefined`. */
  body: Record<string, unknown> | undefined;
  receivedAt: number;
  /** The scripted reply kind, or `text` for the default reply. */
  reply?: ScriptedReply["kind"];
  /** Content tokens sent so far. */
  tokensSent: number;
  /** `open` while streaming; then how it ended. */
  state: "open" | "completed" | "disconnected" | "failed";
  /** When the client went away mid-stream (epoch ms). */
  disconnectedAt?: number;
}

/** A running mock server. */
export interface MockOpenAI {
  /** Base URL ending in `/v1`, for `OPENAI_BASE_URL`. */
  url: string;
  /** Every request, in arrival order. */
  requests: MockRequest[];
  /** Emit times (epoch ms) of each content token, by completion id; index i is token i. */
  emissions: Map<string, number[]>;
  /** Queues replies for the next chat completion requests, in order. */
  script(...replies: ScriptedReply[]): void;
  /** Scripted replies not used yet. */
  pendingScripts(): number;
  /** Resolves with the first request matching `predicate` (now or later); rejects after `timeoutMs`. */
  waitFor(predicate: (request: MockRequest) => boolean, timeoutMs?: number): Promise<MockRequest>;
  /** Ends open streams and stops the server. */
  close(): Promise<void>;
}

const now = () => performance.timeOrigin + performance.now();

/** Starts the mock on 127.0.0.1 with a free port. */
export function startMockOpenAI(options: MockOpenAIOptions = {}): Promise<MockOpenAI> {
  const defaults = {
    tokens: options.tokens ?? 8,
    pacing: {
      tokenDelayMs: options.tokenDelayMs ?? 0,
      firstTokenDelayMs: options.firstTokenDelayMs ?? 0,
    },
  };
  const queue: ScriptedReply[] = [];
  const requests: MockRequest[] = [];
  const emissions = new Map<string, number[]>();
  const openStreams = new Set<() => void>();
  const changed = new EventTarget();
  const notify = () => changed.dispatchEvent(new Event("change"));
  const prefix = crypto.randomUUID().slice(0, 8);
  let seq = 0;

  async function handle(request: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
    const url = new URL(request.url);
    const body = request.method === "POST"
      ? await request.json().catch(() => undefined)
      : undefined;
    const isChat = request.method === "POST" && url.pathname === "/v1/chat/completions";
    const record: MockRequest = {
      id: isChat ? `chatcmpl-${prefix}${++seq}` : `req-${++seq}`,
      method: request.method,
      path: url.pathname,
      headers: Object.fromEntries(request.headers),
      body,
      receivedAt: now(),
      tokensSent: 0,
      state: "completed",
    };
    requests.push(record);
    notify();
    if (
      options.apiKey !== undefined &&
      request.headers.get("authorization") !== `Bearer ${options.apiKey}`
    ) {
      return json(401, errorBody(401, "Incorrect API key provided.", undefined, "invalid_api_key"));
    }
    if (request.method === "GET" && url.pathname === "/v1/models") {
      const models = options.models ?? ["gpt-4o-mini", "text-embedding-3-small"];
      return json(200, {
        object: "list",
        data: models.map((id) => ({
          id,
          object: "model",
          created: 1700000000,
          owned_by: "graphmind-mock",
        })),
      });
    }
    if (request.method === "POST" && url.pathname === "/v1/embeddings") {
      const result = embeddingsResponse(body, options.embeddingDimensions ?? 1536);
      return json(result.status, result.body);
    }
    if (!isChat) {
      return json(
        404,
        errorBody(
          404,
          `Unknown request URL: ${request.method} ${url.pathname}.`,
          undefined,
          "unknown_url",
        ),
      );
    }
    const messages = body?.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      return json(
        400,
        errorBody(400, "'messages' is a required property and must be a non-empty array."),
      );
    }
    return chat(info, record, body!);
  }

  function chat(
    info: Deno.ServeHandlerInfo,
    record: MockRequest,
    body: Record<string, unknown>,
  ): Response {
    const reply: ScriptedReply = queue.shift() ?? { kind: "text" };
    record.reply = reply.kind;
    if (reply.kind === "http_error") {
      const message = reply.message ?? `Mock HTTP error ${reply.status}.`;
      return json(
        reply.status,
        errorBody(reply.status, message, reply.type, reply.code ?? null),
        reply.headers,
      );
    }
    const ctx: CompletionContext = {
      id: record.id,
      model: typeof body.model === "string" ? body.model : "gpt-4o-mini",
      created: Math.floor(Date.now() / 1000),
      includeUsage:
        (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true,
      promptTokens: countTokens(JSON.stringify(body.messages)),
    };
    if (body.stream !== true) {
      if (reply.kind === "fail") {
        return json(500, errorBody(500, reply.message ?? "The server had an error."));
      }
      return json(200, completionBody(reply, defaults, ctx));
    }
    const { frames, failure } = streamFrames(reply, defaults, ctx);
    const times: number[] = [];
    emissions.set(record.id, times);
    record.state = "open";
    const stream = sseStream(frames, failure, record.id, {
      onToken(index) {
        times[index] = now();
        record.tokensSent++;
      },
      onEnd(end) {
        record.state = end;
        if (end === "disconnected") record.disconnectedAt = now();
        openStreams.delete(stream.close);
        notify();
      },
    });
    openStreams.add(stream.close);
    // The body is cancelled, or its delivery fails, when the client goes away.
    info.completed.catch(() => stream.disconnected());
    return stream.response;
  }

  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => resolve(api(`http://127.0.0.1:${port}/v1`)),
    }, handle);

    function api(url: string): MockOpenAI {
      return {
        url,
        requests,
        emissions,
        script: (...replies) => void queue.push(...replies),
        pendingScripts: () => queue.length,
        waitFor(predicate, timeoutMs = 5000) {
          return new Promise((resolve, reject) => {
            const check = () => {
              const found = requests.find(predicate);
              if (!found) return;
              cleanup();
              resolve(found);
            };
            const timer = setTimeout(() => {
              cleanup();
              reject(new Error(`No matching mock OpenAI request within ${timeoutMs} ms.`));
            }, timeoutMs);
            const cleanup = () => {
              clearTimeout(timer);
              changed.removeEventListener("change", check);
            };
            changed.addEventListener("change", check);
            check();
          });
        },
        async close() {
          for (const close of [...openStreams]) close();
          await server.shutdown();
        },
      };
    }
  });
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
