// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { startServer } from "../support/server_process.ts";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";
import { delay, startRunsApp } from "./harness.ts";

const postgres = await localPostgres();
const LONG = "Walk me through " + Array.from({ length: 40 }, (_, i) => `step${i}`).join(" ");
const STATUS = "query($id: ID!) { run(id: $id) { status error } }";
const THREAD = "query($id: ID!) { thread(id: $id) { status } }";

async function poll(app: any, runId: string, wanted: string, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await app.ok("local", STATUS, { id: runId })).run;
    if (run.status === wanted) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} is ${run.status}, not ${wanted}`);
    await delay(50);
  }
}

Deno.test("embedded: a run left running by a dead process is failed at the next start", async () => {
  const dir = await Deno.makeTempDir({ prefix: "graphmind-recovery-" });
  try {
    const first = await startRunsApp({ PGLITE_DATA_DIR: dir });
    const threadId = await first.createThread("alice");
    // What a process killed mid-run leaves behind: a running row and a busy thread.
    const [row] = await first.database.sql`
      INSERT INTO runs (owner_id, thread_id, agent_id, status, started_at, lease_expires_at)
      VALUES ('alice', ${threadId}, 'assistant', 'running', now(), now() + interval '1 hour')
      RETURNING id::text AS id`;
    await first.database.sql`UPDATE threads SET status = 'busy' WHERE id = ${threadId}`;
    await first.close();

    const second = await startRunsApp({ PGLITE_DATA_DIR: dir });
    try {
      const run = (await second.ok("alice", STATUS, { id: row?.id })).run;
      assert.equal(run.status, "ERROR");
      assert.match(run.error, /^Interrupted by a restart/);
      assert.equal((await second.ok("alice", THREAD, { id: threadId })).thread.status, "ERROR");
      const next = await second.sendMessage("alice", { threadId, content: "still there?" });
      assert.equal((await second.waitForRun("alice", next.id)).status, "SUCCESS");
      assert.equal((await second.ok("alice", THREAD, { id: threadId })).thread.status, "IDLE");
    } finally {
      await second.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "server Postgres: a killed process's run is failed once its lease lapses; live runs are not",
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

      const survivor = await startRunsApp({ ...env, OFFLINE_TOKEN_DELAY_MS: "100" });
      const other = await startRunsApp(env);
      try {
        // The survivor's own long run must outlive the other instance's sweeps.
        const liveThread = await survivor.createThread("local");
        const live = await survivor.sendMessage("local", { threadId: liveThread, content: LONG });
        const failed = await poll(other, runId, "ERROR");
        assert.match(failed.error, /^Interrupted by a restart/);
        assert.equal((await other.ok("local", THREAD, { id: threadId })).thread.status, "ERROR");
        await delay(1500);
        assert.equal((await other.ok("local", STATUS, { id: live.id })).run.status, "RUNNING");
        assert.equal((await survivor.waitForRun("local", live.id, 15_000)).status, "SUCCESS");
        const next = await other.sendMessage("local", { threadId, content: "back again" });
        assert.equal((await other.waitForRun("local", next.id)).status, "SUCCESS");
      } finally {
        await survivor.close();
        await other.close();
      }
    } finally {
      await database.drop();
    }
  },
});
