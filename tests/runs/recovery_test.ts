// deno-lint-ignore-file no-explicit-any
/**
 * Runs survive the process that executed them: a run whose holder died is
 * claimed again once its lease lapses and resumes from its checkpoint; one
 * that cannot be resumed ends ERROR with a reason; the thread stays usable.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startServer } from "../support/server_process.ts";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";
import { delay, startRunsApp } from "./harness.ts";

const postgres = await localPostgres();
const LONG = "Walk me through " + Array.from({ length: 40 }, (_, i) => `step${i}`).join(" ");
const STATUS = "query($id: ID!) { run(id: $id) { status error attempts } }";
const THREAD = "query($id: ID!) { thread(id: $id) { status messages { role content } } }";

Deno.test("embedded: runs left active by a dead process are resumed or failed at the next start", async () => {
  const dir = await Deno.makeTempDir({ prefix: "graphmind-recovery-" });
  try {
    const first = await startRunsApp({ PGLITE_DATA_DIR: dir });
    const threadId = await first.createThread("alice");
    const legacyThread = await first.createThread("alice");
    // What a process killed mid-run leaves behind: a claimed row with a fresh
    // lease and a busy thread; and a row from before runs kept their input.
    const input = { kind: "message", message: { id: crypto.randomUUID(), content: "resume me" } };
    const [row] = await first.database.sql`
      INSERT INTO runs (owner_id, thread_id, agent_id, status, started_at, lease_expires_at,
                        input, attempts, claimed_by)
      VALUES ('alice', ${threadId}, 'assistant', 'running', now(), now() + interval '1 hour',
              ${first.database.sql.json({ ...input, requireApproval: false })}, 1, 'dead-worker')
      RETURNING id::text AS id`;
    const [legacy] = await first.database.sql`
      INSERT INTO runs (owner_id, thread_id, agent_id, status, started_at, lease_expires_at)
      VALUES ('alice', ${legacyThread}, 'assistant', 'running', now(), now() + interval '1 hour')
      RETURNING id::text AS id`;
    await first.database.sql`UPDATE threads SET status = 'busy'`;
    await first.close();

    const second = await startRunsApp({ PGLITE_DATA_DIR: dir });
    try {
      const resumed = await second.waitForRun("alice", row?.id);
      assert.equal(resumed.status, "SUCCESS");
      assert.equal((await second.ok("alice", STATUS, { id: row?.id })).run.attempts, 2);
      const thread = (await second.ok("alice", THREAD, { id: threadId })).thread;
      assert.equal(thread.status, "IDLE");
      assert.deepEqual(thread.messages.map((m: any) => m.role), ["USER", "ASSISTANT"]);
      assert.equal(thread.messages[0].content, "resume me");

      const failed = await second.waitForRun("alice", legacy?.id);
      assert.equal(failed.status, "ERROR");
      assert.match(failed.error, /^Interrupted by a restart/);
      assert.equal((await second.ok("alice", THREAD, { id: legacyThread })).thread.status, "ERROR");
      const next = await second.sendMessage("alice", { threadId: legacyThread, content: "there?" });
      assert.equal((await second.waitForRun("alice", next.id)).status, "SUCCESS");
      assert.equal((await second.ok("alice", THREAD, { id: legacyThread })).thread.status, "IDLE");
    } finally {
      await second.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "server Postgres: a killed process's run is resumed by another once its lease lapses",
  ignore: postgres.ignore,
  async fn() {
    assert.ok(postgres.available, postgres.reason);
    const database = await createThrowawayDatabase();
    const env = { DATABASE_URL: database.url, RUN_LEASE_SECONDS: "1" };
    try {
      const server = await startServer({ ...env, OFFLINE_TOKEN_DELAY_MS: "200" });
      const gql = async (query: string, variables: Record<string, unknown> = {}) => {
        const response = await fetch(`${server.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query, variables }),
        });
        return (await response.json()).data;
      };
      const threadId = (await gql("mutation { createThread(input: {}) { id } }")).createThread.id;
      const runId =
        (await gql("mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }", {
          i: { threadId, content: LONG },
        })).sendMessage.id;
      while ((await gql(STATUS, { id: runId })).run.status !== "RUNNING") await delay(20);
      await server.stop("SIGKILL");

      const survivor = await startRunsApp({ ...env, OFFLINE_TOKEN_DELAY_MS: "1" });
      try {
        const done = await survivor.waitForRun("local", runId, 20_000);
        assert.equal(done.status, "SUCCESS");
        assert.equal((await survivor.ok("local", STATUS, { id: runId })).run.attempts, 2);
        const resumedHere = survivor.logs.filter((l) =>
          l.message === "agent_start" && l.run_id === runId
        );
        assert.deepEqual(resumedHere.map((l) => l.attempt), [2]);
        const thread = (await survivor.ok("local", THREAD, { id: threadId })).thread;
        assert.equal(thread.status, "IDLE");
        assert.deepEqual(thread.messages.map((m: any) => m.role), ["USER", "ASSISTANT"]);
        const next = await survivor.sendMessage("local", { threadId, content: "back again" });
        assert.equal((await survivor.waitForRun("local", next.id)).status, "SUCCESS");
      } finally {
        await survivor.close();
      }
    } finally {
      await database.drop();
    }
  },
});
