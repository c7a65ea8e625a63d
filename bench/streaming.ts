/**
 * Token streaming end to end, Graphmind beside the bare stack: N concurrent
 * `chat` subscriptions, each a new thread whose agent streams a 200-token
 * reply from the mock OpenAI server, through the real server process, to the
 * real graphql-sse and graphql-ws clients, one connection per stream. The
 * same levels run against Graphmind (`deno task start`'s command line) and
 * against bench/baseline/server.ts (yoga + Pothos + LangGraph + ChatOpenAI
 * with no product features), each a process of its own with a fresh mock,
 * and a second table puts the two side by side.
 *
 * The servers run alone in their processes; the mock and the clients share
 * this one, so the servers' figures are not the benchmark's own CPU.
 *
 * - Pacing: 0 ms between tokens (the mock as fast as it goes: throughput and
 *   CPU per token) and 5 ms (200 tokens/s per stream: added transit). At a
 *   paced rate Graphmind runs with the production profile's cap
 *   (MAX_CONCURRENT_AGENTS=50), so past 50 streams runs queue and are told
 *   their position; unpaced, nothing queues. `BENCH_TOKEN_DELAYS_MS=20` narrows it.
 * - Warm-up: each server first runs 10 unrecorded streams per transport.
 * - A 1-stream level runs 10 chats one after another (medians over them).
 * - TTFT: subscribe → first TokenEvent at the client.
 * - Close: last TokenEvent → the terminal RunStatusEvent at the client.
 * - Added latency: client receive epoch ms minus the mock's emit epoch ms of
 *   the same token (same machine clock; matched by messageId = completion
 *   id and token index). It includes the client's parsing and this
 *   process's event loop, so it is an upper bound of what the server adds.
 * - Bytes per token: what the clients received (SSE response bodies;
 *   WebSocket frames with their headers) over the tokens received.
 * - Lost: tokens the mock emitted that the client did not get, in order.
 * - Server RSS: the server process's VmRSS (what `ps -o rss=` shows),
 *   sampled every 100 ms; server CPU: its user + system time per token.
 * - Graphmind logs at info (the `listening` line is how the bench finds its
 *   port); memory reflections, which each chat schedules 10 s after it ends
 *   (a model call of their own), are deferred past the bench.
 * - Checkpoints and pending writes per run (writes on PostgreSQL only: the
 *   embedded database is inside the server process).
 *
 * Environment: `BENCH_STREAMS=1,100` (levels), `BENCH_TRANSPORTS=ws`,
 * `BENCH_SERVERS=graphmind,baseline`, `BENCH_DATABASES=postgres,embedded`
 * (default: PostgreSQL when it is up, else embedded), `BENCH_TOKEN_DELAYS_MS=0,5`,
 * `BENCH_TOKENS=200`, `BENCH_MAX_AGENTS=50` (Graphmind's MAX_CONCURRENT_AGENTS;
 * default 50 when paced, else 5000), `BENCH_RAMP_MS=1000` (spread the
 * subscriptions over that time instead of starting them at once),
 * `BENCH_SERVER_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/p"` (flags for the
 * servers' `deno run`; profiles are written at exit) and
 * `BENCH_SERVER_ENV='{"NAME":"value"}'` (more Graphmind environment).
 *
 * @module
 */
import postgres from "postgres";
import { startMockOpenAI } from "../tests/support/mock_openai.ts";
import { createThrowawayDatabase, localPostgres } from "../tests/support/local_postgres.ts";
import { startServer } from "../tests/support/server_process.ts";
import { type LevelResult, round, runLevel } from "./streaming_level.ts";

/** One row of the table. */
export interface StreamingRow extends LevelResult {
  server: "graphmind" | "baseline";
  database: string;
  msPerToken: number;
  checkpointsPerRun: number;
  writesPerRun: number;
}

/** One server under test. */
interface Target {
  server: StreamingRow["server"];
  database: string;
  env: Record<string, string>;
  /** `deno` arguments of the baseline; Graphmind runs the `start` task's. */
  args?: string[];
  databaseUrl?: string;
}

const TOKENS = Number(Deno.env.get("BENCH_TOKENS") ?? 200);
/** The production profile's MAX_CONCURRENT_AGENTS, used at a paced (hosted-model) rate. */
const PRODUCTION_CAP = "50";
/** Streams per transport run once, unrecorded, before a server's levels: JIT and pools warm. */
const WARM_UP_STREAMS = 10;
/** A level of fewer streams repeats in rounds until it has run about this many chats. */
const ROUNDS_UP_TO = 10;
const BASELINE_ARGS = [
  "run",
  "--allow-net",
  "--allow-env",
  "--allow-read",
  "--allow-sys=homedir",
  "bench/baseline/server.ts",
];

function list(name: string, fallback: number[]): number[] {
  const raw = Deno.env.get(name);
  return raw ? raw.split(",").map(Number) : fallback;
}

