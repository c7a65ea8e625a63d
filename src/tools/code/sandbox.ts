/**
 * Runs a snippet in a child `deno run` with no permissions, a time limit and
 * a memory limit. A child process, not a Worker, because a Worker cannot
 * have both: `new Worker(url, {deno: {permissions: "none"}})` drops every
 * permission, but its heap shares the server's V8 limit, and a Worker that
 * exhausts it aborts the whole server ("Fatal JavaScript out of memory");
 * `node:worker_threads` honours `resourceLimits` but always inherits the
 * server's permissions. The child gets:
 * - no `--allow-*` flag and `--no-prompt`, so files, network, environment,
 *   subprocesses, FFI and system information are all refused;
 * - `--no-remote`, `--no-npm`, `--no-config`, `--no-lock`: it loads the
 *   harness and the snippet and nothing else;
 * - an empty environment but for Deno's cache location, so not even a
 *   permission bug could reveal the server's secrets;
 * - `--max-old-space-size` for its heap, and a watchdog on the process's
 *   resident memory for what the heap limit does not count (ArrayBuffers):
 *   a Worker in the harness, because the server may not read /proc/<pid>
 *   (Deno asks for --allow-all there) and the snippet's thread may be busy;
 * - SIGKILL on the time limit or when the run is aborted.
 *
 * @example
 * ```ts
 * const outcome = await runInSandbox(prepareSnippet("javascript", "1 + 1"), {
 *   timeoutMs: 5000, memoryMb: 128, maxOutputBytes: 65536,
 * });
 * outcome.result; // 2
 * ```
 * @module
 */
import { join } from "node:path";
import { isDenoDeploy } from "../../config/deno_deploy.ts";
import { OutputBuffer } from "../../sandbox/output_buffer.ts";
import { SANDBOX_SLOTS } from "../../sandbox/slots.ts";
import { denoCommand } from "../../sandbox/deno_command.ts";
import {
  type DenoChildResult,
  heapExhausted,
  lastIndexOf,
  markerWatch,
  runDenoChild,
} from "../../sandbox/deno_child.ts";
import type { SnippetModule } from "./snippet_module.ts";

/** The limits of one run. */
export interface SandboxLimits {
  timeoutMs: number;
  /** Heap limit; the whole process may use this plus {@linkcode SANDBOX_BASELINE_MB}. */
  memoryMb: number;
  /** Output kept from stdout and from stderr, each. */
  maxOutputBytes: number;
}

/** How a run ended. */
export type SandboxStatus = "ok" | "error" | "timeout" | "memory_limit" | "exited";

/** What a run printed and produced. */
export interface SandboxOutcome {
  status: SandboxStatus;
  stdout: string;
  stderr: string;
  /** The value, when it was plain data (JSON). */
  result?: unknown;
  /** The value as `Deno.inspect` shows it, when it was not plain data. */
  resultText?: string;
  error?: string;
  exitCode?: number;
  durationMs: number;
}

/** Resident memory of an idle sandbox plus V8's young generation and code space. */
export const SANDBOX_BASELINE_MB = 96;

const HARNESS = new URL("./sandbox_harness.ts", import.meta.url);

/**
 * Where each run gets a cache directory of its own (its DENO_DIR), removed
 * when it ends. Deno caches a TypeScript snippet's transpiled text there;
 * in a shared cache every distinct snippet, and the data pasted into it,
 * would stay on disk for good. Under `.data`, the one folder `deno task
 * start` may write.
 */
const RUN_CACHE_ROOT = join(Deno.cwd(), ".data", "sandbox");
/** The snippet's module URL as Deno prints it in uncaught errors. */
const DATA_URL = /data:(?:text\/javascript|application\/typescript)[;,A-Za-z0-9+/=]*/g;

/**
 * Why the sandbox cannot run here, or undefined when it can: Deno Deploy
 * has no subprocesses, and elsewhere the server needs `--allow-run` for the
 * Deno binary.
 */
export function sandboxUnavailable(env: Record<string, string | undefined>): string | undefined {
  if (isDenoDeploy(env)) {
    return "Deno Deploy cannot start subprocesses, and the code sandbox is one.";
  }
  if (HARNESS.protocol !== "file:") return "The sandbox harness is not a local file.";
  if (denoCommand() === undefined) {
    return "The server may not start the sandbox: run it with --allow-run=deno " +
      "(deno task start does).";
  }
  if (Deno.permissions.querySync({ name: "write", path: RUN_CACHE_ROOT }).state !== "granted") {
    return `The server may not write the sandbox's cache under ${RUN_CACHE_ROOT}: ` +
      "run it with --allow-write=.data (deno task start does).";
  }
  return undefined;
}

/**
 * Runs one snippet, waiting for a free slot first; aborting `signal` kills
 * the sandbox (or stops the wait) and rejects with its reason.
 */
