// deno-lint-ignore-file no-explicit-any
/**
 * Runs against the real @langchain/openai client and the mock OpenAI server,
 * through GraphQL over the real graphql-sse and graphql-ws clients: token
 * deltas, tool calls, provider failures mid-stream and by HTTP status, and
 * cancellation reaching the provider.
 */
import assert from "node:assert/strict";
import { type MockRequest, startMockOpenAI } from "../support/mock_openai.ts";
import {
  CHAT,
  delay,
  type Event,
  readEvents,
  RUN_EVENTS,
  serve,
  sseClient,
  startRunsApp,
  wsClient,
} from "./harness.ts";

const THREAD = `query($id: ID!) { thread(id: $id) { status checkpointId
  messages { role content toolCalls { name } } } }`;
const CANCEL = "mutation($input: CancelRunInput!) { cancelRun(input: $input) { id status } }";

type Mock = Awaited<ReturnType<typeof startMockOpenAI>>;
type App = Awaited<ReturnType<typeof startRunsApp>>;

/** An app whose agents talk to a fresh mock OpenAI server (12 tokens per reply). */
async function withApp(fn: (app: App, mock: Mock) => Promise<void>) {
  const mock = await startMockOpenAI({ tokens: 12 });
  const app = await startRunsApp({ OPENAI_API_KEY: "sk-mock", OPENAI_BASE_URL: mock.url });
  try {
    await fn(app, mock);
  } finally {
    await app.close();
    await mock.close();
  }
}

const ofType = (events: Event[], type: string) => events.filter((e) => e.__typename === type);
const statusOf = (events: Event[]) => ofType(events, "RunStatusEvent").at(-1);
const isEnd = (events: Event[]) => {
  const status = events.at(-1)?.__typename === "RunStatusEvent" ? events.at(-1)?.status : null;
  return status !== null && status !== undefined && !["PENDING", "RUNNING"].includes(status);
};

/** The chat request the mock served last. */
const lastChat = (mock: Mock) =>
  mock.requests.filter((r) => r.path === "/v1/chat/completions").at(-1)!;

Deno.test("provider: tokens stream as deltas, in order, equal to the mock's, over SSE and WebSocket", async () => {
  await withApp(async (app, mock) => {
    const headers = await app.as("alice");
    const server = serve(app);
    try {
      const transports = {
        sse: () => sseClient(app, headers),
        ws: () => wsClient(server.url, headers),
      };
      for (const [name, make] of Object.entries(transports)) {
        const threadId = await app.createThread("alice");
        const client = make();
        const events = await readEvents(
          client.iterate({ query: CHAT, variables: { input: { threadId, content: "hi" } } }),
          "chat",
          isEnd,
        );
        await client.dispose();
        const tokens = ofType(events, "TokenEvent");
        const expected = Array.from({ length: 12 }, (_, i) => ` t${i}`);
        assert.deepEqual(tokens.map((t) => t.text), expected, name);
        const completion = lastChat(mock);
        assert.equal(completion.tokensSent, 12);
        assert.ok(tokens.every((t) => t.messageId === completion.id && t.node === "agent"), name);
        const sequences = events.map((e) => e.sequence);
        assert.deepEqual(sequences, [...sequences].sort((a, b) => a - b), name);
        assert.equal(statusOf(events)?.status, "SUCCESS", name);
        const reply = ofType(events, "MessageEvent").at(-1)!.message;
        assert.equal(reply.content, expected.join(""), name);
      }
    } finally {
      await server.close();
    }
  });
});

