// deno-lint-ignore-file no-explicit-any
/**
 * Issue 15, fault 1: Postgres goes down mid-run and comes back. A server
 * process runs on a throwaway PostgreSQL 15 cluster of this test's own
 * (never the shared :5432), Redis through the proxy and the mock OpenAI
 * server pacing tokens. With committed threads, memories and checkpoints in
 * place and two runs streaming, the cluster is stopped (`pg_ctl stop -m
 * fast`), held down while the runs' model calls end, and started again.
 *
 * Checked: during the outage `/health/ready` is 503 and requests get
 * `UNAVAILABLE` (HTTP 503, `retryAfter`), not INTERNAL; the runs in flight end, each with one terminal
 * status that the row, the live stream and a replay agree on (SUCCESS after a
 * retry, or ERROR with a reason); every committed row is still there; and
 * the same server process serves again (ready 200, new threads, runs and
 * memories, background jobs, its LISTEN connection back) with no restart.
 * Last, a plain `pg_ctl restart -m fast` under a streaming run: the run
 * ends with one status that its replay agrees on, and the thread goes on.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { startMockOpenAI } from "../support/mock_openai.ts";
import { serveProxy } from "../support/redis_proxy.ts";
import { problemsSince, startServer } from "../support/server_process.ts";
import {
  describeStream,
  isTerminal,
  mockTokens,
  readStream,
  RUN_EVENTS,
  type StreamRead,
  tokenTexts,
  waitFor,
} from "../support/replicas.ts";
import {
  startThrowawayPostgres,
  throwawayPostgresUnavailable,
} from "../support/throwaway_postgres.ts";
import { localRedis } from "../support/local_redis.ts";
import {
  codes,
  dumpLogs,
  figure,
  gql,
  type GqlAnswer,
  readiness,
  request,
  since,
  skipUnless,
  stopServer,
  waitUntilNotReady,
  wsClient,
} from "./harness.ts";

const unavailable = await throwawayPostgresUnavailable() ??
  (await localRedis()).reason;

const CREATE_THREAD = `mutation($title: String) { createThread(input: {title: $title}) { id } }`;
const SEND = `mutation($threadId: ID!, $content: String!) {
  sendMessage(input: {threadId: $threadId, content: $content}) { id status } }`;
const RUN = `query($id: ID!) { run(id: $id) { id status error attempts } }`;
const PUT_MEMORY = `mutation($key: String!, $content: String!) {
  putMemory(input: {namespace: ["faults"], key: $key, value: {content: $content}}) { key } }`;
const MEMORY = `query($key: String!) { memory(namespace: ["faults"], key: $key) { key value } }`;
const THREAD = `query($id: ID!) { thread(id: $id) { id status messages { role content } } }`;
/** Short, so the outage outlasts the leases of the runs in flight. */
const LEASE_SECONDS = 3;
/** Tokens each run in flight streams (25 ms apart), so the outage lands mid-stream. */
const FLYING_TOKENS = 120;
const TERMINAL = new Set(["SUCCESS", "ERROR", "CANCELLED", "INTERRUPTED"]);

/** Tables whose committed rows must all survive the restart. */
const TABLES = [
  "threads",
  "memory_items",
  "checkpoints",
  "checkpoint_blobs",
  "checkpoint_writes",
  "runs",
  "run_events",
] as const;

