// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { readEvents, RUN_EVENTS, sseClient, startRunsApp } from "./harness.ts";

const CANCEL = "mutation($i: CancelRunInput!) { cancelRun(input: $i) { status } }";

Deno.test("MAX_CONCURRENT_AGENTS queues runs beyond the limit, then refuses clearly", async (t) => {
  const app = await startRunsApp({ MAX_CONCURRENT_AGENTS: "1", OFFLINE_TOKEN_DELAY_MS: "5" });
  try {
    await t.step("a second thread's run waits for the first to end", async () => {
      const a = await app.sendMessage("alice", {
        threadId: await app.createThread("alice"),
        content: "one two three",
      });
      const b = await app.sendMessage("alice", {
        threadId: await app.createThread("alice"),
        content: "four",
      });
      const queued = await app.ok("alice", "query($id: ID!) { run(id: $id) { status } }", {
        id: b.id,
      });
      assert.equal(queued.run.status, "PENDING");
      const first = await app.waitForRun("alice", a.id);
      const second = await app.waitForRun("alice", b.id);
      assert.equal(second.status, "SUCCESS");
      assert.ok(new Date(second.startedAt) >= new Date(first.endedAt));
    });

    await t.step("past ten waiting runs per allowed run, sendMessage is RATE_LIMITED", async () => {
      const runs = [];
      for (let i = 0; i < 11; i++) {
        runs.push(
          await app.sendMessage("alice", {
            threadId: await app.createThread("alice"),
            content: `n${i}`,
          }),
        );
      }
      const threadId = await app.createThread("alice");
      const error = await app.fails(
        "alice",
        "mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }",
        {
          i: { threadId, content: "one too many" },
        },
      );
      assert.equal(error.extensions?.code, "RATE_LIMITED");
      assert.match(
        error.message,
        /at capacity: 1 runs are running and 10 are waiting \(MAX_CONCURRENT_AGENTS=1\)/,
      );
      const stored = await app.database.sql`SELECT 1 FROM runs WHERE thread_id = ${threadId}`;
      assert.equal(stored.length, 0);
      for (const run of runs) await app.ok("alice", CANCEL, { i: { runId: run.id } });
    });
  } finally {
    await app.close();
  }
});

Deno.test("AGENT_TIMEOUT stops a run with an error that says so; the thread stays usable", async () => {
  const app = await startRunsApp({ AGENT_TIMEOUT: "1", OFFLINE_TOKEN_DELAY_MS: "100" });
  try {
    const threadId = await app.createThread("alice");
    const run = await app.sendMessage("alice", { threadId, content: "a slow answer please" });
    const client = sseClient(app, await app.as("alice"));
    const events = await readEvents(
      client.iterate({ query: RUN_EVENTS, variables: { runId: run.id } }),
      "runEvents",
    );
    client.dispose();
    const last = events.at(-1);
    assert.equal(last?.status, "ERROR");
    assert.equal(last?.error, "The run timed out after 1 s (AGENT_TIMEOUT).");
    const tokens = events.filter((e) => e.__typename === "TokenEvent").length;
    assert.ok(tokens >= 5 && tokens <= 12, `about 10 tokens in 1 s, got ${tokens}`);
    const thread =
      (await app.ok("alice", "query($id: ID!) { thread(id: $id) { status messages { role } } }", {
        id: threadId,
      })).thread;
    assert.equal(thread.status, "ERROR");
    assert.deepEqual(thread.messages.map((m: any) => m.role), ["USER"]);
    const next = await app.sendMessage("alice", { threadId, content: "again" });
    assert.equal(next.status, "PENDING");
    await app.ok("alice", CANCEL, { i: { runId: next.id } });
    const logs = app.logs.filter((l) => l.message === "agent_error");
    assert.equal(logs.length, 1);
    assert.equal(logs[0]?.thread_id, threadId);
    assert.equal(logs[0]?.user_id, "alice");
    assert.equal(logs[0]?.agent_type, "assistant");
  } finally {
    await app.close();
  }
});
