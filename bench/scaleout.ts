/**
 * Scale-out (issue 14): real server processes on one throwaway database of
 * the local PostgreSQL, Redis through the Upstash proxy, the mock OpenAI
 * server, started by the replica harness of tests/support/replicas.ts.
 *
 * 1. Added transit (mock write → client parse, tokens at 5 ms; see
 *    transit.ts). cN is N concurrent subscriptions over N/2 runs: each run,
 *    sent by `sendMessage` through the replicas in turn, is read by one
 *    `runEvents` subscriber on the replica executing it (known from its
 *    `agent_start` log line, so it reads the in-memory bus) and one on
 *    another replica (the durable log and NOTIFY), so both read the same
 *    tokens at the same moment and the machine's stalls hit both alike.
 *    `paired*` is, per token, the cross subscriber's receive time minus the
 *    same-replica one's. The model waits `BENCH_FIRST_TOKEN_MS` before its
 *    first token so both subscribers are live by then; tokens emitted before
 *    a subscriber's first event are left out and counted.
 * 2. Aggregate tokens/s: N concurrent `chat` subscriptions (streaming.ts's
 *    level) spread over the replicas (stream i on replica i % n; the run
 *    executes wherever it is claimed), the mock as fast as it can, with 1
 *    and with 3 replicas.
 * 3. Database statements and fan-out messages per run: every replica's
 *    /metrics before and after each scenario above, summed, divided by its
 *    runs; per 10 ms of streaming, where streaming is the executor's first
 *    → last TokenEvent of a run (their `at`, from the durable log).
 * 4. `kill -9` of the replica executing a run mid-stream (RUN_LEASE_SECONDS=3;
 *    a new replica replaces it before the next trial): to `agent_start` of
 *    attempt 2 (log timestamp), to the first event and the first token of
 *    attempt 2 at a subscriber on a survivor; `leaseLeftAtKillMs` is the
 *    run's `lease_expires_at` minus the kill, read just before it.
 * 5. Warn and error log lines of every replica, and runs executed twice.
 *
 * Environment: `BENCH_TRANSIT_STREAMS=10,100`, `BENCH_TRANSIT_TRANSPORT=ws`,
 * `BENCH_TRANSIT_REPEATS=2`, `BENCH_TOKENS=200`, `BENCH_FIRST_TOKEN_MS=1500`,
 * `BENCH_AGGREGATE_STREAMS=60`, `BENCH_TRANSPORTS=sse,ws`, `BENCH_KILL_TRIALS=3`,
 * `BENCH_REPLICAS=3`, `BENCH_PARTS=transit,aggregate,kill`.
 *
 * @module
 */
import postgres from "postgres";
import {
  type Cluster,
  clusterServices,
  createThread,
  doubleExecutions,
  type Replica,
  SEND_MESSAGE,
  startCluster,
  waitFor,
  waitForEnd,
} from "../tests/support/replicas.ts";
import { type Counters, delta, placements, scrape } from "./scaleout_metrics.ts";
import { runLevel } from "./streaming_level.ts";
import {
  addedMs,
  now,
  quantile,
  readTokens,
  round,
  type SubscriptionMessage,
  type TokenRead,
} from "./transit.ts";

const USER = "alice";
const env = (name: string, fallback: string) => Deno.env.get(name) ?? fallback;
const list = (name: string, fallback: string) => env(name, fallback).split(",").filter(Boolean);

const TOKENS = Number(env("BENCH_TOKENS", "200"));
const PACING_MS = 5;
const FIRST_TOKEN_MS = Number(env("BENCH_FIRST_TOKEN_MS", "1500"));
const REPLICAS = Number(env("BENCH_REPLICAS", "3"));
const LEASE_SECONDS = 3;

/** The settings every replica of the bench gets, over the harness's defaults. */
const SERVER_ENV = {
  // Enough per replica that runs spread over replicas instead of one claiming them all.
  MAX_CONCURRENT_AGENTS: "60",
  DB_POOL_SIZE: "8",
  RATE_LIMIT_ENABLED: "false",
};

const RUN_EVENTS =
  `subscription($runId: ID!, $after: Int) { runEvents(runId: $runId, after: $after) {
  __typename ... on TokenEvent { text messageId } ... on RunStatusEvent { status error } } }`;