Deno.test({
  name: "faults: Postgres restarted mid-run",
  ignore: skipUnless("Postgres restart", unavailable),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    assert.equal(unavailable, undefined, unavailable);
    const cluster = await startThrowawayPostgres();
    const proxy = serveProxy();
    const mock = await startMockOpenAI({ tokens: 6 });
    const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    const ws: ReturnType<typeof wsClient>[] = [];
    try {
      server = await startServer({
        DATABASE_URL: cluster.url,
        DB_POOL_SIZE: "4",
        // Short enough that a run whose end could not be recorded is retried within the test.
        RUN_LEASE_SECONDS: String(LEASE_SECONDS),
        JOB_LEASE_SECONDS: "3",
        UPSTASH_REDIS_REST_URL: proxy.url,
        UPSTASH_REDIS_REST_TOKEN: proxy.token,
        OPENAI_API_KEY: "sk-mock",
        OPENAI_BASE_URL: mock.url,
        // Reflection would take the chat replies scripted for the runs.
        MEMORY_REFLECTION_DELAY_MS: "600000",
      }, { timeoutMs: 60_000 });
      const url = server.url;

      // Committed state: threads, memories, and runs that ended with checkpoints.
      const threads: string[] = [];
      for (let i = 0; i < 3; i++) {
        threads.push((await gql(url, CREATE_THREAD, { title: `seed ${i}` })).createThread.id);
      }
      for (let i = 0; i < 4; i++) {
        await gql(url, PUT_MEMORY, { key: `seed-${i}`, content: `fact number ${i}` });
      }
      for (const threadId of threads) {
        const run = (await gql(url, SEND, { threadId, content: "hello" })).sendMessage;
        await waitForRun(url, run.id, (r) => r.status === "SUCCESS", 30_000);
      }
      const before = await countRows(admin);
      const committed = await committedKeys(admin);
      const messagesBefore = await Promise.all(
        threads.map(async (id) => (await gql(url, THREAD, { id })).thread.messages),
      );
      assert.ok(before.checkpoints > 0 && before.memory_items === 4, JSON.stringify(before));

      // Two runs streaming slowly, each followed over WebSocket.
      for (let i = 0; i < 2; i++) {
        mock.script({ kind: "text", tokens: FLYING_TOKENS, tokenDelayMs: 25 });
      }
      const flying: { threadId: string; runId: string; stream: Promise<StreamRead> }[] = [];
      for (let i = 0; i < 2; i++) {
        const threadId = (await gql(url, CREATE_THREAD, { title: `flying ${i}` })).createThread.id;
        const runId = (await gql(url, SEND, { threadId, content: "a long answer" })).sendMessage.id;
        const client = wsClient(url);
        ws.push(client);
        const stream = readStream(
          client.iterate({ query: RUN_EVENTS, variables: { runId, after: 0 } }),
          "runEvents",
          { timeoutMs: 60_000 },
        );
        flying.push({ threadId, runId, stream });
      }
      const calls = await waitFor(
        () => {
          const open = mock.requests.filter((r) =>
            r.path === "/v1/chat/completions" && r.reply === "text" && r.state === "open" &&
            r.tokensSent >= 10
          );
          return open.length >= 2 && open;
        },
        20_000,
        "both runs to stream 10 tokens",
      );

      let outageAnswers: Record<string, GqlAnswer> = {};
      let downAt = 0;
      let upAt = 0;
      const outage: Record<string, unknown> = {};
      await t.step("while Postgres is down: not ready, coded errors", async () => {
        downAt = performance.now();
        await cluster.stop();
        try {
          const database = await waitUntilNotReady(url, "database");
          outage.readyDownAfterMs = since(downAt);
          outage.readyClass = database.errorClass;

          outageAnswers = {
            threads: await request(url, "{ threads(first: 5) { edges { node { id } } } }"),
            createThread: await request(url, CREATE_THREAD, { title: "during the outage" }),
            memory: await request(url, MEMORY, { key: "seed-0" }),
          };
          outage.codes = Object.fromEntries(
            Object.entries(outageAnswers).map(([name, answer]) => [name, codes(answer)]),
          );
        } finally {
          // Hold the outage until both model calls have ended, so each run reaches its
          // checkpoint write (or end) with the database away.
          await waitFor(
            () => calls.every((c) => c.state !== "open"),
            20_000,
            "the in-flight model calls to end",
          ).catch(() => {});
          // ...and past the runs' lease (RUN_LEASE_SECONDS), so they lapse while still held here.
          await waitFor(() => since(downAt) > LEASE_SECONDS * 1000 + 1000, 10_000, "the lease");
          await cluster.start();
          upAt = performance.now();
          outage.downMs = Math.round(upAt - downAt);
        }
      });

      await t.step("after: ready again, the same process serves", async () => {
        await waitFor(async () => (await readiness(url)).status === 200, 20_000, "ready 200");
        outage.readyAgainAfterMs = since(upAt);
        // postgres.js' default reconnect backoff reached 10–20 s within a few seconds of
        // outage; the pool's is capped near 1 s (src/db/client.ts), leaving room for load.
        assert.ok(
          outage.readyAgainAfterMs as number < 5000,
          `ready ${outage.readyAgainAfterMs} ms after Postgres was back`,
        );
        // The next write succeeds (allowing the pool one retry to notice the new server).
        const threadId = await waitFor(
          async () =>
            (await request(url, CREATE_THREAD, { title: "after" })).data?.createThread?.id,
          10_000,
          "createThread to succeed",
        );
        outage.firstWriteAfterMs = since(upAt);
        const run = (await gql(url, SEND, { threadId, content: "are you back?" })).sendMessage;
        const ended = await waitForRun(url, run.id, (r) => TERMINAL.has(r.status), 30_000);
        assert.equal(ended.status, "SUCCESS", JSON.stringify(ended));
        outage.firstRunAfterMs = since(upAt);
        await gql(url, PUT_MEMORY, { key: "after", content: "written after the restart" });
        // The job worker claims again: a document's ingest (a queued job) ends READY.
        const documentId = await uploadText(url, "notes.md", "# Notes\n\nTea is served at four.");
        await waitFor(
          async () =>
            (await gql(url, `query($id: ID!) { document(id: $id) { status } }`, { id: documentId }))
              .document.status === "READY",
          20_000,
          "the document's ingest job to end READY",
        );
        outage.firstJobAfterMs = since(upAt);
        // The LISTEN connection is back: a backend of this server whose last statement is LISTEN.
        await waitFor(
          async () => {
            const [row] = await admin`
              SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE application_name LIKE 'graphmind-%' AND query ILIKE 'listen %'`;
            return (row?.n ?? 0) > 0;
          },
          20_000,
          "the server to LISTEN again",
        );
      });

      await t.step("runs in flight end once, with a reason, and agree everywhere", async () => {
        for (const { runId } of flying) {
          assert.deepEqual(overlappingAttempts(server!.logs, runId), [], "executed twice at once");
          const run = await waitForRun(url, runId, (r) => TERMINAL.has(r.status), 40_000);
          outage[`run${flying.findIndex((f) => f.runId === runId)}`] =
            `${run.status} attempts=${run.attempts}${run.error ? ` (${run.error})` : ""}`;
          const replayed = await readStream(
            (ws[ws.length] = wsClient(url)).iterate({
              query: RUN_EVENTS,
              variables: { runId, after: 0 },
            }),
            "runEvents",
            { timeoutMs: 20_000 },
          );
          if (run.status === "ERROR") {
            assert.ok(run.error && run.error.length > 0, `no reason: ${JSON.stringify(run)}`);
            assert.doesNotMatch(run.error, /ECONNREFUSED|CONNECTION_|\d+\.\d+\.\d+\.\d+:\d+/);
          } else {
            assert.equal(run.status, "SUCCESS", JSON.stringify(run));
            // It outlived the outage, waiting for a connection: every token, once. (A retried
            // run's log holds its first attempt's tokens, then the resumed attempt's.)
            if (run.attempts === 1) {
              assert.deepEqual(tokenTexts(replayed.events), mockTokens(FLYING_TOKENS));
            }
          }
          const live = await flying.find((f) => f.runId === runId)!.stream;
          const liveEnd = live.events.findLast((e) =>
            e.__typename === "RunStatusEvent" && isTerminal(e)
          );
          // A live stream ends with the run's real end, or (dropped) resumes from the log.
          if (liveEnd) assert.equal(liveEnd.status, run.status, describeStream(live));
          const ends = replayed.events.filter((e) => isTerminal(e));
          assert.equal(
            ends.length,
            1,
            `one terminal event in the log: ${describeStream(replayed)}`,
          );
          assert.equal(ends[0]!.status, run.status, describeStream(replayed));
          const sequences = replayed.events.map((e) => e.sequence);
          assert.deepEqual(sequences, sequences.map((_, i) => i + 1), describeStream(replayed));
        }
        // The threads stay usable: the next message on one of them succeeds.
        const next = (await gql(url, SEND, { threadId: flying[0]!.threadId, content: "again" }))
          .sendMessage;
        const ended = await waitForRun(url, next.id, (r) => TERMINAL.has(r.status), 30_000);
        assert.equal(ended.status, "SUCCESS", JSON.stringify(ended));
      });

      await t.step("pg_ctl restart -m fast while a run streams", async () => {
        mock.script({ kind: "text", tokens: 60, tokenDelayMs: 20 });
        const threadId = (await gql(url, CREATE_THREAD, { title: "restart" })).createThread.id;
        const runId = (await gql(url, SEND, { threadId, content: "once more" })).sendMessage.id;
        await waitFor(
          () =>
            mock.requests.some((r) =>
              r.reply === "text" && r.state === "open" && r.tokensSent >= 5
            ),
          20_000,
          "the run to stream 5 tokens",
        );
        const restartAt = performance.now();
        await cluster.restart();
        const run = await waitForRun(url, runId, (r) => TERMINAL.has(r.status), 40_000);
        outage.fastRestart = `${run.status} after ${since(restartAt)} ms` +
          (run.error ? ` (${run.error})` : "");
        assert.ok(run.status === "SUCCESS" || run.status === "ERROR", JSON.stringify(run));
        const replayed = await readStream(
          (ws[ws.length] = wsClient(url)).iterate({
            query: RUN_EVENTS,
            variables: { runId, after: 0 },
          }),
          "runEvents",
          { timeoutMs: 20_000 },
        );
        const ends = replayed.events.filter((e) => isTerminal(e));
        assert.deepEqual(ends.map((e) => e.status), [run.status], describeStream(replayed));
        // The event log kept the batches the restart interrupted and wrote them after it.
        if (run.status === "SUCCESS") assert.deepEqual(tokenTexts(replayed.events), mockTokens(60));
        const nextAt = new Date().toISOString();
        const next = (await gql(url, SEND, { threadId, content: "and again" })).sendMessage;
        const ended = await waitForRun(url, next.id, (r) => TERMINAL.has(r.status), 30_000);
        // Failed once in CI (connection lost, after the restarted run had
        // ended SUCCESS) and never here: the server's own account says where.
        assert.equal(
          ended.status,
          "SUCCESS",
          `${JSON.stringify(ended)}\n${problemsSince(server!, nextAt)}`,
        );
      });

      await t.step("committed rows are all there", async () => {
        const after = await countRows(admin);
        for (const table of TABLES) {
          assert.ok(after[table] >= before[table], `${table}: ${before[table]} → ${after[table]}`);
        }
        // Not just as many rows: the very rows committed before the outage.
        const still = await committedKeys(admin);
        for (const [what, keys] of Object.entries(committed)) {
          const now = new Set(still[what]);
          const missing = keys.filter((key) => !now.has(key));
          assert.deepEqual(missing, [], `${what} lost`);
        }
        for (const [i, id] of threads.entries()) {
          assert.deepEqual((await gql(url, THREAD, { id })).thread.messages, messagesBefore[i]);
        }
        for (let i = 0; i < 4; i++) {
          const { memory } = await gql(url, MEMORY, { key: `seed-${i}` });
          assert.equal(memory?.value?.content, `fact number ${i}`);
        }
        outage.rowsLost = 0;
        outage.rows = { before, after };
        figure("postgres restart", outage);
      });

      await t.step("during the outage, requests got UNAVAILABLE with retryAfter, HTTP 503", () => {
        for (const [name, answer] of Object.entries(outageAnswers)) {
          const detail = `${name}: HTTP ${answer.status} ${JSON.stringify(answer.errors)}`;
          assert.deepEqual(codes(answer), ["UNAVAILABLE"], detail);
          assert.equal(answer.status, 503, detail);
          assert.ok(Number(answer.errors![0]!.extensions?.retryAfter) > 0, detail);
          assert.doesNotMatch(answer.errors![0]!.message, /ECONNREFUSED|\d+\.\d+\.\d+\.\d+/);
        }
      });
    } finally {
      for (const client of ws) await client?.dispose();
      if (server) {
        const code = await stopServer(server);
        await dumpLogs("postgres_restart", server);
        if (code !== 0) console.error(`server exited ${code}: ${server.stderr().slice(-4000)}`);
      }
      await admin.end({ timeout: 1 });
      await mock.close();
      await proxy.close();
      await cluster.destroy();
    }
  },
});