/**
 * Runs every level on Graphmind (local PostgreSQL when up, else embedded
 * PGlite; `BENCH_DATABASES=postgres,embedded` for both, embedded up to 100
 * streams) and on the bare-stack baseline, and returns the rows and a
 * side-by-side table.
 */
export async function benchStreaming(): Promise<Record<string, object[]>> {
  const rows: StreamingRow[] = [];
  const servers = Deno.env.get("BENCH_SERVERS")?.split(",") ?? ["graphmind", "baseline"];
  const levels = list("BENCH_STREAMS", [1, 100]);
  const postgresUp = await localPostgres();
  const databases = Deno.env.get("BENCH_DATABASES")?.split(",") ??
    [postgresUp.available ? "postgres" : "embedded"];
  if (databases.includes("postgres") && !postgresUp.available) {
    console.error(`Local PostgreSQL skipped: ${postgresUp.reason}`);
  }
  for (const msPerToken of list("BENCH_TOKEN_DELAYS_MS", [0, 5])) {
    if (servers.includes("graphmind") && databases.includes("postgres") && postgresUp.available) {
      const db = await createThrowawayDatabase();
      try {
        const target = {
          server: "graphmind" as const,
          database: "postgres",
          env: { DATABASE_URL: db.url },
          databaseUrl: db.url,
        };
        rows.push(...await benchServer(target, levels, msPerToken));
      } finally {
        await db.drop();
      }
    }
    if (servers.includes("graphmind") && databases.includes("embedded")) {
      const target = { server: "graphmind" as const, database: "embedded", env: {} };
      rows.push(...await benchServer(target, levels.filter((n) => n <= 100), msPerToken));
    }
    if (servers.includes("baseline")) {
      const target = {
        server: "baseline" as const,
        database: "none",
        env: {},
        args: BASELINE_ARGS,
      };
      rows.push(...await benchServer(target, levels, msPerToken));
    }
  }
  return { streaming: rows, "Graphmind vs bare stack": sideBySide(rows) };
}

/** Per pacing, level and transport: Graphmind's figures (first database) beside the baseline's. */
function sideBySide(rows: StreamingRow[]): object[] {
  const ours = rows.filter((r) => r.server === "graphmind");
  const theirs = rows.filter((r) => r.server === "baseline");
  const pair = (a: number, b: number | undefined) => `${a} / ${b ?? "—"}`;
  return ours.map((g) => {
    const b = theirs.find((r) =>
      r.msPerToken === g.msPerToken && r.streams === g.streams && r.transport === g.transport
    );
    return {
      database: g.database,
      msPerToken: g.msPerToken,
      streams: g.streams,
      transport: g.transport,
      "tokens/s": pair(g.tokensPerSecond, b?.tokensPerSecond),
      "vs bare": b ? round(g.tokensPerSecond / b.tokensPerSecond) : NaN,
      "cpu µs/token": pair(g.serverCpuUsPerToken, b?.serverCpuUsPerToken),
      "ttft p50 ms": pair(g.ttftP50Ms, b?.ttftP50Ms),
      "close p50/p99 ms": `${g.closeP50Ms}/${g.closeP99Ms} / ${
        b ? `${b.closeP50Ms}/${b.closeP99Ms}` : "—"
      }`,
      "added p50/p99 ms": `${g.addedP50Ms}/${g.addedP99Ms} / ${
        b ? `${b.addedP50Ms}/${b.addedP99Ms}` : "—"
      }`,
      "bytes/token": pair(g.bytesPerToken, b?.bytesPerToken),
    };
  });
}

/**
 * The server environment of the streaming benches: the mock as the provider,
 * no rate limit, no queueing (`BENCH_MAX_AGENTS`, default 5000), one client
 * address allowed every socket, and `BENCH_SERVER_ENV` on top.
 */
export function streamingServerEnv(
  mockUrl: string,
  maxAgents = Deno.env.get("BENCH_MAX_AGENTS") ?? "5000",
): Record<string, string> {
  return {
    ENVIRONMENT: "development",
    OPENAI_API_KEY: "sk-bench",
    OPENAI_BASE_URL: mockUrl,
    MAX_CONCURRENT_AGENTS: maxAgents,
    // One client address opens every stream's socket here.
    WS_MAX_CONNECTIONS_PER_IP: "100000",
    RATE_LIMIT_ENABLED: "false",
    DB_POOL_SIZE: "20",
    // Each chat schedules a memory reflection (a model call) 10 s after it
    // ends; deferred past the bench, it cannot land in later figures.
    MEMORY_REFLECTION_DELAY_MS: "3600000",
    LOG_LEVEL: Deno.env.get("BENCH_LOG_LEVEL") ?? "info",
    ...JSON.parse(Deno.env.get("BENCH_SERVER_ENV") ?? "{}"),
  };
}

/** `BENCH_SERVER_FLAGS`, split: flags for the server's `deno run`. */
export function benchServerFlags(): string[] {
  return Deno.env.get("BENCH_SERVER_FLAGS")?.split(/\s+/).filter(Boolean) ?? [];
}

