/**
 * The client against the real server (src/main.ts in a subprocess) whose
 * agents call the mock OpenAI server: streams over both transports, a
 * connection cut mid-stream by a TCP proxy, cancellation by signal, the
 * interrupt flow, memories, documents, project status and typed errors.
 */
import assert from "node:assert/strict";
import {
  BadUserInputError,
  createClient,
  type GraphmindClient,
  NotFoundError,
  type RunEvent,
} from "../../client/mod.ts";
import { startServer } from "../support/server_process.ts";
import { startMockOpenAI } from "../support/mock_openai.ts";
import { startTcpProxy } from "./tcp_proxy.ts";

const TRANSPORTS = ["ws", "sse"] as const;

/** " t0 t1 … t(n-1)", the mock's unscripted reply. */
const tokensText = (n: number) => Array.from({ length: n }, (_, i) => ` t${i}`).join("");

function assertExactlyOnceInOrder(events: RunEvent[]) {
  const sequences = events.map((e) => e.sequence);
  assert.deepEqual(
    sequences,
    Array.from({ length: sequences.length }, (_, i) => sequences[0]! + i),
    "sequences are consecutive: none missing, none repeated",
  );
}

const tokenText = (events: RunEvent[]) =>
  events.map((e) => e.__typename === "TokenEvent" ? e.text : "").join("");

