/**
 * Fault: subscribers that stop reading. A real server process streams one
 * long run (the mock OpenAI server sends its tokens as fast as it can) to
 * four WebSockets and one SSE stream written by hand on raw TCP sockets that
 * subscribe and then never read, and to a real graphql-ws and graphql-sse
 * client that read everything.
 *
 * - The server's RSS stays bounded: each stalled WebSocket is closed with
 *   4008 once SUBSCRIPTION_BUFFER_LIMIT_BYTES (1 MiB, the default) waits
 *   unsent, and the SSE stream is ended once it falls
 *   SUBSCRIPTION_LAG_LIMIT_EVENTS behind; the same scenario with both limits
 *   lifted grows RSS by the stalled sockets' backlog.
 * - Each stalled subscriber, reading again, gets what was queued and then a
 *   clear reason naming the sequence to resume after; resuming with `after`
 *   delivers the rest, every token once, in order, to SUCCESS.
 * - The reading clients get the whole run meanwhile.
 * - `graphmind_slow_subscribers_total` counts the closed subscribers.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { startMockOpenAI } from "../support/mock_openai.ts";
import { startServer } from "../support/server_process.ts";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";
import {
  chunkedEnded,
  endsWithClose,
  rawSse,
  rawWebSocket,
  sseMessages,
  wsFrames,
} from "../support/raw_stream.ts";
import {
  mockTokens,
  readStream,
  RUN_EVENTS,
  type RunEvent,
  sequenceProblems,
  tokenTexts,
} from "../support/replicas.ts";

const TOKENS = 6_000;
const STALLED_WEBSOCKETS = 4;
/** Aliases padding each event the stalled subscribers select (GRAPHQL_MAX_ALIASES is raised). */
const PADDING = 200;
const LAG_LIMIT = 500;
const MiB = 2 ** 20;

/**
 * What the stalled subscribers select: the run's events, each padded with
 * aliases to about 12 KB. The loopback socket's buffers take several MB of
 * a stalled reader's backlog before the server holds any, so large events
 * make the backlog the server would hold (without the limits) stand out
 * from the noise of RSS, for a modest number of tokens.
 */
const STALLED_QUERY = `subscription($runId: ID!, $after: Int) {
  runEvents(runId: $runId, after: $after) {
    __typename sequence ... on TokenEvent { text } ... on RunStatusEvent { status }
    ${Array.from({ length: PADDING }, (_, i) => `p${i}: id`).join(" ")} } }`;

