/**
 * Starts the real server process (`src/main.ts`, with the permissions of the
 * `start` task in deno.json) on a free port, collects its JSON log lines and
 * stops it with a signal.
 *
 * @module
 */
import { GENEROUS_RATE_LIMITS } from "./rate_limits.ts";

/** A running server process. */
export interface ServerProcess {
  url: string;
  port: number;
  /** Every JSON log line so far. */
  logs: Record<string, unknown>[];
  /** Milliseconds from spawn to the first 200 from /health. */
  startupMs: number;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
  pid: number;
  /** Everything on stderr so far, and stdout lines that were not JSON. */
  stderr(): string;
}

const root = new URL("../../", import.meta.url);

/** The `deno run` arguments of the `start` task, so tests run what users run. */
export async function startTaskArgs(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  const task: string = config.tasks.start;
  const args = task.split(/\s+/);
  if (args[0] !== "deno") throw new Error(`unexpected start task: ${task}`);
  return args.slice(1);
}

/** Spawns the server with `env` on a free port and waits for /health. */
export async function startServer(
  env: Record<string, string> = {},
  options: {
    timeoutMs?: number;
    denoFlags?: string[];
    /** Keep only the last this many log lines (a long benchmark logs without end). */
    keepLogs?: number;
    /** Keep only the log lines this accepts (the `listening` line is read either way). */
    keepLog?: (entry: Record<string, unknown>) => boolean;
    /** `deno` arguments instead of the `start` task's (another server, e.g. a benchmark's baseline). */
    args?: string[];
  } = {},
): Promise<ServerProcess> {
  const args = options.args ? [...options.args] : await startTaskArgs();
  // Extra `deno run` flags (e.g. `--cpu-prof` for a benchmark) go before the script.
  args.splice(1, 0, ...(options.denoFlags ?? []));
  const spawnedAt = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: root.pathname,
    // Only what a fresh shell would have, so a variable exported on the
    // developer's machine cannot make a test pass or fail.
    clearEnv: true,
    env: {
      ...inherited("PATH", "HOME", "DENO_DIR", "TMPDIR"),
      PGLITE_DATA_DIR: "memory://",
      LOG_LEVEL: "info",
      ...GENEROUS_RATE_LIMITS,
      ...env,
      PORT: "0",
      HOST: "127.0.0.1",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const logs: Record<string, unknown>[] = [];
  let stderr = "";
  let resolvePort: (port: number) => void;
  const portFound = new Promise<number>((resolve) => resolvePort = resolve);
  const stdoutDone = readLines(child.stdout, (line) => {
    try {
      const entry = JSON.parse(line);
      if (options.keepLog?.(entry) ?? true) logs.push(entry);
      if (options.keepLogs !== undefined && logs.length > options.keepLogs) logs.shift();
      if (entry.message === "listening") resolvePort(entry.port);
    } catch {
      stderr += line + "\n";
    }
  });
  const stderrDone = readLines(child.stderr, (line) => stderr += line + "\n");
  const exited = child.status;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const port = await Promise.race([
    portFound,
    exited.then((s) => Promise.reject(new Error(`server exited ${s.code}: ${stderr}`))),
    delay(timeoutMs).then(() => Promise.reject(new Error(`server did not listen: ${stderr}`))),
  ]);
  const url = `http://127.0.0.1:${port}`;
  let startupMs = 0;
  let running = true;
  exited.then(() => running = false);
  const deadline = spawnedAt + timeoutMs;
  for (;;) {
    if (!running || performance.now() > deadline) {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      throw new Error(`server never answered /health with 200: ${stderr}`);
    }
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) })
      .catch(() => undefined);
    await response?.body?.cancel();
    if (response?.status === 200) {
      startupMs = performance.now() - spawnedAt;
      break;
    }
    await delay(20);
  }
  return {
    url,
    port,
    logs,
    startupMs,
    pid: child.pid,
    stderr: () => stderr,
    async stop(signal: Deno.Signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
      const status = await exited;
      await Promise.all([stdoutDone, stderrDone]);
      return status.code;
    },
  };
}

function inherited(...names: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim()) onLine(line);
    }
  }
  if (buffer.trim()) onLine(buffer);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    Deno.unrefTimer(timer as unknown as number);
  });
}

/**
 * The server's warnings and errors logged at or after `fromIso`, one line
 * each with the exception's message: what a failed step's message needs
 * when the run cannot be repeated with its full log kept (CI, a soak).
 */
export function problemsSince(
  server: { logs: Record<string, unknown>[] },
  fromIso: string,
  limit = 12,
): string {
  const lines = server.logs
    .filter((l) =>
      String(l.timestamp ?? "") >= fromIso && l.level !== "INFO" && l.level !== "DEBUG"
    )
    .map((l) => {
      const exception = l.exception as { message?: string } | undefined;
      const run = l.run_id === undefined ? "" : ` run ${l.run_id}`;
      return `${l.timestamp} ${l.level} ${l.message}${run}: ${exception?.message ?? ""}`;
    });
  return lines.slice(-limit).join("\n");
}
