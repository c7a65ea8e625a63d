/**
 * Cross-replica fan-out of run events: Postgres LISTEN/NOTIFY against Upstash
 * pub/sub (through the project's Redis proxy), with raw Redis pub/sub as the
 * floor. `deno task bench fanout`; the method and a reading of the figures
 * are in docs/fanout.md.
 *
 * - The publishing replica is this process: `streams` runs, each emitting a
 *   `TokenEvent` every 5 ms (200 tokens/s per run, a fast model). Events of
 *   every run are flushed together every `flushMs` (one message per run per
 *   flush, JSON arrays), or sent one by one when `flushMs` is 0.
 * - Each subscribing replica is a process of its own (`fanout_replica.ts`)
 *   that receives every run, as a replica whose clients may watch any run must.
 * - Latency: subscriber receipt minus token emit, epoch ms on one machine's
 *   clock. It includes the wait for the next flush (up to `flushMs`).
 * - CPU: this process (publisher) and each replica from `process.cpuUsage()`;
 *   the broker from /proc (Postgres: the benchmark database's backends, not
 *   the WAL writer or checkpointer; Upstash: the proxy process plus
 *   redis-server; Redis: redis-server, which other work on this machine may
 *   share), per published token. Latencies leave out each run's first 200 ms.
 *
 * Environment: `BENCH_STREAMS=1,10,100`, `BENCH_FANOUT_TOKENS=400` (tokens per
 * run), `BENCH_FANOUT_REPLICAS=2`, `BENCH_FANOUT_CASES=upstash:10,pg-log+notify:10`,
 * `BENCH_FANOUT_CAPACITY=20,40,60,80,100,200` (streams; empty skips the capacity table).
 *
 * @module
 */
import process from "node:process";
import { createThrowawayDatabase, localPostgres } from "../tests/support/local_postgres.ts";
import type { ReplicaReport } from "./fanout_replica.ts";
import {
  epochMs,
  openPublisher,
  type Publisher,
  type TokenEvent,
  type TransportConfig,
  type TransportName,
} from "./fanout_transports.ts";
import { brokerCpu, type Replica, startProxy, startReplica } from "./fanout_processes.ts";
import postgres from "postgres";

const TOKEN_MS = 5;

/**
 * Falling behind shows in the median first: once flushes queue, every token
 * waits. The p99 on a shared 2-core machine moves with other work too much
 * to mark the knee by itself.
 */
const DEGRADED_P50_MS = 25;

/** One row of the latency table. */
export interface FanoutRow {
  transport: string;
  flush: string;
  streams: number;
  tokPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  lost: number;
  dup: number;
  reordered: number;
  msgPerRunPerS: number;
  reqPerS: number;
  bytesPerMsg: number;
  pubUsPerTok: number;
  subUsPerTok: number;
  brokerUsPerTok: number;
  /** The machine's 1-minute load average at the end (2 cores, shared). */
  load: number;
}

interface Case {
  transport: TransportName;
  flushMs: number;
}

const DEFAULT_CASES: Case[] = [
  { transport: "pg-notify", flushMs: 10 },
  { transport: "pg-log+notify", flushMs: 10 },
  { transport: "pg-log+notify", flushMs: 5 },
  { transport: "pg-log+notify/run", flushMs: 10 },
  { transport: "pg-batchlog+notify", flushMs: 10 },
  { transport: "pg-batchlog+notify", flushMs: 0 },
  { transport: "upstash", flushMs: 10 },
  { transport: "upstash", flushMs: 5 },
  { transport: "upstash", flushMs: 0 },
  { transport: "redis", flushMs: 10 },
  { transport: "redis", flushMs: 0 },
];

function list(name: string, fallback: number[]): number[] {
  const raw = Deno.env.get(name);
  if (raw === undefined) return fallback;
  return raw.split(",").filter((s) => s.trim() !== "").map(Number);
}

function cases(): Case[] {
  const raw = Deno.env.get("BENCH_FANOUT_CASES");
  if (!raw) return DEFAULT_CASES;
  return raw.split(",").map((c) => {
    const [transport, flushMs] = c.split(":");
    return { transport: transport as TransportName, flushMs: Number(flushMs ?? 10) };
  });
}

