/**
 * Issue 14: 300 concurrent streams spread over three replicas through the
 * round-robin proxy, half over graphql-ws and half over graphql-sse; half
 * start their run with `chat`, half with `sendMessage` and then
 * `runEvents(after: 0)` on a new connection (so, usually, another
 * replica). Every stream must carry exactly the tokens the mock sent for
 * its run, once each, in order, with contiguous sequences to a SUCCESS.
 */
import assert from "node:assert/strict";
import {
  CHAT,
  clusterServices,
  CREATE_THREAD,
  describeStream,
  doubleExecutions,
  mockTokens,
  readStream,
  RUN_EVENTS,
  SEND_MESSAGE,
  sequenceProblems,
  startCluster,
  type StreamRead,
  tokenTexts,
} from "../support/replicas.ts";
import { freshConnectionClient } from "../support/round_robin_proxy.ts";

const STREAMS = 300;
const TOKENS = 20;
const USERS = 10;

Deno.test({
  name: `scale-out: ${STREAMS} concurrent streams over three replicas lose and repeat no token`,
  ignore: clusterServices.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    assert.equal(clusterServices.reason, undefined, clusterServices.reason);
    const cluster = await startCluster({
      mock: { tokens: TOKENS, tokenDelayMs: 5 },
      env: { MAX_CONCURRENT_AGENTS: "30", DB_POOL_SIZE: "6" },
    });
    const proxy = cluster.balancer();
    const http = freshConnectionClient();
    const fetchFn = ((input: RequestInfo | URL, init?: RequestInit) =>
      fetch(input, { ...init, client: http })) as typeof fetch;
    const graphqlUrl = `${proxy.url}/graphql`;
    const wsUrl = `${proxy.url.replace("http", "ws")}/graphql`;
    const disposers: (() => unknown)[] = [];

    async function post(user: string, query: string, variables: Record<string, unknown> = {}) {
      const response = await fetchFn(graphqlUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${await cluster.token(user)}`,
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = await response.json();
      if (body.errors) {
        throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
      }
      return body.data;
    }

    async function subscribe(
      transport: "ws" | "sse",
      user: string,
      query: string,
      variables: Record<string, unknown>,
    ) {
      if (transport === "ws") {
        const client = await cluster.ws(wsUrl, user);
        disposers.push(() =>
          client.dispose()
        );
        return client.iterate({ query, variables });
      }
      const client = await cluster.sse(graphqlUrl, user, fetchFn);
      disposers.push(() => client.dispose());
      return client.iterate({ query, variables });
    }

    async function stream(index: number): Promise<StreamRead> {
      const user = `user${index % USERS}`;
      const transport = index % 2 === 0 ? "ws" : "sse";
      const threadId = (await post(user, CREATE_THREAD)).createThread.id;
      const content = `stream ${index}`;
      if (index % 4 < 2) {
        return readStream(
          await subscribe(transport, user, CHAT, { input: { threadId, content } }),
          "chat",
          { timeoutMs: 90_000 },
        );
      }
      const run = (await post(user, SEND_MESSAGE, { input: { threadId, content } })).sendMessage;
      return readStream(
        await subscribe(transport, user, RUN_EVENTS, { runId: run.id, after: 0 }),
        "runEvents",
        { timeoutMs: 90_000 },
      );
    }

    try {
      // The test process hosts the mock, the proxy and every client: if its own event loop
      // stalls, a failure may be the harness's, so the figure goes into the output.
      let maxLagMs = 0;
      let due = performance.now() + 100;
      const lagProbe = setInterval(() => {
        const now = performance.now();
        maxLagMs = Math.max(maxLagMs, now - due);
        due = now + 100;
      }, 100);
      const startedAt = performance.now();
      const reads = await Promise.all(Array.from({ length: STREAMS }, (_, i) => stream(i)));
      const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
      clearInterval(lagProbe);

      const chats = new Map(
        cluster.mock!.requests.filter((r) => r.path === "/v1/chat/completions").map((r) => [
          r.id,
          r,
        ]),
      );
      let lost = 0;
      let duplicated = 0;
      const broken: string[] = [];
      reads.forEach((read, index) => {
        const tokens = tokenTexts(read.events);
        const distinct = new Set(tokens).size;
        duplicated += tokens.length - distinct;
        lost += Math.max(0, TOKENS - distinct);
        const messageIds = new Set(
          read.events.filter((e) => e.__typename === "TokenEvent").map((e) => e.messageId),
        );
        const call = chats.get([...messageIds][0] as string);
        const problems = [
          ...sequenceProblems(read.events),
          ...(JSON.stringify(tokens) === JSON.stringify(mockTokens(TOKENS))
            ? []
            : [`tokens ${tokens.length}/${TOKENS}, ${distinct} distinct`]),
          ...(messageIds.size === 1 && call?.tokensSent === TOKENS && call.state === "completed"
            ? []
            : [`model calls ${[...messageIds]} (${call?.tokensSent} sent, ${call?.state})`]),
          ...(read.events.at(-1)?.status === "SUCCESS" ? [] : ["did not end SUCCESS"]),
        ];
        if (problems.length > 0) {
          broken.push(
            `#${index} (${index % 2 === 0 ? "ws" : "sse"}, ${
              index % 4 < 2 ? "chat" : "sendMessage+runEvents"
            }): ${problems.join("; ")} — ${describeStream(read)}`,
          );
        }
      });
      const unanswered = proxy.connections.filter((c) =>
        c.error || c.bytesFromTarget === 0 || !/^HTTP\/1\.1 (101|200)/.test(c.head)
      );
      if (unanswered.length > 0) {
        console.log(
          `connections the replicas never answered: ${
            JSON.stringify(unanswered.slice(0, 5))
          } (${unanswered.length} in all)`,
        );
      }
      console.log(
        `${STREAMS} streams in ${seconds} s; connections per replica ${proxy.countsByTarget()}; ` +
          `lost ${lost}, duplicated ${duplicated}, broken streams ${broken.length}; ` +
          `test process event-loop lag up to ${maxLagMs.toFixed(0)} ms`,
      );
      assert.deepEqual(
        { lost, duplicated, broken: broken.length },
        { lost: 0, duplicated: 0, broken: 0 },
        broken.slice(0, 5).join("\n"),
      );
      assert.equal(chats.size, STREAMS, "one model call per run");
      for (const [index, count] of proxy.countsByTarget().entries()) {
        assert.ok(count >= STREAMS / 3, `replica ${index} got ${count} connections`);
      }
      assert.deepEqual(doubleExecutions(cluster), []);
      assert.equal(cluster.logs("agent_start").length, STREAMS);
    } finally {
      await Promise.all(disposers.map((dispose) => Promise.resolve(dispose()).catch(() => {})));
      http.close();
      await cluster.close();
    }
  },
});