/** One row of table 3. */
interface CostRow {
  scenario: string;
  runs: number;
  statementsPerRun: number;
  /** The three biggest statement types per run. */
  byType: string;
  logWritesPerRun: number;
  eventsLoggedPerRun: number;
  notifyPerRun: number;
  /** The executor's first → last TokenEvent of a run (their `at`), mean. */
  streamingMsPerRun: number;
  notifyPerRunPer10ms: number;
  target: string;
  /** Log writes per second of the scenario, per replica (the flush allows at most 100). */
  logWritesPerSecPerReplica: number;
  /** Mean duration of every statement, and of `WITH` ones (mostly the event-log writes). */
  meanStatementMs: number;
  meanWithMs: number;
}

/** Runs the parts asked for and returns one table each. */
export async function benchScaleout(): Promise<Record<string, object[]>> {
  if (clusterServices.ignore) {
    throw new Error(`The scale-out bench needs the local services: ${clusterServices.reason}`);
  }
  const parts = new Set(list("BENCH_PARTS", "transit,aggregate,kill"));
  const transitLevels = list("BENCH_TRANSIT_STREAMS", "10,100").map(Number);
  const transitRepeats = Number(env("BENCH_TRANSIT_REPEATS", "2"));
  const transitTransport = env("BENCH_TRANSIT_TRANSPORT", "ws") as "sse" | "ws";
  const aggregateStreams = Number(env("BENCH_AGGREGATE_STREAMS", "60"));
  const transports = list("BENCH_TRANSPORTS", "sse,ws") as ("sse" | "ws")[];
  const killTrials = Number(env("BENCH_KILL_TRIALS", "3"));
  const load = Deno.loadavg().map(round).join(" ");
  const tables: Record<string, object[]> = {
    "machine and parameters": [{
      cpus: navigator.hardwareConcurrency,
      loadAvgAtStart: load,
      replicas: REPLICAS,
      tokensPerReply: TOKENS,
      transit: `c${transitLevels.join("/c")} ×${transitRepeats}, ${transitTransport}, ` +
        `${PACING_MS} ms pacing, first token after ${FIRST_TOKEN_MS} ms`,
      aggregate: `${aggregateStreams} chat streams, ${transports.join("+")}, no pacing`,
      kill: `${killTrials} trials, RUN_LEASE_SECONDS=${LEASE_SECONDS}, poll 1 s`,
      serverEnv: Object.entries(SERVER_ENV).map(([k, v]) => `${k}=${v}`).join(" "),
    }],
  };
  const costs: CostRow[] = [];
  const problems: object[] = [];
  if (parts.has("transit") || parts.has("aggregate")) {
    const cluster = await startCluster({ replicas: REPLICAS, env: SERVER_ENV, mock: {} });
    try {
      // Untimed: compiles the servers' hot paths (every replica runs and reads some).
      await transitLevel(cluster, 4 * REPLICAS, transitTransport);
      if (parts.has("transit")) {
        const rows: object[] = [];
        for (const streams of transitLevels) {
          // Repeated: on a shared machine the tails move from one run to the next.
          for (let repeat = 1; repeat <= transitRepeats; repeat++) {
            const level = await transitLevel(cluster, streams, transitTransport);
            rows.push(...level.rows.map((row) => ({ ...row, repeat })));
            if (repeat === 1) costs.push(level.cost);
            console.error(JSON.stringify(level.rows));
          }
        }
        tables["1. added transit, same vs cross replica"] = rows;
      }
      if (parts.has("aggregate")) {
        tables["2. aggregate tokens/s"] = [];
        for (const transport of transports) {
          const level = await aggregateLevel(cluster, aggregateStreams, transport);
          tables["2. aggregate tokens/s"].push(level.row);
          costs.push(level.cost);
        }
      }
    } finally {
      problems.push(...health(cluster, `${REPLICAS} replicas`));
      await cluster.close();
    }
  }
  if (parts.has("aggregate") && REPLICAS > 1) {
    // Room for every stream at once on the one replica, as three replicas have.
    const single = await startCluster({
      replicas: 1,
      env: { ...SERVER_ENV, MAX_CONCURRENT_AGENTS: "200" },
      mock: {},
    });
    try {
      await aggregateLevel(single, 10, "ws"); // untimed warm-up
      for (const transport of transports) {
        const level = await aggregateLevel(single, aggregateStreams, transport);
        tables["2. aggregate tokens/s"]!.unshift(level.row);
        costs.push(level.cost);
      }
    } finally {
      problems.push(...health(single, "1 replica"));
      await single.close();
    }
  }
  if (costs.length > 0) tables["3. database statements and fan-out per run"] = costs;
  if (parts.has("kill")) {
    tables["4. kill -9 → resumed on another replica"] = await kills(killTrials, problems);
  }
  tables["5. replica warnings, errors and double executions"] = problems;
  return tables;
}