/** Runs every case at every level, then the capacity ramp; returns the latency table. */
export async function benchFanout(): Promise<FanoutRow[]> {
  const pg = await localPostgres();
  if (!pg.available) throw new Error(`The fan-out bench needs the local PostgreSQL: ${pg.reason}`);
  const db = await createThrowawayDatabase();
  const admin = postgres(db.url, { max: 1, onnotice: () => {} });
  await admin`create table run_events (
    run_id text not null, sequence int not null, event jsonb not null,
    at timestamptz not null default now(), primary key (run_id, sequence))`;
  await admin`create table run_event_batches (
    run_id text not null, first_sequence int not null, last_sequence int not null,
    events jsonb not null, at timestamptz not null default now(),
    primary key (run_id, first_sequence))`;
  const proxy = await startProxy();
  // The database's own backends: other work on the shared server is not the broker's cost.
  const backendPids = async () =>
    (await admin<{ pid: number }[]>`
      select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`)
      .map((r) => r.pid);
  const tokens = Number(Deno.env.get("BENCH_FANOUT_TOKENS") ?? 400);
  const replicas = Number(Deno.env.get("BENCH_FANOUT_REPLICAS") ?? 2);
  const base = { databaseUrl: db.url, proxyUrl: proxy.url, proxyToken: proxy.token };
  try {
    const rows: FanoutRow[] = [];
    for (const c of cases()) {
      for (const streams of list("BENCH_STREAMS", [1, 10, 100])) {
        const config = { ...base, name: c.transport, prefix: prefix() };
        rows.push(
          await runCase(config, c.flushMs, streams, tokens, replicas, proxy.pid, backendPids),
        );
        await admin`truncate run_events, run_event_batches`;
      }
    }
    const capacity = [];
    const levels = list("BENCH_FANOUT_CAPACITY", [20, 40, 60, 80, 100, 200]);
    for (const c of levels.length > 0 ? cases().filter((c) => c.flushMs === 10) : []) {
      for (const streams of levels) {
        const config = { ...base, name: c.transport, prefix: prefix() };
        const row = await runCase(
          config,
          c.flushMs,
          streams,
          200,
          replicas,
          proxy.pid,
          backendPids,
        );
        await admin`truncate run_events, run_event_batches`;
        const offered = streams * (1000 / TOKEN_MS);
        const ok = row.lost === 0 && row.p50Ms <= DEGRADED_P50_MS && row.tokPerS >= 0.95 * offered;
        capacity.push({ ...pick(row), offeredTokPerS: offered, ok });
        if (!ok) break;
      }
    }
    if (capacity.length > 0) {
      console.log(
        `\nCapacity: streams until p50 > ${DEGRADED_P50_MS} ms, a loss, or under 95% delivered\n`,
      );
      console.table(capacity);
      console.log("\nLatency and cost\n");
    }
    return rows;
  } finally {
    await admin.end({ timeout: 1 });
    await proxy.close();
    await db.drop();
  }
}

function pick(row: FanoutRow) {
  const { transport, flush, streams, tokPerS, p50Ms, p99Ms, lost, brokerUsPerTok, load } = row;
  return { transport, flush, streams, tokPerS, p50Ms, p99Ms, lost, brokerUsPerTok, load };
}

function prefix(): string {
  return `fanout_${crypto.randomUUID().slice(0, 8)}:`;
}

