/**
 * Issue 14: `kill -9` of the replica executing a run mid-stream. Once its
 * lease (RUN_LEASE_SECONDS=3) lapses another replica re-claims the run,
 * resumes it from its last checkpoint and completes it; a subscriber on a
 * surviving replica gets every event once, in order, to the end; the
 * thread's checkpoints hold the question once and one answer; and no two
 * replicas ever execute the run at the same time.
 */
import assert from "node:assert/strict";
import {
  clusterServices,
  createThread,
  describeStream,
  doubleExecutions,
  executorOf,
  mockTokens,
  readStream,
  type Replica,
  RUN_EVENTS,
  SEND_MESSAGE,
  sequenceProblems,
  startCluster,
  THREAD_MESSAGES,
  waitFor,
  waitForEnd,
} from "../support/replicas.ts";

const LONG_TOKENS = 150;
const REPLY_TOKENS = 20;

Deno.test({
  name: "scale-out: kill -9 of the replica executing a run",
  ignore: clusterServices.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    assert.equal(clusterServices.reason, undefined, clusterServices.reason);
    const cluster = await startCluster({
      mock: { tokens: REPLY_TOKENS, tokenDelayMs: 5 },
      env: { RUN_LEASE_SECONDS: "3", RUN_MAX_ATTEMPTS: "2" },
    });
    const mock = cluster.mock!;
    const [a] = cluster.replicas as [Replica];
    /** The first chat request received at or after `since` that has streamed `tokens`. */
    const callSince = (since: number, tokens: number) =>
      waitFor(
        () =>
          mock.requests.find((r) =>
            r.path === "/v1/chat/completions" && r.receivedAt >= since && r.tokensSent >= tokens
          ),
        15_000,
        `a model call to stream ${tokens} tokens`,
      );
    try {
      await t.step("mid-stream: the run resumes and completes on another replica", async () => {
        // The first model call streams slowly, so the kill lands mid-stream;
        // the resumed attempt's call gets the default reply.
        mock.script({ kind: "text", tokens: LONG_TOKENS, tokenDelayMs: 20 });
        const threadId = await createThread(a, "alice");
        const sentAt = Date.now();
        const run = (await a.gql("alice", SEND_MESSAGE, {
          input: { threadId, content: "Survive a crash" },
        })).sendMessage;
        const victim = await executorOf(cluster, run.id);
        const survivors = cluster.replicas.filter((r) => r !== victim);
        const watcher = survivors[0]!;
        const firstCall = await callSince(sentAt, 20);

        // A subscriber on a surviving replica, from the start, through the kill, to the end.
        const client = await cluster.ws(watcher.wsUrl, "alice");
        const live = readStream(
          client.iterate({ query: RUN_EVENTS, variables: { runId: run.id, after: 0 } }),
          "runEvents",
          { timeoutMs: 40_000 },
        );
        try {
          await victim.kill();
          const killedAt = victim.killedAt!;
          const tokensBeforeKill = firstCall.tokensSent;

          const ended = await waitForEnd(watcher, "alice", run.id, 30_000);
          const resumed = cluster.logs("agent_start").find((l) =>
            l.entry.run_id === run.id && l.replica !== victim.name
          );
          const story = `killed ${victim.name} after ${tokensBeforeKill} tokens; run ended ` +
            `${ended.status} (${ended.error ?? "no error"}) ${
              Date.parse(ended.endedAt) - killedAt
            } ms after the kill; resumed on ${resumed?.replica ?? "no replica"}`;
          console.log(`kill -9 → ${story}`);
          assert.equal(ended.status, "SUCCESS", story);
          assert.ok(resumed, `another replica logged agent_start for the run: ${story}`);
          assert.ok(
            Number(resumed.entry.attempt) >= 2,
            `the resumed attempt is numbered: ${JSON.stringify(resumed.entry)}`,
          );

          const read = await live;
          const whole = describeStream(read);
          assert.deepEqual(sequenceProblems(read.events), [], whole);
          assert.equal(read.events.at(-1)?.status, "SUCCESS", whole);
          assert.equal(ended.lastSequence, read.events.at(-1)?.sequence, whole);
          // Tokens, by model call: the killed call's are a prefix of what the
          // mock sent, the resumed call's are the whole reply, nothing repeats.
          const byCall = new Map<string, string[]>();
          for (const event of read.events) {
            if (event.__typename !== "TokenEvent") continue;
            byCall.set(event.messageId, [...(byCall.get(event.messageId) ?? []), event.text]);
          }
          const killedTokens = byCall.get(firstCall.id) ?? [];
          assert.deepEqual(killedTokens, mockTokens(LONG_TOKENS).slice(0, killedTokens.length));
          const resumedCalls = [...byCall.keys()].filter((id) => id !== firstCall.id);
          assert.equal(resumedCalls.length, 1, `one resumed model call: ${[...byCall.keys()]}`);
          assert.deepEqual(byCall.get(resumedCalls[0]!), mockTokens(REPLY_TOKENS));

          // The same events, replayed from the start on the other survivor.
          const other = survivors[1]!;
          const replayClient = await cluster.sse(other.graphqlUrl, "alice");
          try {
            const replay = await readStream(
              replayClient.iterate({ query: RUN_EVENTS, variables: { runId: run.id, after: 0 } }),
              "runEvents",
              { timeoutMs: 10_000 },
            );
            assert.deepEqual(
              replay.events.map((e) => [e.sequence, e.__typename, e.text ?? e.status ?? null]),
              read.events.map((e) => [e.sequence, e.__typename, e.text ?? e.status ?? null]),
              `replay on ${other.name}: ${
                describeStream(replay)
              }; live on ${watcher.name}: ${whole}`,
            );
            const resumedAfter = await readStream(
              replayClient.iterate({ query: RUN_EVENTS, variables: { runId: run.id, after: 10 } }),
              "runEvents",
              { timeoutMs: 10_000 },
            );
            assert.deepEqual(
              resumedAfter.events.map((e) => e.id),
              read.events.slice(10).map((e) => e.id),
              `after 10 on ${other.name}: ${describeStream(resumedAfter)}`,
            );
          } finally {
            await replayClient.dispose();
          }

          // The checkpoints: the question once, one answer, and the thread still usable.
          const thread = (await other.gql("alice", THREAD_MESSAGES, { id: threadId })).thread;
          const conversation = thread.messages.map((m: { role: string; content: string }) =>
            `${m.role}:${m.content}`
          );
          assert.deepEqual(conversation, [
            "USER:Survive a crash",
            `ASSISTANT:${mockTokens(REPLY_TOKENS).join("")}`,
          ]);
          assert.equal(thread.status, "IDLE");
          const next = (await other.gql("alice", SEND_MESSAGE, {
            input: { threadId, content: "Still there?" },
          })).sendMessage;
          assert.equal((await waitForEnd(other, "alice", next.id, 15_000)).status, "SUCCESS");

          assert.deepEqual(doubleExecutions(cluster), []);
        } finally {
          await live;
          await client.dispose();
        }
      });

      await t.step(
        "killed on every attempt: the run ends ERROR with a reason after RUN_MAX_ATTEMPTS (2)",
        async () => {
          // A replacement for the replica killed above, so one is left after two more kills.
          await cluster.addReplica();
          const live = () => cluster.replicas.filter((r) => r.killedAt === undefined);
          const via = live()[0]!;
          mock.script(
            { kind: "text", tokens: LONG_TOKENS, tokenDelayMs: 20 },
            { kind: "text", tokens: LONG_TOKENS, tokenDelayMs: 20 },
          );
          const threadId = await createThread(via, "alice");
          const sentAt = Date.now();
          const run = (await via.gql("alice", SEND_MESSAGE, {
            input: { threadId, content: "Crash twice" },
          })).sendMessage;
          const first = await executorOf(cluster, run.id);
          await callSince(sentAt, 10);
          await first.kill();
          const second = await waitFor(
            () => {
              const start = cluster.logs("agent_start").find((l) =>
                l.entry.run_id === run.id && l.replica !== first.name
              );
              return start && cluster.replicas.find((r) => r.name === start.replica);
            },
            15_000,
            `another replica to re-claim the run after ${first.name} was killed`,
          );
          await callSince(first.killedAt!, 10);
          await second.kill();
          const last = live()[0]!;
          const ended = await waitForEnd(last, "alice", run.id, 20_000);
          assert.equal(ended.status, "ERROR", JSON.stringify(ended));
          assert.ok(typeof ended.error === "string" && ended.error.length > 0, "with a reason");
          const attempts = cluster.logs("agent_start").filter((l) => l.entry.run_id === run.id)
            .sort((x, y) => Date.parse(x.entry.timestamp) - Date.parse(y.entry.timestamp));
          assert.deepEqual(
            attempts.map((l) => l.replica),
            [first.name, second.name],
            "no third attempt",
          );
          const next = (await last.gql("alice", SEND_MESSAGE, {
            input: { threadId, content: "And now?" },
          })).sendMessage;
          assert.equal((await waitForEnd(last, "alice", next.id, 15_000)).status, "SUCCESS");
          const messages = (await last.gql("alice", THREAD_MESSAGES, { id: threadId })).thread
            .messages as { role: string; content: string }[];
          assert.equal(messages.filter((m) => m.content === "Crash twice").length, 1);
          assert.deepEqual(
            messages.slice(-2).map((m) => `${m.role}:${m.content}`),
            ["USER:And now?", `ASSISTANT:${mockTokens(REPLY_TOKENS).join("")}`],
          );
          assert.deepEqual(doubleExecutions(cluster), []);
        },
      );
    } finally {
      await cluster.close();
    }
  },
});
