/**
 * Issue 14, "any replica serves any run, any stream and any cancel": three
 * real server processes on one Postgres database (Redis through the proxy)
 * and the mock OpenAI server. Each step names the replicas it uses; the
 * replica that executes a run is read from its `agent_start` log line, so
 * "another replica" means one that is not executing it. The first three
 * steps check the harness itself and pass on any main.
 */
import assert from "node:assert/strict";
import {
  CANCEL_RUN,
  CHAT,
  type Cluster,
  clusterServices,
  createThread,
  describeStream,
  doubleExecutions,
  executorOf,
  mockTokens,
  readStream,
  type Replica,
  RUN,
  RUN_EVENTS,
  type RunEvent,
  SEND_MESSAGE,
  sequenceProblems,
  startCluster,
  THREAD_MESSAGES,
  tokenTexts,
  waitFor,
  waitForEnd,
  waitForRun,
} from "../support/replicas.ts";
import { freshConnectionClient } from "../support/round_robin_proxy.ts";
import type { MockRequest } from "../support/mock_openai.ts";

/** Tokens in an unscripted mock reply. */
const REPLY_TOKENS = 20;

Deno.test({
  name: "scale-out: runs, streams, cancels, multitask strategies and status across replicas",
  ignore: clusterServices.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    assert.equal(clusterServices.reason, undefined, clusterServices.reason);
    const cluster = await startCluster({
      mock: { tokens: REPLY_TOKENS, tokenDelayMs: 2 },
      // Six slots across three replicas, so the queue step can fill them.
      env: { MAX_CONCURRENT_AGENTS: "2" },
    });
    const mock = cluster.mock!;
    const [a, b, c] = cluster.replicas as [Replica, Replica, Replica];
    const others = (...not: Replica[]) => cluster.replicas.filter((r) => !not.includes(r));
    /** The chat request the mock received at or after `since` (epoch ms). */
    const chatSince = (since: number) =>
      waitFor(
        () =>
          mock.requests.find((r) =>
            r.path === "/v1/chat/completions" && r.receivedAt >= since && r.tokensSent >= 3
          ),
        10_000,
        "the model request to stream 3 tokens",
      );
    try {
      await t.step("harness: every replica is ready on the shared Postgres and Redis", async () => {
        for (const replica of cluster.replicas) {
          const response = await fetch(`${replica.url}/health/ready`);
          const body = await response.json();
          assert.equal(response.status, 200, `${replica.name}: ${JSON.stringify(body)}`);
          const modes = body.checks.map((c: { name: string; mode: string }) =>
            `${c.name}:${c.mode}`
          );
          assert.deepEqual(modes.slice(0, 2), ["database:server", "cache:upstash"]);
        }
        const id = await createThread(a, "alice");
        const seen = await b.gql("alice", "query($id: ID!) { thread(id: $id) { id } }", { id });
        assert.equal(seen.thread.id, id, "B reads what A wrote: one database");
        const hidden = await c.request("bob", "query($id: ID!) { thread(id: $id) { id } }", {
          id,
        });
        assert.equal(hidden.errors?.[0]?.extensions?.code, "NOT_FOUND", "bob is another user");
        const anonymous = await fetch(a.graphqlUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ viewer { id } }" }),
        });
        const refused = await anonymous.json();
        assert.equal(refused.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
      });

      await t.step("harness: the proxy hands out connections in turn, or where told", async () => {
        const proxy = cluster.balancer();
        const client = freshConnectionClient();
        try {
          for (let i = 0; i < 6; i++) {
            const response = await fetch(`${proxy.url}/health`, { client });
            assert.equal(response.status, 200);
            await response.body?.cancel();
          }
          assert.deepEqual(proxy.countsByTarget(), [2, 2, 2]);
          proxy.routeNextTo(2);
          const response = await fetch(`${proxy.url}/health`, { client });
          await response.body?.cancel();
          assert.equal(proxy.connections.at(-1)?.target, 2);
        } finally {
          client.close();
          await proxy.close();
        }
      });

      await t.step("harness: cut() drops a live subscription through the proxy", async () => {
        const proxy = cluster.balancer();
        const client = await cluster.ws(`${proxy.url.replace("http", "ws")}/graphql`, "alice");
        try {
          let received = 0;
          const reading = readStream(
            client.iterate({
              query: "subscription { heartbeat(count: 1000, intervalMs: 20) { sequence } }",
            }),
            "heartbeat",
            { timeoutMs: 10_000, onEvent: () => received++ },
          );
          await waitFor(() => received >= 3, 5000, "three heartbeats through the proxy");
          assert.equal(proxy.cut(), 1);
          const read = await reading;
          assert.notEqual(read.ended, "timeout", describeStream(read));
          assert.ok(read.error !== undefined, describeStream(read));
          assert.equal(proxy.connections[0]?.cut, true);
        } finally {
          await client.dispose();
          await proxy.close();
        }
      });

      await t.step("sendMessage through A, runEvents through B, cancelRun through C", async () => {
        mock.script({ kind: "text", tokens: 300, tokenDelayMs: 20 });
        const threadId = await createThread(a, "alice");
        const sentAt = Date.now();
        const run = (await a.gql("alice", SEND_MESSAGE, {
          input: { threadId, content: "Tell me a long story" },
        })).sendMessage;
        assert.ok(["PENDING", "RUNNING"].includes(run.status), run.status);
        const executor = await executorOf(cluster, run.id);
        const [subscriberReplica, cancelReplica] = others(executor) as [Replica, Replica];
        const request = await chatSince(sentAt);
        const client = await cluster.sse(subscriberReplica.graphqlUrl, "alice");
        let tokensSeen = 0;
        const reading = readStream(
          client.iterate({ query: RUN_EVENTS, variables: { runId: run.id, after: 0 } }),
          "runEvents",
          {
            timeoutMs: 20_000,
            onEvent: (event) => event.__typename === "TokenEvent" && tokensSeen++,
          },
        );
        try {
          await waitFor(
            () => tokensSeen >= 5,
            5000,
            () =>
              `runEvents on ${subscriberReplica.name} to deliver live tokens of the run executing ` +
              `on ${executor.name} (it has ${tokensSeen}; the model has sent ${request.tokensSent})`,
          );
          const cancelStarted = Date.now();
          const answer = await cancelReplica.request("alice", CANCEL_RUN, {
            input: { runId: run.id, action: "INTERRUPT" },
          });
          assert.equal(
            answer.errors,
            undefined,
            `cancelRun through ${cancelReplica.name}: ${JSON.stringify(answer.errors)}`,
          );
          assert.equal(answer.data?.cancelRun.status, "CANCELLED");
          const stopped = await waitFor(
            () => request.state !== "open" && request,
            1000,
            () => `the model request to be aborted within 1 s (still ${request.state})`,
          );
          assert.equal(stopped.state, "disconnected", "the provider saw the request aborted");
          assert.ok(stopped.disconnectedAt! - cancelStarted <= 1000);
          const read = await reading;
          assert.deepEqual(sequenceProblems(read.events), [], describeStream(read));
          assert.equal(read.events.at(-1)?.status, "CANCELLED", describeStream(read));
          const tokens = tokenTexts(read.events);
          assert.deepEqual(tokens, mockTokens(300).slice(0, tokens.length), "in order, once each");
          assert.ok(tokens.length <= stopped.tokensSent, "no token after the abort");
          for (const replica of cluster.replicas) {
            const seen = (await replica.gql("alice", RUN, { id: run.id })).run;
            assert.equal(seen.status, "CANCELLED", `${replica.name}: ${JSON.stringify(seen)}`);
            assert.equal(seen.lastSequence, read.events.at(-1)?.sequence, replica.name);
          }
        } finally {
          await cancelAnywhere(cluster, run.id);
          await reading;
          await client.dispose();
        }
      });

      for (const [firstTransport, secondTransport] of [["ws", "sse"], ["sse", "ws"]] as const) {
        await t.step(
          `a ${firstTransport} chat dropped mid-stream resumes over ${secondTransport} on another ` +
            "replica with `after`: every token once, in order",
          async () => {
            const proxy = cluster.balancer();
            const http = freshConnectionClient();
            const fetchFn = ((input: RequestInfo | URL, init?: RequestInit) =>
              fetch(input, { ...init, client: http })) as typeof fetch;
            const subscribe = async (
              transport: "ws" | "sse",
              query: string,
              variables: Record<string, unknown>,
            ) => {
              if (transport === "ws") {
                const client = await cluster.ws(
                  `${proxy.url.replace("http", "ws")}/graphql`,
                  "alice",
                );
                return {
                  iterable: client.iterate({ query, variables }),
                  dispose: () =>
                    client.dispose(),
                };
              }
              const client = await cluster.sse(`${proxy.url}/graphql`, "alice", fetchFn);
              return {
                iterable: client.iterate({ query, variables }),
                dispose: () => client.dispose(),
              };
            };
            mock.script({ kind: "text", tokens: 60, tokenDelayMs: 25 });
            const threadId = await createThread(a, "alice");
            let tokensSeen = 0;
            const first = await subscribe(firstTransport, CHAT, {
              input: { threadId, content: "Count to sixty" },
            });
            const firstReading = readStream(first.iterable, "chat", {
              timeoutMs: 20_000,
              onEvent: (event) => event.__typename === "TokenEvent" && tokensSeen++,
            });
            let runId: string | undefined;
            const seconds: { dispose(): unknown }[] = [];
            try {
              await waitFor(() => tokensSeen >= 10, 10_000, "ten tokens of the chat");
              const firstTarget = proxy.connections.at(-1)!.target;
              assert.ok(proxy.cut() >= 1, "the proxy dropped the stream's connection");
              const firstRead = await firstReading;
              assert.notEqual(firstRead.ended, "timeout", describeStream(firstRead));
              runId = firstRead.events[0]!.runId as string;
              const after = firstRead.events.at(-1)!.sequence;
              const secondTarget = (firstTarget + 1) % cluster.replicas.length;
              proxy.routeNextTo(secondTarget);
              const second = await subscribe(secondTransport, RUN_EVENTS, { runId, after });
              seconds.push(second);
              const secondRead = await readStream(second.iterable, "runEvents", {
                timeoutMs: 15_000,
              });
              assert.equal(proxy.connections.at(-1)?.target, secondTarget);
              const all = [...firstRead.events, ...secondRead.events];
              const story = `first on ${cluster.replicas[firstTarget]!.name}: ${
                describeStream(firstRead)
              }; then after ${after} on ${cluster.replicas[secondTarget]!.name}: ${
                describeStream(secondRead)
              }`;
              assert.deepEqual(sequenceProblems(all), [], story);
              assert.deepEqual(tokenTexts(all), mockTokens(60), story);
              assert.equal(all.at(-1)?.status, "SUCCESS", story);
            } finally {
              if (runId !== undefined) await cancelAnywhere(cluster, runId);
              await firstReading;
              await first.dispose();
              for (const second of seconds) await second.dispose();
              http.close();
              await proxy.close();
            }
          },
        );
      }

      for (const strategy of ["ENQUEUE", "INTERRUPT", "ROLLBACK"] as const) {
        await t.step(
          `${strategy} sent through a replica that is not executing the thread's run`,
          async () => {
            mock.script({ kind: "text", tokens: 100, tokenDelayMs: 20 });
            const threadId = await createThread(a, "alice");
            const sentAt = Date.now();
            const first = (await a.gql("alice", SEND_MESSAGE, {
              input: { threadId, content: `first (${strategy})` },
            })).sendMessage;
            const executor = await executorOf(cluster, first.id);
            const firstRequest = await chatSince(sentAt);
            const via = others(executor)[0]!;
            let secondId: string | undefined;
            try {
              const answer = await via.request("alice", SEND_MESSAGE, {
                input: { threadId, content: `second (${strategy})`, multitaskStrategy: strategy },
              });
              assert.equal(
                answer.errors,
                undefined,
                `${strategy} through ${via.name} while ${executor.name} runs the thread: ${
                  JSON.stringify(answer.errors)
                }`,
              );
              secondId = answer.data!.sendMessage.id as string;
              const second = await waitForEnd(via, "alice", secondId, 20_000);
              const firstEnd = await waitForEnd(via, "alice", first.id, 5000);
              assert.equal(second.status, "SUCCESS", JSON.stringify(second));
              const messages = (await via.gql("alice", THREAD_MESSAGES, { id: threadId })).thread
                .messages as { role: string; content: string }[];
              const conversation = messages.map((m) => `${m.role}:${m.content}`);
              const reply = mockTokens(REPLY_TOKENS).join("");
              if (strategy === "ENQUEUE") {
                assert.equal(firstEnd.status, "SUCCESS", JSON.stringify(firstEnd));
                assert.ok(
                  Date.parse(second.startedAt) >= Date.parse(firstEnd.endedAt),
                  "the queued run started after the first ended",
                );
                assert.deepEqual(conversation, [
                  `USER:first (${strategy})`,
                  `ASSISTANT:${mockTokens(100).join("")}`,
                  `USER:second (${strategy})`,
                  `ASSISTANT:${reply}`,
                ]);
                return;
              }
              assert.equal(firstEnd.status, "CANCELLED", JSON.stringify(firstEnd));
              assert.equal(firstRequest.state, "disconnected", "the first model call was aborted");
              assert.ok(firstRequest.tokensSent < 100, "the first reply was cut short");
              assert.deepEqual(conversation.slice(-2), [
                `USER:second (${strategy})`,
                `ASSISTANT:${reply}`,
              ]);
              const firsts = conversation.filter((m) => m === `USER:first (${strategy})`);
              // ROLLBACK restores the thread to before the first run; INTERRUPT keeps its input.
              assert.equal(
                firsts.length,
                strategy === "ROLLBACK" ? 0 : 1,
                conversation.join(" | "),
              );
            } finally {
              await cancelAnywhere(cluster, first.id);
              if (secondId !== undefined) await cancelAnywhere(cluster, secondId);
            }
          },
        );
      }

      await t.step(
        "projectStatusChanged raised through A reaches subscribers on B and C",
        async () => {
          const CHANGED = `subscription { projectStatusChanged(initial: true) {
          planId inProgressTasks } }`;
          const wsClient = await cluster.ws(b.wsUrl, "bob");
          const sseClient = await cluster.sse(c.graphqlUrl, "bob");
          const reads: Promise<{ events: RunEvent[]; ended: string }>[] = [];
          const initial = { b: -1, c: -1 };
          try {
            for (const [name, client] of [["b", wsClient], ["c", sseClient]] as const) {
              reads.push(
                readStream(client.iterate({ query: CHANGED }), "projectStatusChanged", {
                  timeoutMs: 15_000,
                  onEvent: (event, events) => {
                    if (events.length === 1) initial[name] = event.inProgressTasks;
                  },
                  stop: (events) => events.length >= 2,
                }),
              );
            }
            await waitFor(() => initial.b >= 0 && initial.c >= 0, 10_000, "the initial statuses");
            await a.gql(
              "admin",
              "mutation ($i: UpdateTaskStatusInput!) { updateTaskStatus(input: $i) { id status } }",
              { i: { taskId: "arch_001", status: "IN_PROGRESS" } },
            );
            const [onB, onC] = await Promise.all(reads);
            for (const [name, read] of [["B", onB!], ["C", onC!]] as const) {
              assert.equal(
                read.events.length,
                2,
                `${name} heard ${read.events.length - 1} changes made through A (${read.ended})`,
              );
              assert.equal(read.events[1]!.planId, "default");
              assert.equal(read.events[1]!.inProgressTasks, read.events[0]!.inProgressTasks + 1);
            }
          } finally {
            await Promise.all(reads);
            await wsClient.dispose();
            await sseClient.dispose();
          }
        },
      );

      await t.step(
        "a run waiting for a worker reports its queue position, on every replica",
        async () => {
          const POSITION = `query($id: ID!) { run(id: $id) { id status queuePosition } }`;
          const SEND = `mutation($input: SendMessageInput!) {
          sendMessage(input: $input) { id status queuePosition } }`;
          const running: string[] = [];
          const waiting: string[] = [];
          try {
            // Seven: the six that fill every slot, and the first waiting run,
            // which must hold the slot it gets (a default 20-token reply ends
            // in milliseconds and lets the second waiting run in).
            mock.script(
              ...Array.from({ length: 7 }, () => ({
                kind: "text" as const,
                // A minute each: they must outlast the step on a loaded machine.
                tokens: 1000,
                tokenDelayMs: 60,
              })),
            );
            const sentAt = Date.now();
            for (const replica of [a, b, c, a, b, c]) {
              const threadId = await createThread(replica, "alice");
              running.push(
                (await replica.gql("alice", SEND_MESSAGE, {
                  input: { threadId, content: "keep a slot busy" },
                })).sendMessage.id,
              );
            }
            await waitFor(
              () =>
                mock.requests.filter((r: MockRequest) =>
                  r.path === "/v1/chat/completions" && r.receivedAt >= sentAt && r.state === "open"
                ).length === 6,
              15_000,
              "six model calls streaming at once (every slot busy)",
            );
            const seventh = (await a.gql("alice", SEND, {
              input: { threadId: await createThread(a, "alice"), content: "wait for a slot" },
            })).sendMessage;
            waiting.push(seventh.id);
            const eighth = (await b.gql("alice", SEND, {
              input: { threadId: await createThread(b, "alice"), content: "wait too" },
            })).sendMessage;
            waiting.push(eighth.id);
            assert.deepEqual([seventh.status, seventh.queuePosition], ["PENDING", 1]);
            assert.deepEqual([eighth.status, eighth.queuePosition], ["PENDING", 2]);
            for (const replica of cluster.replicas) {
              const seen = (await replica.gql("alice", POSITION, { id: eighth.id })).run;
              assert.equal(seen.queuePosition, 2, `${replica.name}: ${JSON.stringify(seen)}`);
            }
            const client = await cluster.ws(c.wsUrl, "alice");
            try {
              const read = await readStream(
                client.iterate({
                  query: `subscription($runId: ID!) { runEvents(runId: $runId, after: 0) {
                  __typename sequence ... on RunStatusEvent { status queuePosition } } }`,
                  variables: { runId: eighth.id },
                }),
                "runEvents",
                { timeoutMs: 5000, stop: (events) => events.length >= 1 },
              );
              assert.deepEqual(
                read.events[0] && [read.events[0].status, read.events[0].queuePosition],
                ["PENDING", 2],
                describeStream(read),
              );
            } finally {
              await client.dispose();
            }
            await cancelAnywhere(cluster, running.shift()!);
            const started = await waitForRun(
              c,
              "alice",
              seventh.id,
              (run) => run.status === "RUNNING",
              5000,
            );
            assert.equal(
              (await c.gql("alice", POSITION, { id: started.id })).run.queuePosition,
              null,
            );
            const moved = (await c.gql("alice", POSITION, { id: eighth.id })).run;
            // When this fails, which runs hold the slots and which replies the model sent say
            // how a second slot came free.
            const explain = async () =>
              JSON.stringify({
                runs: await Promise.all(
                  [...running, ...waiting].map(async (id) =>
                    (await c.gql("alice", POSITION, { id })).run
                  ),
                ),
                modelCalls: mock.requests
                  .filter((r: MockRequest) => r.path === "/v1/chat/completions")
                  .slice(-10)
                  .map((r: MockRequest) => ({
                    reply: r.reply,
                    state: r.state,
                    sent: r.tokensSent,
                  })),
              });
            if (moved.status !== "PENDING" || moved.queuePosition !== 1) {
              assert.fail(
                `the second waiting run moved: ${JSON.stringify(moved)}; ${await explain()}`,
              );
            }
            // The first waiting run took the seventh long reply, so no script is
            // left over for a later step.
            await waitFor(() => mock.pendingScripts() === 0, 10_000, "the seventh model call");
          } finally {
            for (const id of [...waiting, ...running]) await cancelAnywhere(cluster, id);
          }
        },
      );

      await t.step("no run was executed by two replicas", () => {
        assert.deepEqual(doubleExecutions(cluster), []);
        assert.ok(cluster.logs("agent_start").length >= 10, "the steps above ran runs");
      });
    } finally {
      await cluster.close();
    }
  },
});

/**
 * Cancels a run through whichever replica accepts (today only the one
 * executing it does), so a failed step leaves nothing streaming.
 */
async function cancelAnywhere(cluster: Cluster, runId: string): Promise<void> {
  for (const replica of cluster.replicas) {
    if (replica.killedAt !== undefined) continue;
    const answer = await replica.request("alice", CANCEL_RUN, {
      input: { runId, action: "INTERRUPT" },
    }).catch(() => undefined);
    if (answer?.data?.cancelRun) return;
  }
}
