/**
 * Fault: SIGTERM during 100 active streams. A real server process on a
 * throwaway database on the local Postgres streams 100 runs, half to
 * graphql-ws clients and half to graphql-sse clients, half started with
 * `chat` and half with `sendMessage` then `runEvents`; the mock OpenAI
 * server paces the tokens: half the replies are short (they end within the
 * shutdown deadline), half long (they cannot).
 *
 * Once every stream has received tokens, the server gets SIGTERM and drains
 * as documented: streams get SHUTDOWN_TIMEOUT to finish, then each one left
 * is ended with UNAVAILABLE naming `resumeAfter`, its run is handed back to
 * the queue, and the process exits 0. Every client either received its
 * whole stream or was told where to resume; none was cut without a word.
 * A new server on the same database then resumes the handed-back runs from
 * their checkpoints, and each told-to-resume client subscribes again with
 * `after` and gets the rest: every event once, in order, to SUCCESS.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { startMockOpenAI } from "../support/mock_openai.ts";
import { type ServerProcess, startServer } from "../support/server_process.ts";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";
import {
  CHAT,
  CREATE_THREAD,
  describeStream,
  mockTokens,
  readStream,
  RUN_EVENTS,
  type RunEvent,
  SEND_MESSAGE,
  sequenceProblems,
  type StreamRead,
  THREAD_MESSAGES,
} from "../support/replicas.ts";

const STREAMS = 100;
const TOKEN_DELAY_MS = 100;
/** Tokens of a short reply: it ends within the shutdown deadline. */
const SHORT = 30;
/** Tokens of a long reply: it cannot. */
const LONG = 150;
/** Tokens of the replies a restarted run gets. */
const RESUMED = 20;
const SHUTDOWN_TIMEOUT_SECONDS = 4;

type Transport = "ws" | "sse";

/** One client's stream through the shutdown and, if told to, after the restart. */
interface Stream {
  index: number;
  transport: Transport;
  start: "chat" | "runEvents";
  runId?: string;
  before?: StreamRead;
  /** Where the server told it to resume, if it did. */
  resumeAfter?: number;
  after?: StreamRead;
}

const postgres = await localPostgres();

