/**
 * Issue 15, fault 2: Redis stops and starts while runs stream and memories
 * are read. A server process runs on a throwaway database on the local
 * PostgreSQL, with Upstash through the proxy in front of a redis-server of
 * this test's own (so stopping it touches nothing shared), and the mock
 * OpenAI server pacing tokens.
 *
 * Checked, as the README documents it: streams go on (the fan-out is
 * Postgres', Redis carries none of a run); memory reads fall back to the
 * database and writes still land ("a cache outage falls back to the
 * database"); rate limiting fails open, letting requests through and
 * counting `cache_errors_total{operation="rate_limit"}` (rate_limiter.ts);
 * `/health/ready` is 503 while the cache is down and 200 after; nothing is
 * lost; and once Redis is back the limits bite again with no restart. A
 * Redis that hangs instead (SIGSTOP) slows requests by a bounded time
 * (the cache's request deadline), and never blocks them.
 */
import assert from "node:assert/strict";
import { signJwt } from "../../src/auth/jwt.ts";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";
import { startMockOpenAI } from "../support/mock_openai.ts";
import { serveProxy } from "../support/redis_proxy.ts";
import {
  describeStream,
  isTerminal,
  mockTokens,
  readStream,
  RUN_EVENTS,
  tokenTexts,
  waitFor,
} from "../support/replicas.ts";
import { startServer } from "../support/server_process.ts";
import { startThrowawayRedis, throwawayRedisUnavailable } from "../support/throwaway_redis.ts";
import {
  codes,
  dumpLogs,
  figure,
  gql,
  metric,
  readiness,
  request,
  since,
  skipUnless,
  stopServer,
  waitUntilNotReady,
  wsClient,
} from "./harness.ts";

const postgresProbe = await localPostgres();
const unavailable = await throwawayRedisUnavailable() ?? postgresProbe.reason;

const SECRET = "redis-outage-test-secret-0123456789";
const BURST = 10;
const CREATE_THREAD = `mutation { createThread(input: {}) { id } }`;
const SEND = `mutation($threadId: ID!, $content: String!) {
  sendMessage(input: {threadId: $threadId, content: $content}) { id } }`;
const RUN = `query($id: ID!) { run(id: $id) { id status error } }`;
const PUT_MEMORY = `mutation($key: String!, $content: String!) {
  putMemory(input: {namespace: ["faults"], key: $key, value: {content: $content}}) { key } }`;
const MEMORY = `query($key: String!) { memory(namespace: ["faults"], key: $key) { value } }`;
const SEARCH = `query { searchMemories(input: {namespacePrefix: ["faults"], query: "tea"}) {
  memory { key value } score } }`;
const VIEWER = `{ viewer { id } }`;
/** Tokens of the run that streams through the outage (25 ms apart). */
const LONG_TOKENS = 100;