/**
 * The mean time from a run's first to its last token as its executor
 * published them (the `at` of the TokenEvents in the durable log), over the
 * runs of `threadIds`, ms.
 */
async function streamingMs(cluster: Cluster, threadIds: string[]): Promise<number> {
  const sql = postgres(cluster.database.url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ ms: number | null }[]>`
      SELECT avg(span)::float8 AS ms FROM (
        SELECT extract(epoch FROM max((e.event::jsonb->>'at')::timestamptz) -
                                  min((e.event::jsonb->>'at')::timestamptz)) * 1000 AS span
        FROM runs r JOIN run_events e ON e.run_id = r.id
        WHERE r.thread_id = ANY(${threadIds}::uuid[]) AND e.event::jsonb->>'type' = 'token'
        GROUP BY r.id) spans`;
    return row?.ms ?? NaN;
  } finally {
    await sql.end();
  }
}

function costRow(
  scenario: string,
  runs: number,
  counters: Counters,
  streaming: number,
  elapsedMs: number,
  replicas: number,
): CostRow {
  const perRun = (n: number) => round(n / runs);
  const per10ms = counters.notifications / runs / (streaming / 10);
  return {
    scenario,
    runs,
    statementsPerRun: perRun(counters.statements),
    byType: Object.entries(counters.byType).sort((a, b) => b[1] - a[1]).slice(0, 3)
      .map(([type, n]) => `${type} ${perRun(n)}`).join(", "),
    logWritesPerRun: perRun(counters.logWrites),
    eventsLoggedPerRun: perRun(counters.eventsLogged),
    notifyPerRun: perRun(counters.notifications),
    streamingMsPerRun: Math.round(streaming),
    notifyPerRunPer10ms: round(per10ms),
    target: per10ms <= 1 ? "met (≤ 1)" : "MISSED (> 1)",
    logWritesPerSecPerReplica: round(counters.logWrites / (elapsedMs / 1000) / replicas),
    meanStatementMs: round(
      Object.values(counters.secondsByType).reduce((a, b) => a + b, 0) * 1000 /
        counters.statements,
    ),
    meanWithMs: round((counters.secondsByType.with ?? 0) * 1000 / (counters.byType.with ?? 0)),
  };
}

/**
 * What went wrong in a cluster, for the last table: its replicas' warn and
 * error log lines by message, and runs executed twice at once.
 */