Deno.test("client against the real server", async (t) => {
  const mock = await startMockOpenAI({ tokens: 8, embeddingDimensions: 1536 });
  const server = await startServer({
    OPENAI_API_KEY: "sk-mock",
    OPENAI_BASE_URL: mock.url,
    MEMORY_REFLECTION_DELAY_MS: "600000",
    // project.updateTask as the tokenless local user needs it to be an admin.
    DEV_LOCAL_ADMIN: "true",
  });
  const url = `${server.url}/graphql`;
  const clients: GraphmindClient[] = [];
  const open = (options: Parameters<typeof createClient>[0]) => {
    const client = createClient(options);
    clients.push(client);
    return client;
  };
  try {
    for (const transport of TRANSPORTS) {
      await t.step(`${transport}: chat streams typed events in order`, async () => {
        const client = open({ url, transport });
        const { thread, stream } = await client.threads.start("Say hello", {
          agentId: "assistant",
          title: `chat over ${transport}`,
        });
        assert.equal(thread.title, `chat over ${transport}`);
        const { text, events, status } = await stream.collect();
        assert.equal(text, tokensText(8));
        assertExactlyOnceInOrder(events);
        assert.equal(events[0]!.sequence, 1);
        assert.ok(status?.__typename === "RunStatusEvent" && status.status === "SUCCESS");
        assert.equal((await stream.run).threadId, thread.id);
        const reply = events.findLast((e) => e.__typename === "MessageEvent");
        assert.ok(reply?.__typename === "MessageEvent");
        assert.equal(reply.message.role, "ASSISTANT");
        assert.equal(reply.message.content, tokensText(8));

        // runEvents replays the finished run from its start, and after a sequence.
        const replay = await client.runEvents((await stream.run).id).collect();
        assert.equal(replay.text, tokensText(8));
        const tail = await client.runEvents((await stream.run).id, { after: 5 }).collect();
        assert.equal(tail.events[0]?.sequence, 6);
      });

      await t.step(
        `${transport}: a connection cut mid-stream loses and repeats nothing`,
        async () => {
          const proxy = startTcpProxy(server.port);
          const reconnects: unknown[] = [];
          const client = open({
            url: `http://127.0.0.1:${proxy.port}/graphql`,
            transport,
            onReconnect: (_attempt, cause) => reconnects.push(cause),
          });
          try {
            mock.script({ kind: "text", tokens: 60, tokenDelayMs: 10 });
            const { thread } = await client.threads.create({ agentId: "assistant" });
            const events: RunEvent[] = [];
            let tokens = 0;
            let cutAt = -1;
            for await (const event of client.chat(thread.id, "count to sixty")) {
              events.push(event);
              if (event.__typename === "TokenEvent" && ++tokens === 10) {
                assert.ok(proxy.cut() >= 1, "the stream's connection was open");
                cutAt = event.sequence;
              }
            }
            assert.ok(cutAt > 0);
            assert.equal(tokenText(events), tokensText(60), "every token exactly once, in order");
            assertExactlyOnceInOrder(events);
            assert.ok(events.some((e) => e.sequence > cutAt), "events arrived after the cut");
            assert.ok(reconnects.length >= 1, "the stream reconnected");
            assert.ok(proxy.accepted >= 2, "over a new connection");
            const last = events.at(-1);
            assert.ok(last?.__typename === "RunStatusEvent" && last.status === "SUCCESS");
          } finally {
            await client.close();
            await proxy.close();
          }
        },
      );
    }

    await t.step("a signal cancels the run, and the stream ends CANCELLED", async () => {
      const client = open({ url, transport: "ws" });
      mock.script({ kind: "text", tokens: 500, tokenDelayMs: 20 });
      const { thread } = await client.threads.create({ agentId: "assistant" });
      const controller = new AbortController();
      const stream = client.chat(thread.id, "talk for a long time", { signal: controller.signal });
      const events: RunEvent[] = [];
      for await (const event of stream) {
        events.push(event);
        if (event.__typename === "TokenEvent") controller.abort();
      }
      const last = events.at(-1);
      assert.ok(last?.__typename === "RunStatusEvent" && last.status === "CANCELLED");
      assert.ok(tokenText(events).length < tokensText(500).length);
      const { run } = await client.request(
        (await import("../../client/generated.ts")).RunDocument,
        { id: (await stream.run).id },
      );
      assert.equal(run.status, "CANCELLED");
    });

    await t.step("approve, edit and revise an interrupt", async () => {
      const client = open({ url, transport: "sse" });
      const { thread } = await client.threads.create({ agentId: "assistant" });
      mock.script({ kind: "text", text: "draft one" });
      const paused = await client.chat(thread.id, "write a draft", { requireApproval: true })
        .collect();
      const interrupt = paused.events.find((e) => e.__typename === "InterruptEvent");
      assert.ok(interrupt, "the run paused with an interrupt");
      assert.ok(paused.status?.__typename === "RunStatusEvent");
      assert.equal(paused.status.status, "INTERRUPTED");

      // Revise: the agent writes again from the feedback, and pauses again.
      mock.script({ kind: "text", text: "draft two" });
      const revised = await client.interrupts.revise(thread.id, "shorter please").collect();
      assert.equal(revised.text, "draft two");
      assert.ok(revised.status?.__typename === "RunStatusEvent");
      assert.equal(revised.status.status, "INTERRUPTED");

      const approved = await client.interrupts.approve(thread.id).collect();
      assert.ok(approved.status?.__typename === "RunStatusEvent");
      assert.equal(approved.status.status, "SUCCESS");
      const after = await client.threads.get(thread.id);
      assert.equal(after.messages.at(-1)?.content, "draft two");
      assert.deepEqual(after.interrupts, []);

      mock.script({ kind: "text", text: "draft three" });
      await client.chat(thread.id, "another", { requireApproval: true }).collect();
      const edited = await client.interrupts.edit(thread.id, "my own words").collect();
      assert.ok(edited.status?.__typename === "RunStatusEvent");
      assert.equal(edited.status.status, "SUCCESS");
      assert.equal((await client.threads.get(thread.id)).messages.at(-1)?.content, "my own words");
    });

    await t.step("memories: put, search with scores, namespaces and history", async () => {
      const client = open({ url, transport: "ws" });
      await client.memories.put({
        namespace: ["client-test", "prefs"],
        key: "drink",
        value: { content: "likes green tea" },
      });
      await client.memories.put({
        namespace: ["client-test", "prefs"],
        key: "drink",
        value: { content: "likes oolong tea" },
      });
      await client.memories.put({
        namespace: ["client-test", "facts"],
        key: "city",
        value: { content: "lives in Lisbon" },
      });
      const hits = await client.memories.search({
        namespacePrefix: ["client-test"],
        query: "likes oolong tea",
        limit: 5,
      });
      assert.equal(hits[0]?.memory.key, "drink");
      assert.equal(typeof hits[0]?.score, "number");
      const namespaces = await client.memories.namespaces({ prefix: ["client-test"] });
      assert.deepEqual(namespaces, [["client-test", "facts"], ["client-test", "prefs"]]);
      const history = await client.memories.history(["client-test", "prefs"], "drink");
      assert.deepEqual(history.map((v) => v.version), [2, 1]);
      assert.equal(history.find((v) => v.version === 1)?.change, "UPDATED");
    });

    await t.step("documents: upload and follow its status", async () => {
      const client = open({ url, transport: "ws" });
      const file = new File(["Graphmind keeps notes.\n\nThe second paragraph."], "notes.md", {
        type: "text/markdown",
      });
      const seen: string[] = [];
      const progress: number[] = [];
      const update = await client.documents.uploadAndFollow(file, {
        title: "Notes",
        onStatus: (u) => seen.push(u.status),
        onProgress: (loaded) => progress.push(loaded),
      });
      assert.equal(update.status, "READY");
      assert.equal(seen.at(-1), "READY");
      assert.equal(progress.at(-1), file.size);
      assert.equal(update.document.filename, "notes.md");
      assert.ok(update.document.chunkCount >= 1);
      assert.equal((await client.documents.get(update.document.id)).title, "Notes");
    });

    await t.step("project status: read, and watch a task change arrive", async () => {
      const client = open({ url, transport: "ws" });
      const before = await client.project.status();
      assert.ok(before.totalTasks > 0);
      const [task] = await client.project.nextTasks({ limit: 1, allPhases: true });
      assert.ok(task, "the default plan has a task that can start");
      const controller = new AbortController();
      const statuses: number[] = [];
      for await (const status of client.project.watch({ signal: controller.signal })) {
        statuses.push(status.inProgressTasks);
        if (statuses.length === 1) await client.project.updateTask(task.id, "IN_PROGRESS");
        else if (status.inProgressTasks === before.inProgressTasks + 1) controller.abort();
      }
      assert.equal(statuses[0], before.inProgressTasks);
      assert.equal(statuses.at(-1), before.inProgressTasks + 1);
    });

    await t.step("errors are typed by extensions.code", async () => {
      const client = open({ url, transport: "sse" });
      await assert.rejects(client.threads.get("00000000-0000-0000-0000-000000000000"), (error) => {
        assert.ok(error instanceof NotFoundError);
        assert.equal(error.code, "NOT_FOUND");
        return true;
      });
      await assert.rejects(
        client.memories.put({ namespace: [], value: { content: "x" } }),
        BadUserInputError,
      );
      // A stream of a run that does not exist fails with the same type, not a retry loop.
      await assert.rejects(
        client.runEvents("00000000-0000-0000-0000-000000000000").collect(),
        NotFoundError,
      );
    });
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    assert.equal(await server.stop(), 0);
    await mock.close();
  }
});
