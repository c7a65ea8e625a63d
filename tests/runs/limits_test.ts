// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { readEvents, RUN_EVENTS, sseClient, startRunsApp } from "./harness.ts";

const CANCEL = "mutation($i: CancelRunInput!) { cancelRun(input: $i) { status } }";

const LONG = "Tell me about " + Array.from({ length: 30 }, (_, i) => `w${i}`).join(" ");
const RUN = "query($id: ID!) { run(id: $id) { status startedAt endedAt } }";

Deno.test("MAX_CONCURRENT_AGENTS queues runs beyond the limit, then refuses clearly", async (t) => {
  // Slow tokens keep the one allowed run busy while the test looks at the queue.
  const app = await startRunsApp({ MAX_CONCURRENT_AGENTS: "1", OFFLINE_TOKEN_DELAY_MS: "100" });
  const thread = () => app.createThread("alice");
  try {
    await t.step("a second thread's run waits until the first ends", async () => {
      const a = await app.sendMessage("alice", { threadId: await thread(), content: LONG });
      const b = await app.sendMessage("alice", { threadId: await thread(), content: "four" });
      assert.equal((await app.ok("alice", RUN, { id: a.id })).run.status, "RUNNING");
      assert.equal((await app.ok("alice", RUN, { id: b.id })).run.status, "PENDING");
      const first = (await app.ok("alice", CANCEL, { i: { runId: a.id } })).cancelRun;
      assert.equal(first.status, "CANCELLED");
      let second = (await app.ok("alice", RUN, { id: b.id })).run;
      while (second.status === "PENDING") second = (await app.ok("alice", RUN, { id: b.id })).run;
      assert.equal(second.status, "RUNNING");
      const ended = (await app.ok("alice", RUN, { id: a.id })).run;
      assert.ok(new Date(second.startedAt) >= new Date(ended.endedAt));
      await app.ok("alice", CANCEL, { i: { runId: b.id } });
    });

    await t.step("past ten waiting runs per allowed run, sendMessage is RATE_LIMITED", async () => {
      const runs = [await app.sendMessage("alice", { threadId: await thread(), content: LONG })];
      for (let i = 0; i < 10; i++) {
        runs.push(await app.sendMessage("alice", { threadId: await thread(), content: `n${i}` }));
      }
      assert.equal((await app.ok("alice", RUN, { id: runs[0]?.id })).run.status, "RUNNING");
      const threadId = await thread();
      const error = await app.fails(
        "alice",
        "mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }",
        { i: { threadId, content: "one too many" } },
      );
      assert.equal(error.extensions?.code, "RATE_LIMITED");
      assert.match(
        error.message,
        /at capacity: 1 runs are running and 10 are waiting \(MAX_CONCURRENT_AGENTS=1\)/,
      );
      const stored = await app.database.sql`SELECT 1 FROM runs WHERE thread_id = ${threadId}`;
      assert.equal(stored.length, 0);
      for (const run of runs.reverse()) await app.ok("alice", CANCEL, { i: { runId: run.id } });
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
    assert.ok(tokens >= 1 && tokens < 19, `the reply was cut short, got ${tokens} tokens`);
    const thread =
      (await app.ok("alice", "query($id: ID!) { thread(id: $id) { status messages { role } } }", {
        id: threadId,
      })).thread;
    assert.equal(thread.status, "ERROR");
    assert.deepEqual(thread.messages.map((m: any) => m.role), ["USER"]);
    const next = await app.sendMessage("alice", { threadId, content: "again" });
    // Returned once this replica tried to claim it: usually already RUNNING.
    assert.ok(["PENDING", "RUNNING"].includes(next.status), next.status);
    await app.ok("alice", CANCEL, { i: { runId: next.id } });
    const logs = app.logs.filter((l) => l.message === "agent_error");
    assert.equal(logs.length, 1);
    assert.equal(logs[0]?.thread_id, threadId);
    assert.equal(logs[0]?.user_id, "alice");
    assert.equal(logs[0]?.agent_type, "supervisor");
  } finally {
    await app.close();
  }
});