Deno.test("provider: scripted tool calls give MessageEvents with the call, the tool result and the answer", async () => {
  await withApp(async (app, mock) => {
    const threadId = await app.createThread("alice");
    mock.script(
      { kind: "tool_calls", calls: [{ name: "get_current_time", arguments: { timeZone: "UTC" } }] },
      { kind: "text", text: "It is late in UTC." },
    );
    const client = sseClient(app, await app.as("alice"));
    const events = await readEvents(
      client.iterate({ query: CHAT, variables: { input: { threadId, content: "What time?" } } }),
      "chat",
      isEnd,
    );
    await client.dispose();
    assert.equal(statusOf(events)?.status, "SUCCESS");
    const messages = ofType(events, "MessageEvent").map((e) => e.message);
    assert.deepEqual(messages.map((m) => m.role.toLowerCase()), [
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);
    assert.deepEqual(messages[1].toolCalls.map((c: any) => [c.name, c.args]), [
      ["get_current_time", { timeZone: "UTC" }],
    ]);
    assert.match(messages[2].content, /\d{4}.*UTC/);
    assert.equal(messages[3].content, "It is late in UTC.");
    assert.equal(tokenTextOf(events), "It is late in UTC.");
    // The provider saw the tool's result before answering.
    const second = lastChat(mock).body?.messages as { role: string; content: string }[];
    assert.equal(second.at(-1)?.role, "tool");
    assert.equal(second.at(-1)?.content, messages[2].content);
  });
});

Deno.test("provider: a stream that breaks off ends the run in error, keeps its tokens in the log and no partial reply", async () => {
  await withApp(async (app, mock) => {
    const threadId = await app.createThread("alice");
    mock.script({ kind: "fail", afterTokens: 5 });
    const client = sseClient(app, await app.as("alice"));
    const events = await readEvents(
      client.iterate({ query: CHAT, variables: { input: { threadId, content: "break" } } }),
      "chat",
      isEnd,
    );
    const status = statusOf(events)!;
    assert.equal(status.status, "ERROR");
    assert.match(status.error, /model provider at 127\.0\.0\.1:\d+ broke off after \d+ streamed/);
    const runId = status.runId;
    const run = await app.waitForRun("alice", runId);
    assert.equal(run.status, "ERROR");
    assert.equal(run.error, status.error);

    const replay = await readEvents(
      client.iterate({ query: RUN_EVENTS, variables: { runId, after: 0 } }),
      "runEvents",
      isEnd,
    );
    await client.dispose();
    assert.deepEqual(ofType(replay, "TokenEvent").map((t) => t.text), [
      " t0",
      " t1",
      " t2",
      " t3",
      " t4",
    ]);
    assert.deepEqual(replay.map((e) => e.id), events.map((e) => e.id));

    const thread = (await app.ok("alice", THREAD, { id: threadId })).thread;
    assert.equal(thread.status, "ERROR");
    assert.deepEqual(thread.messages.map((m: any) => m.content), ["break"]);

    const next = await app.sendMessage("alice", { threadId, content: "again" });
    assert.equal((await app.waitForRun("alice", next.id)).status, "SUCCESS");
    const after = (await app.ok("alice", THREAD, { id: threadId })).thread;
    assert.equal(after.status, "IDLE");
    assert.deepEqual(after.messages.map((m: any) => m.content), [
      "break",
      "again",
      Array.from({ length: 12 }, (_, i) => ` t${i}`).join(""),
    ]);
  });
});

Deno.test("provider: HTTP errors (429, 500) end the run in error with a clear reason", async () => {
  await withApp(async (app, mock) => {
    for (
      const [status, message] of [
        [429, "Rate limit reached for gpt-4o-mini."],
        [500, "The server had an error while processing your request."],
      ] as const
    ) {
      const threadId = await app.createThread("alice");
      mock.script({ kind: "http_error", status, message });
      const started = await app.sendMessage("alice", { threadId, content: "hi" });
      const run = await app.waitForRun("alice", started.id);
      assert.equal(run.status, "ERROR");
      assert.match(run.error, new RegExp(`answered HTTP ${status}`));
      assert.ok(run.error.includes(message), run.error);
      assert.equal(lastChat(mock).reply, "http_error");
      const thread = (await app.ok("alice", THREAD, { id: threadId })).thread;
      assert.deepEqual(thread.messages.map((m: any) => m.content), ["hi"]);
    }
  });
});

Deno.test("provider: cancelRun aborts the provider's request (the mock sees the disconnect)", async () => {
  await withApp(async (app, mock) => {
    const threadId = await app.createThread("alice");
    mock.script({ kind: "text", tokens: 400, tokenDelayMs: 20 });
    const started = await app.sendMessage("alice", { threadId, content: "long" });
    // The mock notifies on arrivals and stream ends, not on tokens: poll for the third token.
    let request: MockRequest | undefined;
    while (!(request = mock.requests.find((r) => r.reply === "text" && r.tokensSent >= 3))) {
      await delay(5);
    }
    const cancelled = (await app.ok("alice", CANCEL, { input: { runId: started.id } })).cancelRun;
    assert.equal(cancelled.status, "CANCELLED");
    await mock.waitFor((r) => r.id === request!.id && r.state === "disconnected");
    assert.ok(request.tokensSent < 400, `${request.tokensSent} tokens sent`);
    const thread = (await app.ok("alice", THREAD, { id: threadId })).thread;
    assert.equal(thread.status, "IDLE");
  });
});

function tokenTextOf(events: Event[]): string {
  return ofType(events, "TokenEvent").map((e) => e.text).join("");
}
