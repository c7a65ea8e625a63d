/**
 * Processes for `bench/fanout.ts`: the Redis proxy as its own program (as
 * deployed), subscribing replicas, and CPU time read from /proc.
 *
 * @module
 */
import type { ReplicaReport } from "./fanout_replica.ts";
import type { TransportConfig } from "./fanout_transports.ts";

/** A running Redis proxy process. */
export interface ProxyProcess {
  url: string;
  token: string;
  pid: number;
  close(): Promise<void>;
}

/** Starts `src/redis_proxy/main.ts` on a free port and waits until it answers. */
export async function startProxy(): Promise<ProxyProcess> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const token = `bench-${crypto.randomUUID()}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", import.meta.resolve("../src/redis_proxy/main.ts")],
    env: { PROXY_PORT: String(port), UPSTASH_REDIS_REST_TOKEN: token },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0;; attempt++) {
    try {
      const response = await fetch(url);
      await response.body?.cancel();
      if (response.ok) break;
    } catch {
      if (attempt > 200) throw new Error(`The Redis proxy did not start on ${url}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    token,
    pid: child.pid,
    async close() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** A subscribing replica process. */
export interface Replica {
  /** Its report, once it has every token or `graceMs` after this call. */
  report(graceMs: number): Promise<ReplicaReport>;
}

/** Starts `fanout_replica.ts` and resolves once it is subscribed. */
export async function startReplica(config: TransportConfig, expected: number): Promise<Replica> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-sys",
      import.meta.resolve("./fanout_replica.ts"),
      JSON.stringify({ config, expected }),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = readLines(child.stdout);
  const ready = await lines.next();
  if (ready.value !== "ready") {
    child.kill();
    throw new Error(`A ${config.name} replica failed to subscribe: ${ready.value}`);
  }
  return {
    async report(graceMs) {
      const timer = setTimeout(() => void child.stdin.close().catch(() => {}), graceMs);
      try {
        const line = await lines.next();
        if (line.done) throw new Error(`A ${config.name} replica exited without a report`);
        return JSON.parse(line.value) as ReplicaReport;
      } finally {
        clearTimeout(timer);
        await child.stdin.close().catch(() => {});
        await child.status;
      }
    },
  };
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
    }
  }
}

const TICK_MS = 10; // USER_HZ is 100 on Linux.
const STATS =
  'for p in "$@"; do for q in $(pgrep -x "$p"); do echo "$q $(cat /proc/$q/stat 2>/dev/null)"; done; done';

/**
 * CPU ms (user + system) of every process with one of these names, by pid.
 * Through `sh` and `cat`: Deno reads /proc only with --allow-all.
 */
async function cpuByName(names: string[], extraPids: number[]): Promise<Map<number, number>> {
  const script = `${STATS}; for q in ${
    extraPids.join(" ")
  }; do echo "$q $(cat /proc/$q/stat)"; done`;
  const out = await new Deno.Command("sh", { args: ["-c", script, "sh", ...names], stderr: "null" })
    .output();
  const cpu = new Map<number, number>();
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const stat = line.slice(line.indexOf(" ") + 1);
    if (!stat.includes(")")) continue;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    cpu.set(Number(line.split(" ")[0]), (Number(fields[11]) + Number(fields[12])) * TICK_MS);
  }
  return cpu;
}

/** A reading of the broker's CPU; `since` an earlier one gives the ms used in between. */
export interface CpuReading {
  byPid: Map<number, number>;
  since(earlier: CpuReading): number;
}

/**
 * CPU of the broker's processes: named ones (all of them, `redis-server`) and
 * given pids (the proxy; the database's own Postgres backends).
 */
export async function brokerCpu(names: string[], pids: number[]): Promise<CpuReading> {
  const byPid = await cpuByName(names, pids);
  return {
    byPid,
    since(earlier) {
      let total = 0;
      // A backend that started in between counts from zero.
      for (const [pid, ms] of byPid) total += ms - (earlier.byPid.get(pid) ?? 0);
      return total;
    },
  };
}
