/**
 * `deno task bench soak [--minutes 10] [--streams 1000]`: the real server
 * (`deno task start`'s command line) on a throwaway database of the local
 * PostgreSQL, the mock OpenAI server pacing tokens, and `--streams`
 * concurrent chat streams from real graphql-sse and graphql-ws clients
 * (half each, one connection per stream), each finished stream replaced by
 * a new one, for `--minutes`. Then no new stream starts and the ones in
 * flight finish; a last sample is taken 15 s later, idle.
 *
 * It reports, every minute: the server's resident set (VmRSS) and open file
 * descriptors (/proc/<pid>/fd), runs completed, tokens/s, transit p50/p99
 * (client receive minus mock emit); over the whole soak: tokens lost and
 * duplicated, errors by code, and whether the resident set stayed within
 * 10% of the first minute's.
 *
 * More options: `--tokens 200` per reply, `--token-delay-ms 100` between
 * tokens (10 tokens/s a stream: 1000 streams offer 10 000 tokens/s, what two
 * cores serve), `--ramp-seconds 10` to open the first streams over,
 * `--sample-seconds 60`. `BENCH_SERVER_FLAGS` and `BENCH_SERVER_ENV` work as
 * in the streaming bench.
 *
 * @module
 */
import { startMockOpenAI } from "../tests/support/mock_openai.ts";
import { createThrowawayDatabase, localPostgres } from "../tests/support/local_postgres.ts";
import { problemsSince, startServer } from "../tests/support/server_process.ts";
import { benchServerFlags, streamingServerEnv } from "./streaming.ts";
import { residentKib } from "../tests/support/process_stats.ts";
import { runStream, Tally } from "./soak_stream.ts";
import { quantile, round } from "./transit.ts";

/** The soak's settings. */
export interface SoakOptions {
  minutes: number;
  streams: number;
  tokens: number;
  tokenDelayMs: number;
  rampSeconds: number;
  sampleSeconds: number;
}

/** The pause after the last stream before the final sample. */
const SETTLE_MS = 15_000;

const DEFAULTS: SoakOptions = {
  minutes: 10,
  streams: 1000,
  tokens: 200,
  tokenDelayMs: 100,
  rampSeconds: 10,
  sampleSeconds: 60,
};

/** Reads `--name value` or `--name=value` flags over the defaults; unknown flags throw. */
export function parseSoakOptions(args: string[]): SoakOptions {
  const options = { ...DEFAULTS };
  const keys = new Map(
    Object.keys(DEFAULTS).map((key) => [key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), key]),
  );
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i]!.split("=", 2) as [string, string | undefined];
    const key = keys.get(flag.replace(/^--/, ""));
    const value = Number(inline ?? args[++i]);
    if (!flag.startsWith("--") || key === undefined || !(value > 0)) {
      throw new Error(
        `Unknown or invalid soak option "${args[i]}": use ${
          [...keys.keys()].map((k) => `--${k} <positive number>`).join(", ")
        }.`,
      );
    }
    options[key as keyof SoakOptions] = value;
  }
  return options;
}

/** One row a minute. */
interface Sample {
  minute: number;
  activeStreams: number;
  serverRssMiB: number;
  /** V8's heap in use and reserved, from the server's own /metrics (prom-client's defaults). */
  heapUsedMiB: number;
  heapTotalMiB: number;
  /** Memory outside the heap that V8 knows of (ArrayBuffers, WASM). */
  externalMiB: number;
  serverFds: number;
  runsCompleted: number;
  tokensPerSecond: number;
  transitP50Ms: number;
  transitP99Ms: number;
  errors: number;
}

/** Runs the soak and returns its tables. */
export async function benchSoak(args: string[]): Promise<Record<string, object[]>> {
  const options = parseSoakOptions(args);
  const postgres = await localPostgres();
  if (!postgres.available) {
    throw new Error(`The soak needs the local PostgreSQL: ${postgres.reason}`);
  }
  console.error(`soak: ${JSON.stringify(options)}`);
  const database = await createThrowawayDatabase();
  const mock = await startMockOpenAI({
    tokens: options.tokens,
    tokenDelayMs: options.tokenDelayMs,
  });
  try {
    const server = await startServer({
      DATABASE_URL: database.url,
      ...streamingServerEnv(mock.url),
      // Every stream runs at once: none waits in the queue.
      ...(Deno.env.get("BENCH_MAX_AGENTS") ? {} : {
        MAX_CONCURRENT_AGENTS: String(Math.max(5000, options.streams)),
      }),
      // The soak makes a request log line per request; the bench keeps the last few.
      LOG_LEVEL: Deno.env.get("BENCH_LOG_LEVEL") ?? "info",
    }, {
      denoFlags: benchServerFlags(),
      keepLogs: 200,
      // Errors only: what an INTERNAL outcome was, printed at the end.
      keepLog: (entry) => entry.level === "ERROR",
    });
    try {
      return await soak(`127.0.0.1:${server.port}/graphql`, server.pid, mock, options);
    } finally {
      const errors = problemsSince(server, "", 5);
      if (errors !== "") console.error(`server errors (the last five):\n${errors}`);
      await server.stop();
    }
  } finally {
    await mock.close();
    await database.drop();
  }
}