async function benchServer(
  target: Target,
  levels: number[],
  msPerToken: number,
): Promise<StreamingRow[]> {
  const mock = await startMockOpenAI({ tokens: TOKENS, tokenDelayMs: msPerToken });
  // As fast as the mock goes, nothing queues; at a hosted model's pace, the production cap.
  const cap = Deno.env.get("BENCH_MAX_AGENTS") ?? (msPerToken > 0 ? PRODUCTION_CAP : "5000");
  const server = await startServer({
    ...target.env,
    ...(target.server === "graphmind"
      ? streamingServerEnv(mock.url, cap)
      : { OPENAI_API_KEY: "sk-bench", OPENAI_BASE_URL: mock.url }),
  }, {
    denoFlags: benchServerFlags(),
    ...(target.args ? { args: target.args } : {}),
  });
  const base = `127.0.0.1:${server.port}/graphql`;
  const sql = target.databaseUrl
    ? postgres(target.databaseUrl, { max: 2, onnotice: () => {} })
    : undefined;
  const rows: StreamingRow[] = [];
  const level = async (transport: "sse" | "ws", streams: number) => {
    const threadIds: string[] = [];
    // A small level runs several rounds, so its CPU (in 10 ms ticks) and medians are stable.
    const chats = streams * Math.max(1, Math.ceil(ROUNDS_UP_TO / streams));
    // Threads first, so the measured part is the chat itself.
    for (let i = 0; i < chats; i += 50) {
      const batch = Math.min(50, chats - i);
      threadIds.push(...await Promise.all(Array.from({ length: batch }, () => newThread(base))));
    }
    const result = await runLevel({
      base,
      mock,
      pid: server.pid,
      transport,
      threadIds,
      concurrency: streams,
      tokens: TOKENS,
      rampMs: Number(Deno.env.get("BENCH_RAMP_MS") ?? 0),
    });
    return { result, threadIds };
  };
  try {
    const transports = (Deno.env.get("BENCH_TRANSPORTS") ?? "sse,ws").split(
      ",",
    ) as ("sse" | "ws")[];
    for (const transport of transports) await level(transport, WARM_UP_STREAMS);
    for (const transport of transports) {
      for (const streams of levels) {
        const { result, threadIds } = await level(transport, streams);
        const counts = target.server === "graphmind"
          ? await checkpointCounts(base, sql, threadIds)
          : { checkpointsPerRun: NaN, writesPerRun: NaN };
        rows.push({
          server: target.server,
          database: target.database,
          msPerToken,
          ...result,
          ...counts,
        });
        console.error(JSON.stringify(rows.at(-1)));
      }
    }
  } catch (error) {
    // Say why, when the server is what broke.
    const code = await Promise.race([
      server.stop("SIGTERM"),
      new Promise((r) => setTimeout(r, 5000)),
    ]);
    console.error(`server exit code ${code}; last log lines:`, server.logs.slice(-5));
    console.error(`server stderr: ${server.stderr().slice(-2000)}`);
    throw error;
  } finally {
    await sql?.end();
    await server.stop();
    await mock.close();
  }
  return rows;
}

/** Checkpoint rows (and pending writes, on PostgreSQL) per run. */
async function checkpointCounts(
  base: string,
  sql: postgres.Sql | undefined,
  threadIds: string[],
): Promise<{ checkpointsPerRun: number; writesPerRun: number }> {
  if (sql) {
    const [row] = await sql<{ checkpoints: number; writes: number }[]>`
      SELECT (SELECT count(*)::int FROM checkpoints WHERE thread_id = ANY(${threadIds})) AS checkpoints,
             (SELECT count(*)::int FROM checkpoint_writes WHERE thread_id = ANY(${threadIds})) AS writes`;
    return {
      checkpointsPerRun: round((row?.checkpoints ?? 0) / threadIds.length),
      writesPerRun: round((row?.writes ?? 0) / threadIds.length),
    };
  }
  // Embedded: count a sample of threads' histories through the API.
  const sample = threadIds.slice(0, 10);
  const sizes = await Promise.all(sample.map(async (id) => {
    const body = await graphql(
      base,
      `query($id: ID!) { thread(id: $id) { history(first: 100) { edges { cursor } } } }`,
      { id },
    );
    return (body.data?.thread?.history?.edges?.length ?? 0) as number;
  }));
  return {
    checkpointsPerRun: round(sizes.reduce((a, b) => a + b, 0) / sample.length),
    writesPerRun: NaN,
  };
}

/** Creates a thread over HTTP and returns its id; throws with the answer when it fails. */
export async function newThread(base: string): Promise<string> {
  const body = await graphql(base, "mutation { createThread(input: {}) { id } }");
  if (!body.data?.createThread) throw new Error(`createThread failed: ${JSON.stringify(body)}`);
  return body.data.createThread.id;
}

/** POSTs one GraphQL request to `base` (`host:port/graphql`) and returns the JSON body. */
// deno-lint-ignore no-explicit-any
export async function graphql(base: string, query: string, variables?: object): Promise<any> {
  const response = await fetch(`http://${base}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return await response.json();
}
