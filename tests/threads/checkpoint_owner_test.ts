// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { startRunsApp } from "../runs/harness.ts";

const OWNERS = "SELECT DISTINCT owner_id FROM checkpoints WHERE thread_id = $1 ORDER BY 1";
const COPY = "mutation($i: ThreadIdInput!) { copyThread(input: $i) { id } }";
const FORK = "mutation($i: ForkThreadInput!) { forkThread(input: $i) { id } }";
const MESSAGES = "query($id: ID!) { thread(id: $id) { checkpointId messages { content } } }";

Deno.test("the app's checkpoints carry the thread owner's id, also after copy and fork", async () => {
  const app = await startRunsApp();
  try {
    const owners = async (threadId: string) =>
      (await app.database.sql.unsafe(OWNERS, [threadId])).map((r: any) => r.owner_id);
    const threadId = await app.createThread("alice");
    const run = await app.sendMessage("alice", { threadId, content: "hello" });
    assert.equal((await app.waitForRun("alice", run.id)).status, "SUCCESS");
    assert.deepEqual(await owners(threadId), ["alice"]);

    const state = (await app.ok("alice", MESSAGES, { id: threadId })).thread;
    assert.equal(state.messages[0].content, "hello");
    const copy = (await app.ok("alice", COPY, { i: { threadId } })).copyThread.id;
    assert.deepEqual(await owners(copy), ["alice"]);
    assert.deepEqual((await app.ok("alice", MESSAGES, { id: copy })).thread, state);

    const fork = (await app.ok("alice", FORK, {
      i: { threadId, checkpointId: state.checkpointId },
    })).forkThread.id;
    assert.deepEqual(await owners(fork), ["alice"]);
    assert.deepEqual(
      (await app.ok("alice", MESSAGES, { id: fork })).thread.messages,
      state.messages,
    );

    // Rows stamped with another owner are invisible to the thread's reads.
    await app.database.sql`UPDATE checkpoints SET owner_id = 'bob' WHERE thread_id = ${copy}`;
    assert.deepEqual((await app.ok("alice", MESSAGES, { id: copy })).thread, {
      checkpointId: null,
      messages: [],
    });
  } finally {
    await app.close();
  }
});
