/**
 * Token streaming end to end: N concurrent `chat` subscriptions, each a new
 * thread whose agent streams a 200-token reply from the mock OpenAI server
 * (5 ms between tokens, about what a hosted model streams at: 200 tokens/s),
 * through the real app served by Deno.serve on loopback, to the real
 * graphql-sse and graphql-ws clients.
 *
 * - TTFT: subscribe → first TokenEvent at the client.
 * - Added latency: client receive epoch ms minus the mock's emit epoch ms of
 *   the same token (matched by messageId = completion id and token index).
 * - Lost: tokens the mock emitted that the client did not get, in order.
 * - RSS: this process (app, mock and clients) sampled every 50 ms.
 * - Checkpoints: rows written per run (one per super-step) and pending writes.
 *
 * The app, the mock and the clients share one process and one event loop,
 * so the added latency includes the client's parsing and the mock's
 * pacing jitter: an upper bound of what the server adds.
 *
 * @module
 */
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/observability/logger.ts";
import { startMockOpenAI } from "../tests/support/mock_openai.ts";
import { createThrowawayDatabase, localPostgres } from "../tests/support/local_postgres.ts";

/** One row of the table. */
export interface StreamingRow {
  database: string;
  transport: "sse" | "ws";
  streams: number;
  ttftP50Ms: number;
  ttftP99Ms: number;
  addedP50Ms: number;
  addedP99Ms: number;
  tokensPerSecond: number;
  lostTokens: number;
  failedRuns: number;
  peakRssMb: number;
  checkpointsPerRun: number;
  writesPerRun: number;
}

const TOKENS = 200;
const TOKEN_DELAY_MS = 5;
const CHAT = `subscription($input: SendMessageInput!) { chat(input: $input) {
  __typename ... on TokenEvent { text messageId } ... on RunStatusEvent { status error } } }`;

const now = () => performance.timeOrigin + performance.now();

/** Streams per level; `BENCH_STREAMS=1,100` narrows them (`BENCH_DATABASES=postgres` the databases). */
function levels(): number[] {
  const raw = Deno.env.get("BENCH_STREAMS");
  return raw ? raw.split(",").map(Number) : [1, 100, 1000];
}

/** Runs every level on the local PostgreSQL (when up) and on embedded PGlite (up to 100). */
export async function benchStreaming(): Promise<StreamingRow[]> {
  const rows: StreamingRow[] = [];
  const only = Deno.env.get("BENCH_DATABASES")?.split(",");
  const postgres = await localPostgres();
  if (only && !only.includes("postgres")) {
    // skipped on request
  } else if (postgres.available) {
    const db = await createThrowawayDatabase();
    try {
      rows.push(...await benchDatabase("postgres", { DATABASE_URL: db.url }, levels()));
    } finally {
      await db.drop();
    }
  } else {
    console.error(`Local PostgreSQL skipped: ${postgres.reason}`);
  }
  if (only && !only.includes("embedded")) return rows;
  rows.push(
    ...await benchDatabase(
      "embedded",
      { PGLITE_DATA_DIR: "memory://" },
      levels().filter((n) => n <= 100),
    ),
  );
  return rows;
}

