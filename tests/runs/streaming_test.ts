import assert from "node:assert/strict";
import {
  CHAT,
  type Event,
  readEvents,
  RUN_EVENTS,
  serve,
  sseClient,
  startRunsApp,
  tokenText,
  wsClient,
} from "./harness.ts";

const LONG = "Please tell me about " + Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");

/** Every run's events: numbered 1..n without gaps, queued, started, and ending with a status. */
function assertCompleteRun(events: Event[]): void {
  assert.deepEqual(events.map((e) => e.sequence), events.map((_, i) => i + 1));
  assert.equal(events[0]?.__typename, "RunStatusEvent");
  assert.equal(events[0]?.status, "PENDING");
  assert.equal(events[0]?.queuePosition, 1);
  assert.equal(events[1]?.__typename, "RunStatusEvent");
  assert.equal(events[1]?.status, "RUNNING");
  const last = events.at(-1);
  assert.equal(last?.__typename, "RunStatusEvent");
  assert.equal(last?.status, "SUCCESS");
  const ids = new Set(events.map((e) => e.id));
  assert.equal(ids.size, events.length, "event ids are unique");
  // The tokens add up to the completed assistant message, and carry its id.
  const assistant = events.find((e) =>
    e.__typename === "MessageEvent" && e.message.role === "ASSISTANT"
  );
  assert.ok(assistant, "an assistant MessageEvent");
  assert.equal(tokenText(events), assistant.message.content);
  const tokens = events.filter((e) => e.__typename === "TokenEvent");
  assert.ok(tokens.length > 10);
  assert.ok(tokens.every((t) => t.messageId === assistant.message.id && t.node === "agent"));
  // Deltas only: no token repeats the text before it.
  assert.ok(tokens.every((t) => t.text.length < 40));
}

Deno.test("chat and runEvents stream over SSE and WebSocket, and reconnects lose nothing", async (t) => {
  const app = await startRunsApp({ OFFLINE_TOKEN_DELAY_MS: "10" });
  const alice = await app.as("alice");
  const server = serve(app);
  try {
    await t.step("chat over SSE streams a whole run", async () => {
      const threadId = await app.createThread("alice");
      const client = sseClient(app, alice);
      const events = await readEvents(
        client.iterate({ query: CHAT, variables: { input: { threadId, content: "hello SSE" } } }),
        "chat",
      );
      client.dispose();
      assertCompleteRun(events);
      const user = events.find((e) => e.__typename === "MessageEvent" && e.message.role === "USER");
      assert.equal(user?.message.content, "hello SSE");
      assert.ok(events.some((e) => e.__typename === "StateUpdateEvent" && e.node === "agent"));
    });

    await t.step("chat over WebSocket streams a whole run", async () => {
      const threadId = await app.createThread("alice");
      const client = wsClient(server.url, alice);
      const events = await readEvents(
        client.iterate({ query: CHAT, variables: { input: { threadId, content: "hello WS" } } }),
        "chat",
      );
      await client.dispose();
      assertCompleteRun(events);
    });

    await t.step("an SSE client that drops mid-stream resumes with after", async () => {
      const threadId = await app.createThread("alice");
      const run = await app.sendMessage("alice", { threadId, content: LONG });
      const first = sseClient(app, alice);
      const head = await readEvents(
        first.iterate({ query: RUN_EVENTS, variables: { runId: run.id } }),
        "runEvents",
        (events) => events.filter((e) => e.__typename === "TokenEvent").length >= 3,
      );
      first.dispose();
      const during = await app.ok("alice", "query($id: ID!) { run(id: $id) { status } }", {
        id: run.id,
      });
      assert.equal(during.run.status, "RUNNING", "the reconnect happens mid-run");
      const second = sseClient(app, alice);
      const tail = await readEvents(
        second.iterate({
          query: RUN_EVENTS,
          variables: { runId: run.id, after: head.at(-1)?.sequence },
        }),
        "runEvents",
      );
      second.dispose();
      assertCompleteRun([...head, ...tail]);
    });

    await t.step(
      "a WebSocket that drops mid-stream resumes on a new socket with after",
      async () => {
        const threadId = await app.createThread("alice");
        const run = await app.sendMessage("alice", { threadId, content: LONG });
        const first = wsClient(server.url, alice);
        const head = await readEvents(
          first.iterate({ query: RUN_EVENTS, variables: { runId: run.id } }),
          "runEvents",
          (events) => events.filter((e) => e.__typename === "TokenEvent").length >= 3,
        );
        await first.dispose();
        const second = wsClient(server.url, alice);
        const tail = await readEvents(
          second.iterate({
            query: RUN_EVENTS,
            variables: { runId: run.id, after: head.at(-1)?.sequence },
          }),
          "runEvents",
        );
        await second.dispose();
        assertCompleteRun([...head, ...tail]);
      },
    );

    await t.step("two subscribers of one run receive the same events", async () => {
      const threadId = await app.createThread("alice");
      const run = await app.sendMessage("alice", { threadId, content: "shared" });
      const a = sseClient(app, alice);
      const b = wsClient(server.url, alice);
      const [overSse, overWs] = await Promise.all([
        readEvents(a.iterate({ query: RUN_EVENTS, variables: { runId: run.id } }), "runEvents"),
        readEvents(b.iterate({ query: RUN_EVENTS, variables: { runId: run.id } }), "runEvents"),
      ]);
      a.dispose();
      await b.dispose();
      assertCompleteRun(overSse);
      assert.deepEqual(overWs, overSse);
    });
  } finally {
    await server.close();
    await app.close();
  }
});

Deno.test("once the event log is pruned, runEvents replays the messages from the checkpoint", async () => {
  const app = await startRunsApp({ RUN_EVENT_RETENTION_SECONDS: "0" });
  const alice = await app.as("alice");
  try {
    const threadId = await app.createThread("alice");
    await app.sendMessage("alice", { threadId, content: "first turn" }).then((r) =>
      app.waitForRun("alice", r.id)
    );
    const run = await app.sendMessage("alice", { threadId, content: "second turn" });
    const ended = await app.waitForRun("alice", run.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // RUN_EVENT_RETENTION_SECONDS=0: the next prune removes both runs' logs.
    assert.ok(await app.runs.pruneEvents() >= 2);
    const client = sseClient(app, alice);
    const events = await readEvents(
      client.iterate({ query: RUN_EVENTS, variables: { runId: run.id, after: 5 } }),
      "runEvents",
    );
    // Only this run's messages, numbered after its last live event.
    assert.deepEqual(events.map((e) => e.__typename), [
      "MessageEvent",
      "MessageEvent",
      "RunStatusEvent",
    ]);
    assert.deepEqual(events.map((e) => e.message?.role), ["USER", "ASSISTANT", undefined]);
    assert.equal(events[0]?.message.content, "second turn");
    assert.match(events[1]?.message.content, /turn 2\. You said: "second turn"/);
    assert.equal(events[2]?.status, "SUCCESS");
    assert.deepEqual(
      events.map((e) => e.sequence),
      [1, 2, 3].map((i) => ended.lastSequence + i),
    );
    // A client that saw the whole run gets nothing more.
    const none = await readEvents(
      client.iterate({
        query: RUN_EVENTS,
        variables: { runId: run.id, after: ended.lastSequence },
      }),
      "runEvents",
    );
    assert.deepEqual(none, []);
    client.dispose();
  } finally {
    await app.close();
  }
});