function waitForRun(
  url: string,
  id: string,
  done: (run: Record<string, any>) => boolean,
  timeoutMs: number,
): Promise<Record<string, any>> {
  let last: unknown;
  return waitFor(
    async () => {
      const answer = await request(url, RUN, { id });
      last = answer.data?.run ?? answer.errors;
      return answer.data?.run && done(answer.data.run) ? answer.data.run : undefined;
    },
    timeoutMs,
    () => `run ${id} (last seen ${JSON.stringify(last)})`,
  );
}

async function countRows(sql: postgres.Sql): Promise<Record<typeof TABLES[number], number>> {
  const counts = {} as Record<typeof TABLES[number], number>;
  for (const table of TABLES) {
    const [row] = await sql.unsafe(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = row!.n;
  }
  return counts;
}

/** Uploads a text file as a GraphQL multipart request; resolves with the document's id. */
async function uploadText(url: string, name: string, text: string): Promise<string> {
  const form = new FormData();
  form.set(
    "operations",
    JSON.stringify({
      query: `mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) { id } }`,
      variables: { input: { file: null } },
    }),
  );
  form.set("map", JSON.stringify({ "0": ["variables.input.file"] }));
  form.set("0", new File([text], name, { type: "text/markdown" }));
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "x-graphql-yoga-csrf": "1" },
    body: form,
  });
  const body = await response.json();
  const id = body.data?.uploadDocument?.id;
  if (typeof id !== "string") throw new Error(`upload failed: ${JSON.stringify(body)}`);
  return id;
}