async function runCase(
  config: TransportConfig,
  flushMs: number,
  streams: number,
  tokens: number,
  replicaCount: number,
  proxyPid: number,
  backendPids: () => Promise<number[]>,
): Promise<FanoutRow> {
  const expected = streams * tokens;
  const replicas: Replica[] = await Promise.all(
    Array.from({ length: replicaCount }, () => startReplica(config, expected)),
  );
  const publisher = await openPublisher(config);
  const broker = config.name.startsWith("pg-")
    ? { names: [], pids: await backendPids() }
    : { names: ["redis-server"], pids: config.name === "upstash" ? [proxyPid] : [] };
  const brokerBefore = await brokerCpu(broker.names, broker.pids);
  const cpuBefore = process.cpuUsage();
  const started = epochMs();
  await produce(publisher, streams, tokens, flushMs);
  const seconds = (epochMs() - started) / 1000;
  const reports: ReplicaReport[] = await Promise.all(replicas.map((r) => r.report(5000)));
  const cpu = process.cpuUsage(cpuBefore);
  const brokerMs = (await brokerCpu(broker.names, broker.pids)).since(brokerBefore);
  await publisher.close();

  const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const delivered = reports.reduce((n, r) => n + r.unique, 0);
  const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
  return {
    transport: config.name,
    flush: flushMs > 0 ? `${flushMs} ms` : "adaptive",
    streams,
    tokPerS: Math.round(expected / seconds),
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    maxMs: round(at(1)),
    lost: expected * replicaCount - delivered,
    dup: reports.reduce((n, r) => n + r.duplicates, 0),
    reordered: reports.reduce((n, r) => n + r.outOfOrder, 0),
    msgPerRunPerS: round(publisher.messages / streams / seconds),
    reqPerS: round(publisher.requests / seconds, 0),
    bytesPerMsg: Math.round(publisher.bytes / Math.max(1, publisher.messages)),
    pubUsPerTok: round((cpu.user + cpu.system) / expected),
    subUsPerTok: round(reports.reduce((n, r) => n + r.cpuMs, 0) * 1000 / Math.max(1, delivered)),
    brokerUsPerTok: round(brokerMs * 1000 / expected),
    load: round(Deno.loadavg()[0] ?? NaN),
  };
}

/**
 * Streams `tokens` events for each of `streams` runs, every 5 ms, from one
 * 1 ms ticker (thousands of timers would measure the timers). One publish is
 * in flight at a time, so a run's messages can never overtake each other on
 * different connections; events wait in `pending` meanwhile. `flushMs` 0
 * sends as soon as the previous publish completes (adaptive batching).
 */
async function produce(
  publisher: Publisher,
  streams: number,
  tokens: number,
  flushMs: number,
): Promise<void> {
  const pending = new Map<string, TokenEvent[]>();
  let sending: Promise<void> | undefined;
  let failure: unknown;

  function flush(): void {
    if (sending || pending.size === 0) return;
    const batches = [...pending].map(([runId, events]) => ({ runId, events }));
    pending.clear();
    sending = publisher.publish(batches)
      .catch((error) => void (failure ??= error))
      .finally(() => {
        sending = undefined;
        if (flushMs === 0) flush();
      });
  }

  const origin = performance.now();
  const runs = Array.from({ length: streams }, () => {
    const runId = crypto.randomUUID();
    const next = origin + TOKEN_MS + Math.random() * TOKEN_MS;
    return { runId, messageId: `chatcmpl-${runId.slice(0, 12)}`, sequence: 0, next };
  });
  const timer = flushMs > 0 ? setInterval(flush, flushMs) : undefined;
  await new Promise<void>((resolve) => {
    const ticker = setInterval(() => {
      const now = performance.now();
      let finished = 0;
      for (const run of runs) {
        while (run.sequence < tokens && run.next <= now) {
          run.sequence++;
          run.next += TOKEN_MS;
          const event: TokenEvent = {
            __typename: "TokenEvent",
            id: `${run.runId}:${run.sequence}`,
            runId: run.runId,
            sequence: run.sequence,
            at: new Date().toISOString(),
            text: " token",
            messageId: run.messageId,
            node: "agent",
            emittedAt: epochMs(),
          };
          pending.get(run.runId)?.push(event) ?? pending.set(run.runId, [event]);
        }
        if (run.sequence === tokens) finished++;
      }
      if (flushMs === 0) flush();
      if (finished === runs.length) {
        clearInterval(ticker);
        resolve();
      }
    }, 1);
  });
  clearInterval(timer);
  while (sending || pending.size > 0) {
    await sending;
    flush();
  }
  if (failure) throw failure;
}