function health(cluster: Cluster, label: string): object[] {
  const counts = new Map<string, number>();
  for (const replica of cluster.replicas) {
    for (const entry of replica.server.logs) {
      if (entry.level !== "warn" && entry.level !== "error") continue;
      const key = `${entry.level}: ${entry.message}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const rows: object[] = [...counts].map(([line, count]) => ({ cluster: label, line, count }));
  for (const problem of doubleExecutions(cluster)) {
    rows.push({ cluster: label, line: `double execution: ${problem}`, count: 1 });
  }
  if (rows.length === 0) rows.push({ cluster: label, line: "no warnings or errors", count: 0 });
  return rows;
}

/** Scripts `count` replies of the mock. */
function script(cluster: Cluster, count: number, pacing: object): void {
  const mock = cluster.mock!;
  if (mock.pendingScripts() > 0) {
    throw new Error(`${mock.pendingScripts()} scripted replies left from the previous level.`);
  }
  for (let i = 0; i < count; i++) mock.script({ kind: "text", tokens: TOKENS, ...pacing });
}

async function threads(cluster: Cluster, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 25) {
    ids.push(
      ...await Promise.all(
        Array.from(
          { length: Math.min(25, count - i) },
          (_, j) => createThread(cluster.replicas[(i + j) % cluster.replicas.length]!, USER),
        ),
      ),
    );
  }
  return ids;
}

interface Watched {
  executor: string;
  same: TokenRead;
  cross: TokenRead;
}

/**
 * Table 1: `streams` subscriptions, two per run: one on the replica
 * executing it, one on another replica, so both read the same tokens at
 * the same time and the machine's hiccups hit both alike.
 */
async function transitLevel(
  cluster: Cluster,
  streams: number,
  transport: "sse" | "ws",
): Promise<{ rows: object[]; cost: CostRow }> {
  const mock = cluster.mock!;
  const { replicas } = cluster;
  const runs = Math.max(1, Math.round(streams / 2));
  const threadIds = await threads(cluster, runs);
  script(cluster, runs, { tokenDelayMs: PACING_MS, firstTokenDelayMs: FIRST_TOKEN_MS });
  const where = placements(cluster);
  const loadAvg = Deno.loadavg()[0] ?? NaN;
  const since = now();
  const before = await scrape(replicas);
  let watched: Watched[];
  try {
    watched = await Promise.all(threadIds.map(async (threadId, i): Promise<Watched> => {
      const sender = replicas[i % replicas.length]!;
      const run = (await sender.gql(USER, SEND_MESSAGE, {
        input: { threadId, content: "Tell me a long story." },
      })).sendMessage;
      const executor = await where.of(run.id);
      const others = replicas.filter((r) => r !== executor);
      const other = others.length === 0 ? executor : others[i % others.length]!;
      const [same, cross] = await Promise.all([
        subscribe(cluster, executor, transport, run.id),
        subscribe(cluster, other, transport, run.id),
      ]);
      return { executor: executor.name, same, cross };
    }));
  } finally {
    where.stop();
  }
  const elapsed = now() - since;
  // The executors' last batches reach /metrics a moment after the clients' last events.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const cost = delta(before, await scrape(replicas));
  const byExecutor = replicas.map((r) => watched.filter((w) => w.executor === r.name).length);
  // Per token read live by both: cross receive minus same receive.
  const pairs: number[] = [];
  for (const w of watched) {
    const sameAt = new Map<string, number>();
    for (const [id, index, at] of w.same.stamps) {
      if (at >= w.same.firstEventAt) sameAt.set(`${id}:${index}`, at);
    }
    for (const [id, index, at] of w.cross.stamps) {
      const other = sameAt.get(`${id}:${index}`);
      if (other !== undefined && at >= w.cross.firstEventAt) pairs.push(at - other);
    }
  }
  pairs.sort((a, b) => a - b);
  const rows: object[] = [];
  let sameP99 = NaN;
  for (const placement of ["same", "cross"] as const) {
    const reads = watched.map((w) => w[placement]);
    const added: number[] = [];
    let excluded = 0;
    for (const read of reads) {
      const live = addedMs(read, mock, read.firstEventAt);
      added.push(...live);
      excluded += addedMs(read, mock).length - live.length;
    }
    added.sort((a, b) => a - b);
    const p99 = quantile(added, 0.99);
    if (placement === "same") sameP99 = p99;
    const cross = placement === "cross";
    rows.push({
      streams: `c${streams}`,
      subscriber: cross ? "other replica" : "same replica",
      runs,
      p50Ms: round(quantile(added, 0.5)),
      p99Ms: round(p99),
      maxMs: round(added.at(-1) ?? NaN),
      tokensTimed: added.length,
      replayedLeftOut: excluded,
      lostTokens: reads.reduce((sum, read) => sum + TOKENS - read.inOrder, 0),
      extraTokens: reads.reduce((sum, read) => sum + Math.max(0, read.received - TOKENS), 0),
      failed: reads.filter((read) => read.status !== "SUCCESS").length,
      runsPerReplica: byExecutor.join("/"),
      loadAvg1m: round(loadAvg),
      pairedP50Ms: cross ? round(quantile(pairs, 0.5)) : "",
      pairedP90Ms: cross ? round(quantile(pairs, 0.9)) : "",
      pairedP99Ms: cross ? round(quantile(pairs, 0.99)) : "",
      p99OverSameMs: cross ? round(p99 - sameP99) : "",
      target: cross ? (p99 - sameP99 <= 15 ? "met (≤ 15)" : "MISSED (> 15)") : "",
    });
  }
  const failed = watched.flatMap((w) => [w.same, w.cross]).find((r) => r.status !== "SUCCESS");
  if (failed) console.error(`transit c${streams}: a subscription ended ${failed.status}`);
  return {
    rows,
    cost: costRow(
      `transit c${streams} (${runs} runs, ${replicas.length} replicas)`,
      runs,
      cost,
      await streamingMs(cluster, threadIds),
      elapsed,
      replicas.length,
    ),
  };
}

async function subscribe(
  cluster: Cluster,
  replica: Replica,
  transport: "sse" | "ws",
  runId: string,
): Promise<TokenRead> {
  const client = transport === "ws"
    ? await cluster.ws(replica.wsUrl, USER)
    : await cluster.sse(replica.graphqlUrl, USER);
  try {
    const iterable = client.iterate({
      query: RUN_EVENTS,
      variables: { runId, after: 0 },
    }) as AsyncIterable<SubscriptionMessage>;
    return await readTokens(iterable, "runEvents");
  } catch (error) {
    const reason = error as { reason?: string; message?: string };
    return {
      ttft: NaN,
      firstEventAt: NaN,
      lastTokenAt: NaN,
      endAt: NaN,
      received: 0,
      inOrder: 0,
      stamps: [],
      status: `transport error: ${reason?.reason ?? reason?.message ?? error}`,
    };
  } finally {
    await client.dispose();
  }
}

/** Table 2: `streams` chats spread over the replicas, the mock unpaced. */
async function aggregateLevel(
  cluster: Cluster,
  streams: number,
  transport: "sse" | "ws",
): Promise<{ row: object; cost: CostRow }> {
  const { replicas } = cluster;
  const threadIds = await threads(cluster, streams);
  script(cluster, streams, { tokenDelayMs: 0, firstTokenDelayMs: 0 });
  const loadAvg = Deno.loadavg()[0] ?? NaN;
  const startsBefore = replicas.map((r) => agentStarts(r));
  const since = now();
  const before = await scrape(replicas);
  const result = await runLevel({
    base: replicas.map((r) => r.graphqlUrl.replace("http://", "")),
    mock: cluster.mock!,
    pid: replicas.map((r) => r.server.pid),
    transport,
    threadIds,
    tokens: TOKENS,
    authorization: `Bearer ${await cluster.token(USER)}`,
  });
  const elapsed = now() - since;
  await new Promise((resolve) => setTimeout(resolve, 200));
  const cost = delta(before, await scrape(replicas));
  return {
    row: {
      replicas: replicas.length,
      transport,
      streams,
      tokensPerSecond: result.tokensPerSecond,
      ttftP50Ms: result.ttftP50Ms,
      addedP50Ms: result.addedP50Ms,
      addedP99Ms: result.addedP99Ms,
      lostTokens: result.lostTokens,
      failedRuns: result.failedRuns,
      serverCpuUsPerToken: result.serverCpuUsPerToken,
      serversRssMb: result.serverRssMb,
      benchCpuPct: result.benchCpuPct,
      loadAvg1m: round(loadAvg),
      runsPerReplica: replicas.map((r, i) => agentStarts(r) - startsBefore[i]!).join("/"),
    },
    cost: costRow(
      `aggregate ${transport}, ${replicas.length} replica${replicas.length > 1 ? "s" : ""}`,
      streams,
      cost,
      await streamingMs(cluster, threadIds),
      elapsed,
      replicas.length,
    ),
  };
}

/** How many runs `replica` has started so far (its `agent_start` log lines). */
function agentStarts(replica: Replica): number {
  return replica.server.logs.filter((entry) => entry.message === "agent_start").length;
}

/** Table 4: `kill -9` of the executor mid-stream, `trials` times (a new replica replaces it). */
async function kills(trials: number, problems: object[]): Promise<object[]> {
  const cluster = await startCluster({
    replicas: Math.max(2, REPLICAS),
    env: { ...SERVER_ENV, RUN_LEASE_SECONDS: String(LEASE_SECONDS), RUN_MAX_ATTEMPTS: "3" },
    mock: {},
  });
  const sql = postgres(cluster.database.url, { max: 1, onnotice: () => {} });
  const rows: object[] = [];
  try {
    for (let trial = 1; trial <= trials; trial++) {
      rows.push(await killOnce(cluster, sql, trial));
      console.error(JSON.stringify(rows.at(-1)));
      if (trial < trials) await cluster.addReplica();
    }
  } finally {
    await sql.end();
    problems.push(...health(cluster, `kill, lease ${LEASE_SECONDS} s`));
    await cluster.close();
  }
  return rows;
}

async function killOnce(cluster: Cluster, sql: postgres.Sql, trial: number): Promise<object> {
  const mock = cluster.mock!;
  const alive = cluster.replicas.filter((r) => r.killedAt === undefined);
  // Attempt 1 streams slowly (the kill lands mid-stream); attempt 2 streams a short reply.
  mock.script(
    { kind: "text", tokens: 1000, tokenDelayMs: 10 },
    { kind: "text", tokens: 20, tokenDelayMs: 5 },
  );
  const threadId = await createThread(alive[0]!, USER);
  const where = placements(cluster);
  const sentAt = now();
  const run = (await alive[0]!.gql(USER, SEND_MESSAGE, {
    input: { threadId, content: "Survive a crash" },
  })).sendMessage;
  const victim = await where.of(run.id).finally(() => where.stop());
  const watcher = alive.find((r) => r !== victim)!;
  const firstCall = await waitFor(
    () =>
      mock.requests.find((r) =>
        r.path === "/v1/chat/completions" && r.receivedAt >= sentAt && r.tokensSent >= 50
      ),
    20_000,
    "the first model call to stream 50 tokens",
  );
  const arrivals: { at: number; event: Record<string, string> }[] = [];
  const client = await cluster.ws(watcher.wsUrl, USER);
  const reading = (async () => {
    const iterable = client.iterate({
      query: RUN_EVENTS,
      variables: { runId: run.id, after: 0 },
    }) as AsyncIterable<SubscriptionMessage>;
    try {
      for await (const message of iterable) {
        const event = message.data?.runEvents;
        if (!event) break;
        arrivals.push({ at: now(), event });
        if (
          event.__typename === "RunStatusEvent" && !["RUNNING", "PENDING"].includes(event.status!)
        ) {
          break;
        }
      }
    } catch { /* the table says what arrived */ }
  })();
  try {
    // Wait until the subscriber is live, then kill.
    await waitFor(
      () => arrivals.some((a) => a.event.__typename === "TokenEvent"),
      10_000,
      "a token",
    );
    const [lease] = await sql<{ leaseLeftMs: number }[]>`
      SELECT (extract(epoch FROM lease_expires_at) * 1000 -
              extract(epoch FROM clock_timestamp()) * 1000)::float8 AS "leaseLeftMs"
      FROM runs WHERE id = ${run.id}`;
    const killAt = now();
    await victim.kill();
    const tokensBeforeKill = firstCall.tokensSent;
    const ended = await waitForEnd(watcher, USER, run.id, 60_000);
    await Promise.race([reading, new Promise((r) => setTimeout(r, 5000))]);
    const start2 = cluster.logs("agent_start").find((l) =>
      l.entry.run_id === run.id && Number(l.entry.attempt) >= 2
    );
    const after = arrivals.filter((a) => a.at >= killAt);
    const running2 = after.find((a) =>
      a.event.__typename === "RunStatusEvent" && a.event.status === "RUNNING"
    );
    const token2 = after.find((a) =>
      a.event.__typename === "TokenEvent" && a.event.messageId !== firstCall.id
    );
    const since = (at: number | undefined) => at === undefined ? NaN : Math.round(at - killAt);
    return {
      trial,
      victim: victim.name,
      resumedOn: start2?.replica ?? "none",
      tokensBeforeKill,
      leaseLeftAtKillMs: Math.round(lease?.leaseLeftMs ?? NaN),
      killToAgentStart2Ms: since(start2 ? Date.parse(start2.entry.timestamp) : undefined),
      killToFirstEvent2Ms: since(running2?.at),
      killToFirstToken2Ms: since(token2?.at),
      afterLeaseMs: since(start2 ? Date.parse(start2.entry.timestamp) : undefined) -
        Math.round(lease?.leaseLeftMs ?? NaN),
      status: ended.status,
    };
  } finally {
    await client.dispose();
  }
}