/** The keys of every committed thread, memory, checkpoint and run, by kind. */
async function committedKeys(sql: postgres.Sql): Promise<Record<string, string[]>> {
  const keys = async (query: string) =>
    (await sql.unsafe(query)).map((row) => String(row.k)).sort();
  return {
    threads: await keys("SELECT id::text AS k FROM threads"),
    memories: await keys("SELECT namespace::text || key || value::text AS k FROM memory_items"),
    checkpoints: await keys("SELECT thread_id || checkpoint_id AS k FROM checkpoints"),
    runs: await keys("SELECT id::text || status AS k FROM runs"),
  };
}

/**
 * Attempts of a run that started while an earlier attempt in this process
 * had not ended (no `agent_response`, `agent_error` or `agent_released` yet).
 */
function overlappingAttempts(logs: Record<string, unknown>[], runId: string): string[] {
  const problems: string[] = [];
  let open = 0;
  for (const entry of logs) {
    if (entry.run_id !== runId) continue;
    if (entry.message === "agent_start") {
      if (open > 0) problems.push(`attempt ${entry.attempt} started at ${entry.timestamp}`);
      open++;
    } else if (
      ["agent_response", "agent_error", "agent_released"].includes(String(entry.message))
    ) {
      open = Math.max(0, open - 1);
    }
  }
  return problems;
}
