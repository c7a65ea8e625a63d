// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { delay, type Event, readEvents, RUN_EVENTS, sseClient, startRunsApp } from "./harness.ts";

const LONG = "Explain all of " + Array.from({ length: 30 }, (_, i) => `topic${i}`).join(" ");
const CANCEL = `mutation($input: CancelRunInput!) { cancelRun(input: $input) {
  id status error startedAt endedAt } }`;
const THREAD = `query($id: ID!) { thread(id: $id) { status checkpointId messages { role content }
  history(first: 50) { edges { node { id } } } } }`;

/** Subscribes to a run and counts tokens as they arrive. */
function watch(app: any, headers: Record<string, string>, runId: string) {
  const events: Event[] = [];
  const client = sseClient(app, headers);
  const done = readEvents(
    client.iterate({ query: RUN_EVENTS, variables: { runId } }),
    "runEvents",
    (seen) => {
      events.push(seen.at(-1) as Event);
      return false;
    },
  ).finally(() => client.dispose());
  return {
    events,
    done,
    tokens: () => events.filter((e) => e.__typename === "TokenEvent").length,
  };
}

/** Every checkpoint, blob and write row of a thread, in key order. */
async function checkpointRows(app: any, threadId: string) {
  const sql = app.database.sql;
  return {
    checkpoints: [
      ...await sql`SELECT * FROM checkpoints WHERE thread_id = ${threadId}
        ORDER BY checkpoint_ns, checkpoint_id`,
    ],
    blobs: [
      ...await sql`SELECT * FROM checkpoint_blobs WHERE thread_id = ${threadId}
        ORDER BY checkpoint_ns, channel, version`,
    ],
    writes: [
      ...await sql`SELECT * FROM checkpoint_writes WHERE thread_id = ${threadId}
        ORDER BY checkpoint_ns, checkpoint_id, task_id, idx`,
    ],
  };
}

async function tokensPublished(app: any): Promise<number> {
  const text = await (await app.fetch(new Request("http://localhost/metrics"))).text();
  const line = text.split("\n").find((l: string) =>
    l.startsWith('agent_tokens_streamed_total{agent_type="supervisor"}')
  );
  return Number(line?.split(" ").at(-1) ?? 0);
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await delay(2);
  }
}

Deno.test("cancelRun really stops the graph and leaves the thread consistent", async (t) => {
  const app = await startRunsApp({ OFFLINE_TOKEN_DELAY_MS: "15" });
  const alice = await app.as("alice");
  try {
    await t.step("INTERRUPT: tokens stop, status CANCELLED, the thread stays usable", async () => {
      const threadId = await app.createThread("alice");
      const before = await tokensPublished(app);
      const run = await app.sendMessage("alice", { threadId, content: LONG });
      const watcher = watch(app, alice, run.id);
      await until(() => watcher.tokens() >= 3);
      const cancelled = (await app.ok("alice", CANCEL, { input: { runId: run.id } })).cancelRun;
      assert.equal(cancelled.status, "CANCELLED");
      assert.match(cancelled.error, /Cancelled by the user \(INTERRUPT\)/);
      assert.ok(cancelled.endedAt);
      // The server-side count, free of delivery lag: it must not move once cancelRun returns.
      const atCancel = await tokensPublished(app);
      await delay(150); // ten token intervals: a run still streaming would show it
      assert.equal(await tokensPublished(app), atCancel, "no token is produced after cancelRun");
      await watcher.done;
      assert.equal(watcher.tokens(), atCancel - before, "every produced token was delivered");
      assert.ok(watcher.tokens() < 30, `the model was stopped early (${watcher.tokens()} tokens)`);
      const last = watcher.events.at(-1);
      assert.equal(last?.__typename, "RunStatusEvent");
      assert.equal(last?.status, "CANCELLED");
      const metrics = await (await app.fetch(new Request("http://localhost/metrics"))).text();
      assert.match(metrics, /agent_requests_total\{agent_type="supervisor",status="cancelled"\} 1/);
      const thread = (await app.ok("alice", THREAD, { id: threadId })).thread;
      assert.equal(thread.status, "IDLE");
      assert.deepEqual(thread.messages.map((m: any) => m.role), ["USER"]);
      const next = await app.sendMessage("alice", { threadId, content: "short one" });
      assert.equal((await app.waitForRun("alice", next.id)).status, "SUCCESS");
      const after = (await app.ok("alice", THREAD, { id: threadId })).thread;
      assert.deepEqual(after.messages.map((m: any) => m.role), ["USER", "USER", "ASSISTANT"]);
    });

    await t.step("ROLLBACK: the thread is exactly as before the run", async () => {
      const threadId = await app.createThread("alice");
      const warmup = await app.sendMessage("alice", { threadId, content: "hi" });
      await app.waitForRun("alice", warmup.id);
      const before = (await app.ok("alice", THREAD, { id: threadId })).thread;
      const rowsBefore = await checkpointRows(app, threadId);
      const run = await app.sendMessage("alice", { threadId, content: LONG });
      const watcher = watch(app, alice, run.id);
      await until(() => watcher.tokens() >= 3);
      const cancelled = (await app.ok("alice", CANCEL, {
        input: { runId: run.id, action: "ROLLBACK" },
      })).cancelRun;
      assert.equal(cancelled.status, "CANCELLED");
      await watcher.done;
      const after = (await app.ok("alice", THREAD, { id: threadId })).thread;
      assert.deepEqual(after, before);
      // Row for row: the run's checkpoints, blobs and writes are gone, the rest untouched.
      assert.deepEqual(await checkpointRows(app, threadId), rowsBefore);
      const next = await app.sendMessage("alice", { threadId, content: "again" });
      assert.equal((await app.waitForRun("alice", next.id)).status, "SUCCESS");
      const final = (await app.ok("alice", THREAD, { id: threadId })).thread;
      assert.match(final.messages.at(-1).content, /turn 2\. You said: "again"/);
    });

    await t.step("a queued run is cancelled without ever starting", async () => {
      const threadId = await app.createThread("alice");
      const first = await app.sendMessage("alice", { threadId, content: LONG });
      const queued = await app.sendMessage("alice", {
        threadId,
        content: "later",
        multitaskStrategy: "ENQUEUE",
      });
      const cancelled = (await app.ok("alice", CANCEL, { input: { runId: queued.id } })).cancelRun;
      assert.equal(cancelled.status, "CANCELLED");
      assert.equal(cancelled.startedAt, null);
      await app.waitForRun("alice", first.id);
      const thread = (await app.ok("alice", THREAD, { id: threadId })).thread;
      assert.equal(thread.status, "IDLE");
      assert.ok(!thread.messages.some((m: any) => m.content === "later"));
    });

    await t.step("cancelling a run that ended is a CONFLICT", async () => {
      const threadId = await app.createThread("alice");
      const run = await app.sendMessage("alice", { threadId, content: "quick" });
      await app.waitForRun("alice", run.id);
      const error = await app.fails("alice", CANCEL, { input: { runId: run.id } });
      assert.equal(error.extensions?.code, "CONFLICT");
      assert.match(error.message, /already ended \(success\)/);
    });
  } finally {
    await app.close();
  }
});