Deno.test({
  name: `fault: SIGTERM during ${STREAMS} streams drains; every client is whole or resumes`,
  ignore: postgres.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    assert.equal(postgres.reason, undefined, postgres.reason);
    const database = await createThrowawayDatabase();
    const mock = await startMockOpenAI({ tokens: RESUMED, tokenDelayMs: TOKEN_DELAY_MS });
    const env = {
      DATABASE_URL: database.url,
      DB_POOL_SIZE: "10",
      OPENAI_API_KEY: "sk-mock",
      OPENAI_BASE_URL: mock.url,
      ENABLE_MEMORY: "false",
      MAX_CONCURRENT_AGENTS: String(STREAMS),
      WS_MAX_CONNECTIONS_PER_IP: "1000",
      SHUTDOWN_TIMEOUT: String(SHUTDOWN_TIMEOUT_SECONDS),
    };
    const disposers: (() => unknown)[] = [];
    let server: ServerProcess | undefined;
    try {
      // Replies in the order the model calls arrive: short and long alternate.
      mock.script(
        ...Array.from({ length: STREAMS }, (_, i) => ({
          kind: "text" as const,
          tokens: i % 2 === 0 ? SHORT : LONG,
          tokenDelayMs: TOKEN_DELAY_MS,
        })),
      );
      server = await startServer(env, { timeoutMs: 60_000 });
      const first = server;
      const graphqlUrl = (s: ServerProcess) => `${s.url}/graphql`;
      const post = async (query: string, variables: Record<string, unknown> = {}) => {
        const response = await fetch(graphqlUrl(first), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query, variables }),
        });
        const body = await response.json();
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        return body.data;
      };
      const subscribe = (
        s: ServerProcess,
        transport: Transport,
        query: string,
        variables: Record<string, unknown>,
      ) => {
        if (transport === "ws") {
          const client = createWsClient({
            url: graphqlUrl(s).replace("http", "ws"),
            webSocketImpl: WebSocket,
            retryAttempts: 0,
          });
          disposers.push(() => client.dispose());
          return client.iterate({ query, variables });
        }
        const client = createSseClient({ url: graphqlUrl(s), retryAttempts: 0 });
        disposers.push(() => client.dispose());
        return client.iterate({ query, variables });
      };

      const streams: Stream[] = Array.from({ length: STREAMS }, (_, index) => ({
        index,
        transport: index % 2 === 0 ? "ws" : "sse",
        start: index % 4 < 2 ? "chat" : "runEvents",
      }));
      const threads = await Promise.all(
        streams.map(async () => (await post(CREATE_THREAD)).createThread.id as string),
      );
      let streaming = 0;
      const allStreaming = Promise.withResolvers<void>();
      const reads = streams.map(async (stream) => {
        const threadId = threads[stream.index]!;
        const input = { threadId, content: `stream ${stream.index}` };
        let iterable;
        if (stream.start === "chat") {
          iterable = subscribe(first, stream.transport, CHAT, { input });
        } else {
          stream.runId = (await post(SEND_MESSAGE, { input })).sendMessage.id;
          iterable = subscribe(first, stream.transport, RUN_EVENTS, {
            runId: stream.runId,
            after: 0,
          });
        }
        let counted = false;
        stream.before = await readStream(iterable, stream.start === "chat" ? "chat" : "runEvents", {
          timeoutMs: 60_000,
          onEvent(event) {
            stream.runId ??= event.runId;
            if (event.__typename === "TokenEvent" && !counted) {
              counted = true;
              if (++streaming === STREAMS) allStreaming.resolve();
            }
          },
        });
        if (!counted && ++streaming === STREAMS) allStreaming.resolve();
      });

      await allStreaming.promise;
      const signalledAt = performance.now();
      const exitCode = await first.stop("SIGTERM");
      const exitSeconds = (performance.now() - signalledAt) / 1000;
      await Promise.all(reads);
      assert.equal(exitCode, 0, first.stderr());

      // Each stream: whole, or told where to resume.
      const full: Stream[] = [];
      const told: Stream[] = [];
      const lost: string[] = [];
      for (const stream of streams) {
        const read = stream.before!;
        const last = read.events.at(-1);
        if (read.error === undefined && last?.status === "SUCCESS") {
          full.push(stream);
          continue;
        }
        const resumeAfter = resumePoint(read);
        if (resumeAfter !== undefined && resumeAfter === (last?.sequence ?? 0)) {
          stream.resumeAfter = resumeAfter;
          told.push(stream);
        } else {
          lost.push(`#${stream.index} (${stream.transport}): ${describeStream(read)}`);
        }
      }
      const released = first.logs.filter((l) => l.message === "agent_released").length;
      console.log(
        `SIGTERM with ${STREAMS} streams: exit ${exitCode} after ${exitSeconds.toFixed(1)} s; ` +
          `${full.length} whole, ${told.length} told to resume ` +
          `(${told.filter((s) => s.transport === "ws").length} WebSocket, ` +
          `${told.filter((s) => s.transport === "sse").length} SSE), ${lost.length} lost; ` +
          `${released} runs handed back`,
      );
      assert.deepEqual(lost, [], "every stream is whole or told where to resume");
      assert.ok(told.length >= STREAMS / 2, "the long replies cannot finish in the deadline");
      // A short run may still end on its own between its stream's end and the hand-back.
      assert.ok(
        released >= STREAMS / 2 && released <= told.length,
        `the unfinished runs were handed back to the queue (${released})`,
      );

      // A new server on the same database; the told-to-resume clients come back with `after`.
      server = await startServer(env, { timeoutMs: 60_000 });
      const second = server;
      await Promise.all(told.map(async (stream) => {
        stream.after = await readStream(
          subscribe(second, stream.transport, RUN_EVENTS, {
            runId: stream.runId,
            after: stream.resumeAfter,
          }),
          "runEvents",
          { timeoutMs: 60_000 },
        );
      }));

      const broken: string[] = [];
      for (const stream of streams) {
        const events = [...stream.before!.events, ...(stream.after?.events ?? [])];
        const problems = [
          ...sequenceProblems(events),
          ...(events.at(-1)?.status === "SUCCESS" ? [] : ["did not end SUCCESS"]),
          ...(stream.after?.error ? [`resumed stream failed: ${stream.after.error}`] : []),
          ...tokenProblems(events, mock.requests),
          ...repeatedMessages(events),
        ];
        if (problems.length > 0) {
          broken.push(
            `#${stream.index} (${stream.transport}, ${stream.start}): ${problems.join("; ")} — ` +
              `before ${describeStream(stream.before!)}` +
              (stream.after ? `; after ${describeStream(stream.after)}` : ""),
          );
        }
      }
      assert.deepEqual(broken.slice(0, 5), [], `${broken.length} streams broken`);

      // Each thread holds the question once and the reply its stream ended with.
      const wrong: string[] = [];
      await Promise.all(streams.map(async (stream) => {
        const response = await fetch(graphqlUrl(second), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query: THREAD_MESSAGES,
            variables: { id: threads[stream.index] },
          }),
        });
        const messages = (await response.json()).data.thread.messages as {
          role: string;
          content: string;
        }[];
        const events = [...stream.before!.events, ...(stream.after?.events ?? [])];
        const lastCall = events.findLast((e) => e.__typename === "TokenEvent")?.messageId;
        const reply = events.filter((e) => e.messageId === lastCall).map((e) => e.text).join("");
        const got = messages.map((m) => `${m.role}:${m.content}`);
        const expected = [`USER:stream ${stream.index}`, `ASSISTANT:${reply}`];
        if (JSON.stringify(got) !== JSON.stringify(expected)) {
          wrong.push(`#${stream.index}: ${JSON.stringify(got).slice(0, 200)}`);
        }
      }));
      assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} threads wrong`);
    } finally {
      await Promise.all(disposers.map((d) => Promise.resolve(d()).catch(() => {})));
      await server?.stop("SIGKILL");
      await mock.close();
      await database.drop();
    }
  },
});

/** Messages (the user's input, the reply) that a stream carried more than once. */
function repeatedMessages(events: RunEvent[]): string[] {
  const ids = events.filter((e) => e.__typename === "MessageEvent").map((e) =>
    `${e.message.role} ${e.message.id}`
  );
  return ids.filter((id, i) => ids.indexOf(id) !== i).map((id) => `message ${id} repeated`);
}

/** `extensions.resumeAfter` of an UNAVAILABLE error that ended the stream, if it was one. */
function resumePoint(read: StreamRead): number | undefined {
  if (read.error === undefined) return undefined;
  try {
    const [error] = JSON.parse(read.error) as { extensions?: Record<string, unknown> }[];
    if (error?.extensions?.code !== "UNAVAILABLE") return undefined;
    const after = error.extensions.resumeAfter;
    return typeof after === "number" ? after : undefined;
  } catch {
    return undefined; // not a GraphQL error: a cut connection
  }
}

/**
 * The tokens of each model call are what the mock sent for it, in order and
 * once: the call a shutdown interrupted streamed a prefix of its reply, and
 * the run's last call streamed the whole of it.
 */
function tokenProblems(
  events: RunEvent[],
  requests: { id: string; tokensSent: number; state: string }[],
): string[] {
  const byCall = new Map<string, string[]>();
  for (const event of events) {
    if (event.__typename !== "TokenEvent") continue;
    byCall.set(event.messageId, [...(byCall.get(event.messageId) ?? []), event.text]);
  }
  const calls = [...byCall.entries()];
  return calls.flatMap(([id, tokens], i) => {
    const request = requests.find((r) => r.id === id);
    const expected = mockTokens(tokens.length);
    if (JSON.stringify(tokens) !== JSON.stringify(expected)) {
      return [`call ${id}: tokens are not the reply's prefix, once each, in order`];
    }
    if (
      i === calls.length - 1 &&
      (request?.state !== "completed" || request.tokensSent !== tokens.length)
    ) {
      return [
        `last call ${id}: ${tokens.length} tokens of ${request?.tokensSent} (${request?.state})`,
      ];
    }
    return [];
  });
}