async function soak(
  base: string,
  pid: number,
  mock: Awaited<ReturnType<typeof startMockOpenAI>>,
  options: SoakOptions,
): Promise<Record<string, object[]>> {
  const started = performance.now();
  const deadline = started + options.minutes * 60_000;
  const total = new Tally();
  let interval = new Tally();
  let active = 0;
  const samples: Sample[] = [{
    minute: 0,
    activeStreams: 0,
    serverRssMiB: await rssMiB(pid),
    ...await heapMiB(base),
    serverFds: await openFds(pid),
    runsCompleted: 0,
    tokensPerSecond: 0,
    transitP50Ms: NaN,
    transitP99Ms: NaN,
    errors: 0,
  }];
  let lastSampleAt = started;
  async function sample(): Promise<void> {
    const at = performance.now();
    const done = interval;
    interval = new Tally();
    total.merge(done);
    const added = done.added.sort((a, b) => a - b);
    samples.push({
      minute: round((at - started) / 60_000),
      activeStreams: active,
      serverRssMiB: await rssMiB(pid),
      ...await heapMiB(base),
      serverFds: await openFds(pid),
      runsCompleted: done.runs,
      tokensPerSecond: Math.round(done.received / ((at - lastSampleAt) / 1000)),
      transitP50Ms: round(quantile(added, 0.5)),
      transitP99Ms: round(quantile(added, 0.99)),
      errors: done.runs - done.succeeded,
    });
    lastSampleAt = at;
    console.error(JSON.stringify(samples.at(-1)));
    // The mock keeps every request; a soak makes tens of thousands of them.
    const open = mock.requests.filter((request) => request.state === "open");
    mock.requests.splice(0, mock.requests.length, ...open);
  }
  const sampler = setInterval(() => void sample(), options.sampleSeconds * 1000);

  // Each slot keeps one stream going until the deadline, then lets it finish.
  async function slot(index: number): Promise<void> {
    await delay((index / options.streams) * options.rampSeconds * 1000);
    for (let n = 0; performance.now() < deadline; n++) {
      active++;
      // Alternate transports per slot and per stream, so both are always in use.
      const transport = (index + n) % 2 === 0 ? "sse" : "ws";
      const result = await runStream({ base, transport, mock, tokens: options.tokens });
      active--;
      interval.add(result);
    }
  }
  await Promise.all(Array.from({ length: options.streams }, (_, i) => slot(i)));
  clearInterval(sampler);
  await sample();
  // Then idle for a while: descriptors still open now are kept, not closing.
  await delay(SETTLE_MS);
  await sample();
  const elapsedS = (performance.now() - started) / 1000;
  return report(samples, total, options, elapsedS);
}

function report(
  samples: Sample[],
  total: Tally,
  options: SoakOptions,
  elapsedS: number,
): Record<string, object[]> {
  // Flat: every later minute within 10% of the first full minute's resident set.
  const reference = samples.find((s) => s.minute >= 1)?.serverRssMiB ?? NaN;
  const later = samples.filter((s) => s.minute > 1.01 && s.minute <= options.minutes + 0.01);
  const drift = Math.max(0, ...later.map((s) => Math.abs(s.serverRssMiB / reference - 1)));
  const rss = samples.slice(1).map((s) => s.serverRssMiB);
  return {
    "every minute": samples,
    summary: [
      { figure: "streams kept open", value: options.streams },
      { figure: "minutes", value: options.minutes },
      { figure: "runs completed", value: total.runs },
      { figure: "runs SUCCESS", value: total.succeeded },
      { figure: "tokens received", value: total.received },
      { figure: "tokens/s (whole soak)", value: Math.round(total.received / elapsedS) },
      { figure: "tokens lost in SUCCESS runs", value: total.lostInSuccess },
      { figure: "tokens lost, all streams", value: total.lost },
      { figure: "tokens duplicated", value: total.duplicated },
      { figure: "server RSS after 1 min, MiB", value: reference },
      { figure: "server RSS max / last, MiB", value: `${Math.max(...rss)} / ${rss.at(-1)}` },
      {
        figure: "RSS flat within 10% after minute 1",
        value: later.length === 0
          ? "n/a (under 2 minutes)"
          : `${drift <= 0.1 ? "yes" : "NO"} (max drift ${round(drift * 100)}%)`,
      },
      {
        figure: "server fds first / max / idle after",
        value: `${samples[0]!.serverFds} / ${Math.max(...samples.map((s) => s.serverFds))} / ${
          samples.at(-1)!.serverFds
        }`,
      },
    ],
    "outcomes by code": [...total.byOutcome].sort((a, b) => b[1] - a[1])
      .map(([outcome, runs]) => ({ outcome, runs })),
  };
}

async function rssMiB(pid: number): Promise<number> {
  return Math.round(await residentKib(pid) / 1024);
}

/** The server's V8 heap figures, read from its `/metrics`; NaN when absent. */
async function heapMiB(
  base: string,
): Promise<{ heapUsedMiB: number; heapTotalMiB: number; externalMiB: number }> {
  const text = await fetch(`http://${base.replace(/\/graphql$/, "")}/metrics`)
    .then((response) => response.text())
    .catch(() => "");
  const value = (name: string) => {
    const match = new RegExp(`^${name} ([0-9.e+]+)$`, "m").exec(text);
    return match ? Math.round(Number(match[1]) / 1048576) : NaN;
  };
  return {
    heapUsedMiB: value("nodejs_heap_size_used_bytes"),
    heapTotalMiB: value("nodejs_heap_size_total_bytes"),
    externalMiB: value("nodejs_external_memory_bytes"),
  };
}

/** Open file descriptors of `pid`, from `ls /proc/<pid>/fd` (Deno reads /proc only with --allow-all). */
async function openFds(pid: number): Promise<number> {
  const ls = await new Deno.Command("ls", { args: [`/proc/${pid}/fd`], stderr: "null" }).output();
  if (!ls.success) return NaN;
  return new TextDecoder().decode(ls.stdout).split("\n").filter(Boolean).length;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