/** RSS of a process, from /proc. */
async function rssBytes(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** The counter's value for `limit` on /metrics. */
async function slowClosed(url: string, limit: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = new RegExp(`graphmind_slow_subscribers_total\\{limit="${limit}"\\} (\\d+)`)
    .exec(text);
  return Number(match?.[1] ?? 0);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What one stalled-subscriber scenario saw. */
interface Scenario {
  baselineRss: number;
  peakRss: number;
  seconds: number;
}

async function scenario(
  env: Record<string, string>,
  check: (ctx: {
    url: string;
    runId: string;
    stalledWs: Awaited<ReturnType<typeof rawWebSocket>>[];
    stalledSse: Awaited<ReturnType<typeof rawSse>>;
  }) => Promise<void>,
): Promise<Scenario> {
  const mock = await startMockOpenAI({ tokens: TOKENS, firstTokenDelayMs: 1500 });
  // The local Postgres server, not embedded PGlite: PGlite's WASM memory grows with every
  // event logged and never shrinks, which would drown the figure measured here.
  const database = await createThrowawayDatabase();
  const server = await startServer({
    DATABASE_URL: database.url,
    DB_POOL_SIZE: "3",
    GRAPHQL_MAX_ALIASES: String(PADDING + 10),
    GRAPHQL_MAX_TOKENS: "10000",
    GRAPHQL_MAX_COST: "100000",
    OPENAI_API_KEY: "sk-mock",
    OPENAI_BASE_URL: mock.url,
    ENABLE_MEMORY: "false",
    ...env,
  }, { timeoutMs: 60_000 });
  const graphqlUrl = `${server.url}/graphql`;
  const wsUrl = graphqlUrl.replace("http", "ws");
  const closers: (() => unknown)[] = [];
  try {
    const post = async (query: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
      const body = await response.json();
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const threadId = (await post("mutation { createThread(input: {}) { id } }")).createThread.id;
    const baselineRss = await rssBytes(server.pid);
    const runId = (await post(
      "mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }",
      { input: { threadId, content: "Stream a lot" } },
    )).sendMessage.id;
    const variables = { runId, after: 0 };

    // Subscribers that stop reading once subscribed, before the first token.
    const stalledWs = await Promise.all(
      Array.from({ length: STALLED_WEBSOCKETS }, () =>
        rawWebSocket(wsUrl, [{
          id: "1",
          type: "subscribe",
          payload: { query: STALLED_QUERY, variables },
        }])),
    );
    const stalledSse = await rawSse(graphqlUrl, STALLED_QUERY, variables);
    closers.push(() => stalledWs.forEach((s) => s.close()), () => stalledSse.close());
    assert.match(stalledSse.head, /^HTTP\/1\.1 200/);

    // Subscribers that read everything, meanwhile.
    const ws = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const sse = createSseClient({ url: graphqlUrl, retryAttempts: 0 });
    closers.push(() => ws.dispose(), () => sse.dispose());
    let peakRss = baselineRss;
    const sampler = setInterval(async () => {
      peakRss = Math.max(peakRss, await rssBytes(server.pid).catch(() => 0));
    }, 100);
    closers.push(() => clearInterval(sampler));
    const startedAt = performance.now();
    const reads = await Promise.all([
      readStream(ws.iterate({ query: RUN_EVENTS, variables }), "runEvents", { timeoutMs: 80_000 }),
      readStream(sse.iterate({ query: RUN_EVENTS, variables }), "runEvents", {
        timeoutMs: 80_000,
      }),
    ]);
    const seconds = (performance.now() - startedAt) / 1000;
    for (const read of reads) {
      assert.deepEqual(sequenceProblems(read.events), [], read.error);
      assert.equal(read.events.at(-1)?.status, "SUCCESS");
      assert.deepEqual(tokenTexts(read.events), mockTokens(TOKENS));
    }
    peakRss = Math.max(peakRss, await rssBytes(server.pid));
    await check({ url: server.url, runId, stalledWs, stalledSse });
    return { baselineRss, peakRss, seconds };
  } finally {
    for (const close of closers) await Promise.resolve(close()).catch(() => {});
    await server.stop("SIGKILL");
    await mock.close();
    await database.drop();
  }
}

/** Resumes `runId` after `after` with the real graphql-sse client and returns the events. */
async function resume(url: string, runId: string, after: number): Promise<RunEvent[]> {
  const client = createSseClient({ url: `${url}/graphql`, retryAttempts: 0 });
  try {
    const read = await readStream(
      client.iterate({ query: RUN_EVENTS, variables: { runId, after } }),
      "runEvents",
      { timeoutMs: 30_000 },
    );
    assert.equal(read.error, undefined);
    return read.events;
  } finally {
    client.dispose();
  }
}

/** Every token once, in order, to SUCCESS: what was read before the end, then the resumed rest. */
function assertWhole(before: RunEvent[], rest: RunEvent[], what: string) {
  const all = [...before, ...rest];
  assert.deepEqual(sequenceProblems(all), [], what);
  assert.equal(all.at(-1)?.status, "SUCCESS", what);
  assert.deepEqual(tokenTexts(all), mockTokens(TOKENS), what);
}

const postgres = await localPostgres();

Deno.test({
  ignore: postgres.ignore,
  name: "fault: subscribers that stop reading are closed with a resume point; RSS stays bounded",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    assert.equal(postgres.reason, undefined, postgres.reason);
    let messageBytes = 0;
    const limited = await scenario(
      { SUBSCRIPTION_LAG_LIMIT_EVENTS: String(LAG_LIMIT) },
      async ({ url, runId, stalledWs, stalledSse }) => {
        await waitFor(
          "the stalled subscribers to be counted",
          async () =>
            await slowClosed(url, "buffer_bytes") === STALLED_WEBSOCKETS &&
            await slowClosed(url, "lag_events") === 1,
          10_000,
        );

        // The SSE reader reads again: what was queued, then the closing error.
        const sseBytes = await stalledSse.readUntil(chunkedEnded, 30_000);
        const { next, complete } = sseMessages(sseBytes);
        assert.ok(complete, "the SSE stream completes after its closing error");
        const last = next.at(-1) as { errors?: { extensions: Record<string, unknown> }[] };
        const error = last.errors?.[0];
        assert.equal(error?.extensions.code, "RATE_LIMITED", JSON.stringify(last));
        const sseEvents = next.slice(0, -1).map((r) =>
          (r as { data: { runEvents: RunEvent } }).data.runEvents
        );
        assert.equal(error?.extensions.resumeAfter, sseEvents.at(-1)?.sequence);
        assert.ok(sseEvents.length < TOKENS, "the SSE reader was ended before the run's end");
        assertWhole(
          sseEvents,
          await resume(url, runId, error!.extensions.resumeAfter as number),
          "SSE",
        );

        // A stalled WebSocket reads again: what was queued, then 4008 naming the resume point.
        const wsBytes = await stalledWs[0]!.readUntil(endsWithClose, 30_000);
        const frames = wsFrames(wsBytes);
        const close = frames.at(-1)?.close;
        assert.equal(close?.code, 4008, JSON.stringify(close));
        const wsEvents = frames.filter((f) => f.text?.includes('"type":"next"')).map((f) =>
          JSON.parse(f.text!).payload.data.runEvents as RunEvent
        );
        assert.equal(
          close?.reason,
          `Subscriber too slow: resume with after=${wsEvents.at(-1)?.sequence}`,
        );
        assertWhole(wsEvents, await resume(url, runId, wsEvents.at(-1)!.sequence), "WebSocket");
        const texts = frames.filter((f) => f.text?.includes('"type":"next"'));
        messageBytes = texts.reduce((sum, f) => sum + f.text!.length, 0) / texts.length;
      },
    );
    const unlimited = await scenario({
      SUBSCRIPTION_BUFFER_LIMIT_BYTES: String(2 ** 30),
      SUBSCRIPTION_LAG_LIMIT_EVENTS: String(10 ** 8),
    }, async ({ url }) => {
      assert.equal(await slowClosed(url, "buffer_bytes"), 0);
      assert.equal(await slowClosed(url, "lag_events"), 0);
    });
    const growth = (s: Scenario) => (s.peakRss - s.baselineRss) / MiB;
    console.log(
      `${TOKENS} tokens to ${STALLED_WEBSOCKETS} stalled WebSockets + 1 stalled SSE + 2 readers: ` +
        `RSS +${growth(limited).toFixed(0)} MiB (peak ${
          (limited.peakRss / MiB).toFixed(0)
        } MiB) with the limits, ` +
        `+${growth(unlimited).toFixed(0)} MiB (peak ${
          (unlimited.peakRss / MiB).toFixed(0)
        } MiB) without; ` +
        `the readers took ${limited.seconds.toFixed(1)} s and ${unlimited.seconds.toFixed(1)} s`,
    );
    // Without the limit each stalled WebSocket holds its whole backlog but what the
    // loopback socket took (up to 8 MiB, generously); half of that is a margin for noise.
    const backlogMiB = STALLED_WEBSOCKETS * (TOKENS * messageBytes / MiB - 8);
    console.log(
      `messages of ${messageBytes.toFixed(0)} bytes: backlog about ${backlogMiB.toFixed(0)} MiB`,
    );
    assert.ok(
      growth(unlimited) - growth(limited) > backlogMiB / 2,
      `the limits bound RSS: +${growth(limited).toFixed(0)} MiB with, +${
        growth(unlimited).toFixed(0)
      } MiB without`,
    );
  },
});