async function benchDatabase(
  database: string,
  env: Record<string, string>,
  streamLevels: number[],
): Promise<StreamingRow[]> {
  const mock = await startMockOpenAI({ tokens: TOKENS, tokenDelayMs: TOKEN_DELAY_MS });
  const config = loadConfig({
    ...env,
    ENVIRONMENT: "development",
    OPENAI_API_KEY: "sk-bench",
    OPENAI_BASE_URL: mock.url,
    MAX_CONCURRENT_AGENTS: "5000",
    RATE_LIMIT_ENABLED: "false",
    DB_POOL_SIZE: "20",
    LOG_LEVEL: "error",
  });
  const app = await createApp(config, {
    logger: createLogger({ level: "error", name: "bench", write: () => {} }),
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const base = `127.0.0.1:${server.addr.port}/graphql`;
  const rows: StreamingRow[] = [];
  try {
    for (const transport of ["sse", "ws"] as const) {
      for (const streams of streamLevels) {
        rows.push({
          database,
          ...await level(app.database.sql, mock, base, transport, streams),
        });
      }
    }
  } finally {
    app.drain();
    await server.shutdown();
    await app.close();
    await mock.close();
  }
  return rows;
}

type Sql = Awaited<ReturnType<typeof createApp>>["database"]["sql"];
type Mock = Awaited<ReturnType<typeof startMockOpenAI>>;

interface StreamResult {
  ttft: number;
  added: number[];
  received: number;
  lost: number;
  status: string;
}

async function level(
  sql: Sql,
  mock: Mock,
  base: string,
  transport: "sse" | "ws",
  streams: number,
): Promise<Omit<StreamingRow, "database">> {
  // Threads first, so the measured part is the chat itself.
  const threadIds: string[] = [];
  for (let i = 0; i < streams; i += 50) {
    const batch = Math.min(50, streams - i);
    threadIds.push(...await Promise.all(Array.from({ length: batch }, () => createThread(base))));
  }
  let peakRss = Deno.memoryUsage().rss;
  const sampler = setInterval(() => peakRss = Math.max(peakRss, Deno.memoryUsage().rss), 50);
  // One client per stream, as each chat front end has its own connection.
  const clients = threadIds.map(() =>
    transport === "ws"
      ? createWsClient({ url: `ws://${base}`, webSocketImpl: WebSocket, retryAttempts: 0 })
      : createSseClient({ url: `http://${base}`, retryAttempts: 0 })
  );
  const started = now();
  let results: StreamResult[];
  try {
    results = await Promise.all(threadIds.map((threadId, i) => {
      const iterable = clients[i]!.iterate({
        query: CHAT,
        variables: { input: { threadId, content: "Tell me a long story." } },
      }) as AsyncIterable<{ data?: { chat: Record<string, string> }; errors?: unknown }>;
      return consume(iterable, mock).catch((error): StreamResult => ({
        ttft: NaN,
        added: [],
        received: 0,
        lost: TOKENS,
        status: `transport error: ${error?.reason ?? error?.message ?? error}`,
      }));
    }));
  } finally {
    clearInterval(sampler);
    await Promise.all(clients.map((client) => client.dispose()));
  }
  const elapsedS = (now() - started) / 1000;
  const added = results.flatMap((r) => r.added).sort((a, b) => a - b);
  const ttft = results.map((r) => r.ttft).filter(Number.isFinite).sort((a, b) => a - b);
  const [counts] = await sql<{ checkpoints: number; writes: number }[]>`
    SELECT (SELECT count(*)::int FROM checkpoints WHERE thread_id = ANY(${threadIds})) AS checkpoints,
           (SELECT count(*)::int FROM checkpoint_writes WHERE thread_id = ANY(${threadIds})) AS writes`;
  const received = results.reduce((sum, r) => sum + r.received, 0);
  return {
    transport,
    streams,
    ttftP50Ms: round(quantile(ttft, 0.5)),
    ttftP99Ms: round(quantile(ttft, 0.99)),
    addedP50Ms: round(quantile(added, 0.5)),
    addedP99Ms: round(quantile(added, 0.99)),
    tokensPerSecond: Math.round(received / elapsedS),
    lostTokens: results.reduce((sum, r) => sum + r.lost, 0),
    failedRuns: results.filter((r) => r.status !== "SUCCESS").length,
    peakRssMb: Math.round(peakRss / 2 ** 20),
    checkpointsPerRun: round((counts?.checkpoints ?? 0) / streams),
    writesPerRun: round((counts?.writes ?? 0) / streams),
  };
}

/** Reads one chat stream; tokens are " t0" … " t199", so the text gives the index. */
async function consume(
  iterable: AsyncIterable<{ data?: { chat: Record<string, string> }; errors?: unknown }>,
  mock: Mock,
): Promise<StreamResult> {
  const subscribed = now();
  const result: StreamResult = { ttft: NaN, added: [], received: 0, lost: TOKENS, status: "none" };
  let expected = 0;
  const pending: [string, number, number][] = [];
  for await (const message of iterable) {
    const at = now();
    const event = message.data?.chat;
    if (event === undefined) {
      result.status = `errors ${JSON.stringify(message.errors)}`;
      break;
    }
    if (event.__typename === "TokenEvent") {
      if (result.received === 0) result.ttft = at - subscribed;
      result.received++;
      if (event.text === ` t${expected}`) expected++;
      pending.push([event.messageId ?? "", Number(event.text?.slice(2)), at]);
    } else if (event.__typename === "RunStatusEvent" && event.status !== "RUNNING") {
      result.status = event.status ?? "none";
      break;
    }
  }
  // Emit times are read after the stream, off the receive path.
  for (const [messageId, index, at] of pending) {
    const emitted = mock.emissions.get(messageId)?.[index];
    if (emitted !== undefined) result.added.push(at - emitted);
  }
  result.lost = TOKENS - expected;
  return result;
}

async function createThread(base: string): Promise<string> {
  const response = await fetch(`http://${base}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "mutation { createThread(input: {}) { id } }" }),
  });
  const body = await response.json();
  if (!body.data?.createThread) throw new Error(`createThread failed: ${JSON.stringify(body)}`);
  return body.data.createThread.id;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