export async function runInSandbox(
  snippet: SnippetModule,
  limits: SandboxLimits,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<SandboxOutcome> {
  const release = await SANDBOX_SLOTS.acquire(options.signal);
  try {
    return await runOne(snippet, limits, options.signal);
  } finally {
    release();
  }
}

async function runOne(
  snippet: SnippetModule,
  limits: SandboxLimits,
  signal: AbortSignal | undefined,
): Promise<SandboxOutcome> {
  signal?.throwIfAborted();
  const command = denoCommand();
  if (command === undefined) {
    throw new Error(sandboxUnavailable({ DENO_DEPLOY: Deno.env.get("DENO_DEPLOY") }));
  }
  const started = performance.now();
  const nonce = crypto.randomUUID();
  const cacheDir = join(RUN_CACHE_ROOT, nonce);
  await Deno.mkdir(cacheDir, { recursive: true });
  try {
    return await runIn(command, cacheDir, nonce, started, snippet, limits, signal);
  } finally {
    // Only a server killed mid-run leaves one behind; .data/sandbox may be emptied any time
    // no sandbox runs.
    await Deno.remove(cacheDir, { recursive: true }).catch(() => {});
  }
}

async function runIn(
  command: string,
  cacheDir: string,
  nonce: string,
  started: number,
  snippet: SnippetModule,
  limits: SandboxLimits,
  signal: AbortSignal | undefined,
): Promise<SandboxOutcome> {
  const stdout = new OutputBuffer(limits.maxOutputBytes, limits.maxOutputBytes * 4 + 65_536);
  const stderr = new OutputBuffer(limits.maxOutputBytes, 0);
  const request = JSON.stringify({
    nonce,
    source: snippet.source,
    mediaType: snippet.mediaType,
    maxResultChars: limits.maxOutputBytes,
    rssLimitBytes: (limits.memoryMb + SANDBOX_BASELINE_MB) * 1024 * 1024,
  });
  const run = await runDenoChild(command, {
    flags: ["--quiet", "--no-prompt", "--no-remote", "--no-npm", "--no-config", "--no-lock"],
    script: HARNESS,
    env: childEnv(cacheDir),
    stdin: new TextEncoder().encode(request),
    timeoutMs: limits.timeoutMs,
    heapMb: limits.memoryMb,
    stdout,
    stderr,
    // The harness's watchdog announces an exceeded memory cap on stderr.
    watchStderr: (alarm) => markerWatch(`${nonce}:memory`, alarm),
    signal,
  });
  if (run.stopped === "aborted") signal?.throwIfAborted();
  return outcome({
    run,
    nonce,
    stdout,
    stderr,
    limits,
    durationMs: Math.round(performance.now() - started),
  });
}

/** Only the run's own cache: nothing of the server's environment. */
function childEnv(cacheDir: string): Record<string, string> {
  return { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DENO_DIR: cacheDir };
}

interface Ended {
  run: DenoChildResult;
  nonce: string;
  stdout: OutputBuffer;
  stderr: OutputBuffer;
  limits: SandboxLimits;
  durationMs: number;
}

interface Report {
  json?: string;
  inspected?: string;
  error?: string;
  exitCode?: number;
}

function outcome(run: Ended): SandboxOutcome {
  const { report, stdoutBytes } = splitReport(run.stdout, run.nonce);
  const stdout = shown(run.stdout.head(), stdoutBytes, run.limits.maxOutputBytes);
  let stderr = shown(run.stderr.head(), run.stderr.total, run.limits.maxOutputBytes)
    .replace(
      DATA_URL,
      (url) => url.startsWith("data:application/typescript") ? "snippet.ts" : "snippet.js",
    );
  const base = { stdout, stderr, durationMs: run.durationMs };
  const { status, stopped } = run.run;
  if (stopped === "memory_limit" || (report === undefined && heapExhausted(status, stderr))) {
    return {
      ...base,
      stderr: "",
      status: "memory_limit",
      error:
        `The snippet used more than its memory limit (${run.limits.memoryMb} MB) and was stopped.`,
    };
  }
  if (stopped === "timeout") {
    return {
      ...base,
      status: "timeout",
      error: `The snippet ran longer than its time limit (${run.limits.timeoutMs / 1000} s) and ` +
        "was stopped. Look for endless loops or unresolved promises.",
    };
  }
  if (report?.exitCode !== undefined) {
    return {
      ...base,
      status: "exited",
      exitCode: report.exitCode,
      error: `The snippet called Deno.exit(${report.exitCode}).`,
    };
  }
  if (report === undefined) {
    stderr = stderr.trim();
    return {
      ...base,
      stderr: "",
      status: "error",
      exitCode: status.code,
      error: stderr === ""
        ? `The sandbox exited with code ${status.code} without a result.`
        : stderr,
    };
  }
  if (report.error !== undefined) return { ...base, status: "error", error: report.error };
  const value: Pick<SandboxOutcome, "result" | "resultText"> = {};
  if (report.json !== undefined) value.result = JSON.parse(report.json);
  if (report.inspected !== undefined) value.resultText = report.inspected;
  return { ...base, status: "ok", ...value };
}

/** The report after the last nonce, and how many stdout bytes came before it. */
function splitReport(
  stdout: OutputBuffer,
  nonce: string,
): { report: Report | undefined; stdoutBytes: number } {
  const { bytes, offset } = stdout.tail();
  const marker = new TextEncoder().encode(`\n${nonce}`);
  const at = lastIndexOf(bytes, marker);
  if (at < 0) return { report: undefined, stdoutBytes: stdout.total };
  try {
    const text = new TextDecoder().decode(bytes.subarray(at + marker.length)).trim();
    return { report: JSON.parse(text) as Report, stdoutBytes: offset + at };
  } catch {
    return { report: undefined, stdoutBytes: stdout.total };
  }
}

/** The first `limit` bytes of `total` as text, with a note when some were cut. */
function shown(head: Uint8Array, total: number, limit: number): string {
  const text = new TextDecoder().decode(head.subarray(0, Math.min(total, limit)));
  if (total <= limit) return text;
  return `${text}\n[output truncated: showing the first ${limit} of ${total} bytes]`;
}