Deno.test({
  name: "faults: Redis stopped and started during streaming and memory reads",
  ignore: skipUnless("Redis outage", unavailable),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    assert.equal(unavailable, undefined, unavailable);
    const redis = await startThrowawayRedis();
    const proxy = serveProxy({ redisPort: redis.port });
    const mock = await startMockOpenAI({ tokens: 6 });
    const database = await createThrowawayDatabase();
    const ws: ReturnType<typeof wsClient>[] = [];
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      server = await startServer({
        ENVIRONMENT: "staging",
        SECRET_KEY: SECRET,
        DATABASE_URL: database.url,
        DB_POOL_SIZE: "3",
        UPSTASH_REDIS_REST_URL: proxy.url,
        UPSTASH_REDIS_REST_TOKEN: proxy.token,
        OPENAI_API_KEY: "sk-mock",
        OPENAI_BASE_URL: mock.url,
        MEMORY_REFLECTION_DELAY_MS: "600000",
        // Real limits: a burst of BURST, refilled at one a second; every user has their own.
        REQUESTS_PER_MINUTE: "60",
        REQUESTS_PER_HOUR: "100000",
        BURST_SIZE: String(BURST),
        // A loaded CI machine can take over the default 1 s for a healthy
        // check, and a late check fails open. A hung Redis holds each request
        // this long, then the cache's 2 s: the SIGSTOP step's bound counts both.
        RATE_LIMIT_REDIS_TIMEOUT_MS: "3000",
      }, { timeoutMs: 60_000 });
      const url = server.url;
      const alice = await signJwt({ sub: "alice" }, SECRET, { expiresInSeconds: 3600 });
      const as = (user: string) => signJwt({ sub: user }, SECRET, { expiresInSeconds: 3600 });
      const figures: Record<string, unknown> = {};

      /** Twice the burst at once from a fresh user: how many were refused. */
      const hammer = async (user: string): Promise<{ refused: number; other: unknown[] }> => {
        const token = await as(user);
        const answers = await Promise.all(
          Array.from({ length: BURST * 2 }, () => request(url, VIEWER, {}, { token })),
        );
        const refused = answers.filter((a) => codes(a).includes("RATE_LIMITED"));
        for (const answer of refused) {
          assert.equal(answer.status, 429);
          assert.ok(Number(answer.errors?.[0]?.extensions?.retryAfter) >= 1);
        }
        const other = answers.flatMap(codes).filter((c) => c !== "RATE_LIMITED");
        return { refused: refused.length, other };
      };

      // Before: the limits bite, memories are written and read (and so cached).
      const before = await hammer("hammer-before");
      assert.ok(before.refused >= BURST / 2, `refused ${before.refused} of ${BURST * 2}`);
      assert.deepEqual(before.other, []);
      for (const [key, content] of [["drink", "likes tea"], ["food", "likes rice"]]) {
        await gql(url, PUT_MEMORY, { key, content }, alice);
        assert.equal((await gql(url, MEMORY, { key }, alice)).memory.value.content, content);
      }
      assert.ok((await gql(url, SEARCH, {}, alice)).searchMemories.length === 2);

      // A run streaming slowly through the outage, followed over WebSocket.
      mock.script({ kind: "text", tokens: LONG_TOKENS, tokenDelayMs: 25 });
      const threadId = (await gql(url, CREATE_THREAD, {}, alice)).createThread.id;
      const longRun = (await gql(url, SEND, { threadId, content: "talk" }, alice)).sendMessage.id;
      const client = wsClient(url, alice);
      ws.push(client);
      let tokensAtStop = -1;
      const streamed = readStream(
        client.iterate({ query: RUN_EVENTS, variables: { runId: longRun, after: 0 } }),
        "runEvents",
        { timeoutMs: 40_000 },
      );
      await waitFor(
        () =>
          mock.requests.some((r) =>
            r.path === "/v1/chat/completions" && r.reply === "text" && r.tokensSent >= 10
          ),
        20_000,
        "the long run to stream 10 tokens",
      );
      const rateLimitErrors = await metric(url, "cache_errors_total", { operation: "rate_limit" });
      const cacheErrors = await metric(url, "cache_errors_total");

      let downAt = 0;
      let upAt = 0;
      await t.step("while Redis is down", async () => {
        downAt = performance.now();
        tokensAtStop = mock.requests.find((r) => r.reply === "text" && r.tokensSent > 0)!
          .tokensSent;
        await redis.stop();
        try {
          const cache = await waitUntilNotReady(url, "cache");
          figures.readyDownAfterMs = since(downAt);
          figures.readyClass = cache.errorClass;

          // Memory reads fall back to the database; writes still land.
          const readAt = performance.now();
          assert.equal(
            (await gql(url, MEMORY, { key: "drink" }, alice)).memory.value.content,
            "likes tea",
          );
          figures.memoryReadDuringOutageMs = since(readAt);
          await gql(url, PUT_MEMORY, { key: "drink", content: "likes green tea" }, alice);
          await gql(
            url,
            PUT_MEMORY,
            { key: "during", content: "written during the outage" },
            alice,
          );
          assert.equal(
            (await gql(url, MEMORY, { key: "drink" }, alice)).memory.value.content,
            "likes green tea",
          );
          const hits = (await gql(url, SEARCH, {}, alice)).searchMemories;
          assert.equal(hits.length, 3, JSON.stringify(hits));

          // Rate limiting fails open, as documented: nothing refused, every check counted.
          const during = await hammer("hammer-during");
          figures.refusedDuringOutage = during.refused;
          assert.equal(during.refused, 0);
          assert.deepEqual(during.other, []);

          // A run started during the outage streams to its end.
          const thread2 = (await gql(url, CREATE_THREAD, {}, alice)).createThread.id;
          const shortRun = (await gql(url, SEND, { threadId: thread2, content: "hi" }, alice))
            .sendMessage.id;
          const short = await readStream(
            (ws[ws.length] = wsClient(url, alice)).iterate({
              query: RUN_EVENTS,
              variables: { runId: shortRun, after: 0 },
            }),
            "runEvents",
            { timeoutMs: 20_000 },
          );
          assert.ok(isTerminal(short.events.at(-1)), describeStream(short));
          assert.equal(short.events.at(-1)!.status, "SUCCESS", describeStream(short));
          assert.deepEqual(tokenTexts(short.events), mockTokens(6));

          // The counters show the outage.
          const rateLimitDelta =
            await metric(url, "cache_errors_total", { operation: "rate_limit" }) -
            rateLimitErrors;
          const cacheDelta = await metric(url, "cache_errors_total") - cacheErrors;
          figures.cacheErrorsDuringOutage = cacheDelta;
          figures.rateLimitErrorsDuringOutage = rateLimitDelta;
          assert.ok(rateLimitDelta >= BURST * 2, `rate_limit errors +${rateLimitDelta}`);
          assert.ok(
            cacheDelta > rateLimitDelta,
            `memory cache errors: +${cacheDelta - rateLimitDelta}`,
          );
          assert.equal(await metric(url, "health_dependency_up", { dependency: "cache" }), 0);
          figures.tokensStreamedDuringOutage = mock.requests.find((r) => r.reply === "text")!
            .tokensSent - tokensAtStop;
        } finally {
          await redis.start();
          upAt = performance.now();
          figures.downMs = Math.round(upAt - downAt);
        }
      });

      await t.step("after: ready, limits bite again, nothing lost", async () => {
        await waitFor(async () => (await readiness(url)).status === 200, 20_000, "ready 200");
        figures.readyAgainAfterMs = since(upAt);
        const after = await waitFor(
          async () => {
            const result = await hammer(`hammer-after-${crypto.randomUUID()}`);
            return result.refused > 0 && result;
          },
          15_000,
          "the rate limits to refuse a burst again",
        );
        figures.limitsBackAfterMs = since(upAt);
        assert.deepEqual(after.other, []);

        const long = await streamed;
        assert.ok(isTerminal(long.events.at(-1)), describeStream(long));
        assert.equal(long.events.at(-1)!.status, "SUCCESS", describeStream(long));
        assert.deepEqual(tokenTexts(long.events), mockTokens(LONG_TOKENS), describeStream(long));
        const sequences = long.events.map((e) => e.sequence);
        assert.deepEqual(sequences, sequences.map((_, i) => i + 1), describeStream(long));
        assert.equal((await gql(url, RUN, { id: longRun }, alice)).run.status, "SUCCESS");

        for (
          const [key, content] of [
            ["drink", "likes green tea"],
            ["food", "likes rice"],
            ["during", "written during the outage"],
          ]
        ) {
          assert.equal((await gql(url, MEMORY, { key }, alice)).memory?.value?.content, content);
        }
        assert.equal((await gql(url, SEARCH, {}, alice)).searchMemories.length, 3);
        figures.tokensLost = 0;
        figures.memoriesLost = 0;
      });

      await t.step("a hung Redis (SIGSTOP) delays requests by a bounded time", async () => {
        redis.freeze();
        try {
          const timed = async (query: string, variables: Record<string, unknown>) => {
            const start = performance.now();
            const data = await gql(url, query, variables, alice);
            return { data, ms: since(start) };
          };
          const read = await timed(MEMORY, { key: "food" });
          assert.equal(read.data.memory.value.content, "likes rice");
          const write = await timed(PUT_MEMORY, { key: "food", content: "likes noodles" });
          const reread = await timed(MEMORY, { key: "food" });
          assert.equal(reread.data.memory.value.content, "likes noodles");
          figures.hungRedisMs = { read: read.ms, write: write.ms, reread: reread.ms };
          // The rate limit check (3 s here) and the cache's request deadline (2 s), with room for load;
          // before the deadline, these hung until the connection closed.
          for (const ms of [read.ms, write.ms, reread.ms]) assert.ok(ms < 10_000, `${ms} ms`);
        } finally {
          redis.thaw();
        }
        assert.equal(
          (await gql(url, MEMORY, { key: "food" }, alice)).memory.value.content,
          "likes noodles",
        );
        figure("redis outage", figures);
      });
    } finally {
      for (const client of ws) await client.dispose();
      if (server) {
        await stopServer(server);
        await dumpLogs("redis_outage", server);
      }
      await mock.close();
      await proxy.close();
      await redis.stop();
      await database.drop();
    }
  },
});
