/**
 * Runs one sandboxed child: `deno run` with the flags the caller chose (no
 * `--allow-*` unless it asks), a V8 heap limit, an environment of the
 * caller's choosing (never the server's), the input on stdin, bounded
 * output buffers, and SIGKILL on the time limit, on a memory alarm, or
 * when `signal` aborts. The `run_code` sandbox (src/tools/code/) and
 * document text extraction (src/documents/) both run their children here.
 *
 * A child process rather than a Worker: a Worker's heap shares the server's
 * V8 limit, and one that exhausts it aborts the whole server.
 *
 * @example
 * ```ts
 * const stdout = new OutputBuffer(1 << 20, 0);
 * const stderr = new OutputBuffer(4096, 0);
 * const run = await runDenoChild(denoCommand()!, {
 *   flags: ["--quiet", "--no-prompt"],
 *   script: new URL("./child.ts", import.meta.url),
 *   env: { NO_COLOR: "1" },
 *   stdin: new Uint8Array(),
 *   timeoutMs: 5000,
 *   heapMb: 128,
 *   stdout,
 *   stderr,
 * });
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import { fileURLToPath } from "node:url";
import type { OutputBuffer } from "./output_buffer.ts";

/** Why the parent stopped the child, when it did. */
export type ChildStop = "timeout" | "memory_limit" | "aborted";

/** One child run. */
export interface DenoChildOptions {
  /** `deno run` flags: permissions, `--no-remote` and the like. */
  flags: readonly string[];
  /** The child's main module; a local file. */
  script: URL;
  /** Arguments after the script (`Deno.args` in the child). */
  args?: string[];
  /** The child's whole environment. */
  env: Record<string, string>;
  /** Written to the child's stdin, which is then closed. */
  stdin: Uint8Array;
  timeoutMs: number;
  /** V8 heap limit (`--max-old-space-size`), in MB. */
  heapMb: number;
  stdout: OutputBuffer;
  stderr: OutputBuffer;
  /**
   * Watches stderr, chunk by chunk; call `alarm` to stop the child for using
   * too much memory (see memory_watchdog.ts).
   */
  watchStderr?: (alarm: () => void) => (chunk: Uint8Array) => void;
  signal?: AbortSignal | undefined;
}

/** How a child ended. */
export interface DenoChildResult {
  status: Deno.CommandStatus;
  /** Set when the parent killed it. */
  stopped: ChildStop | undefined;
  durationMs: number;
}

/** Spawns the child, feeds it, waits for it to end, and says how it did. */
export async function runDenoChild(
  command: string,
  options: DenoChildOptions,
): Promise<DenoChildResult> {
  const started = performance.now();
  const child = new Deno.Command(command, {
    args: [
      "run",
      ...options.flags,
      `--v8-flags=--max-old-space-size=${options.heapMb}`,
      fileURLToPath(options.script),
      ...(options.args ?? []),
    ],
    clearEnv: true,
    env: options.env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  let stopped: ChildStop | undefined;
  const stop = (why: ChildStop) => {
    if (stopped !== undefined) return;
    stopped = why;
    try {
      child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
  };
  const timer = setTimeout(() => stop("timeout"), options.timeoutMs);
  const onAbort = () => stop("aborted");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const watch = options.watchStderr?.(() => stop("memory_limit"));
  try {
    const [status] = await Promise.all([
      child.status,
      writeAll(child.stdin, options.stdin),
      options.stdout.drain(child.stdout),
      options.stderr.drain(child.stderr, watch),
    ]);
    return { status, stopped, durationMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

async function writeAll(stdin: WritableStream<Uint8Array>, bytes: Uint8Array): Promise<void> {
  const writer = stdin.getWriter();
  try {
    await writer.write(bytes);
    await writer.close();
  } catch {
    // The child died before reading all of it; its status says why.
  }
}

/**
 * True when V8 ran out of heap: it aborts with SIGTRAP (exit code 133) and
 * says so on stderr.
 */
export function heapExhausted(status: Deno.CommandStatus, stderr: string): boolean {
  return status.signal === "SIGTRAP" || status.code === 133 ||
    /out of memory|heap limit/i.test(stderr);
}

/** Calls `onFound` once `marker` appears in a stream, even split across chunks. */
export function markerWatch(marker: string, onFound: () => void): (chunk: Uint8Array) => void {
  const needle = new TextEncoder().encode(marker);
  let carry = new Uint8Array(0);
  let found = false;
  return (chunk) => {
    if (found) return;
    const joined = Buffer.concat([carry, chunk]);
    if (lastIndexOf(joined, needle) >= 0) {
      found = true;
      onFound();
    }
    carry = joined.slice(Math.max(0, joined.length - needle.length + 1));
  };
}

/** The last index of `needle` in `haystack`, or -1. */
export function lastIndexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = haystack.length - needle.length; i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
