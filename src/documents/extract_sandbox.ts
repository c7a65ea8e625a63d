/**
 * Parses a pdf or docx in a sandboxed child (extract_child.ts), so a
 * hostile file cannot stall or bloat the server: PDF.js and mammoth run in
 * a `deno run` with no permission at all (no files, network, environment
 * or subprocesses; it may load only its own modules from the Deno cache),
 * a V8 heap limit, a watchdog on its resident memory (PDF.js decodes
 * streams into ArrayBuffers, which the heap limit does not count), and a
 * wall-clock limit. The bytes go in on stdin; the text comes back on
 * stdout, bounded.
 *
 * Where the server may not start subprocesses (Deno Deploy, or no
 * `--allow-run=deno`), parsing runs in the server's process as before, and
 * {@linkcode extractionMode} says so for the start-up log.
 *
 * @example
 * ```ts
 * const text = await extractInSandbox("pdf", bytes, { timeoutMs: 60_000, memoryMb: 256 });
 * ```
 * @module
 */
import { fileURLToPath } from "node:url";
import { isDenoDeploy } from "../config/deno_deploy.ts";
import { denoCommand } from "../sandbox/deno_command.ts";
import { heapExhausted, markerWatch, runDenoChild } from "../sandbox/deno_child.ts";
import { OutputBuffer } from "../sandbox/output_buffer.ts";
import { SANDBOX_SLOTS } from "../sandbox/slots.ts";

/** The limits of one extraction. */
export interface ExtractLimits {
  timeoutMs: number;
  /** Heap limit; the whole child may use this plus {@linkcode EXTRACT_BASELINE_MB}. */
  memoryMb: number;
}

/**
 * Resident memory of an idle extraction child with PDF.js and mammoth
 * loaded (about 95 MB measured), plus V8's young generation and code space.
 */
export const EXTRACT_BASELINE_MB = 160;

/** The most text one file may yield: past this, the file is refused rather than indexed. */
export const MAX_EXTRACTED_BYTES = 64 * 1024 * 1024;

/** Why an extraction stopped because of the file: the caller turns it into BAD_USER_INPUT. */
export class ExtractionRefusedError extends Error {
  /** `UNREADABLE` (the parser rejected it), `TIMEOUT`, `MEMORY_LIMIT` or `TOO_LARGE`. */
  readonly reason: "UNREADABLE" | "TIMEOUT" | "MEMORY_LIMIT" | "TOO_LARGE";
  constructor(reason: ExtractionRefusedError["reason"], message: string) {
    super(message);
    this.name = "ExtractionRefusedError";
    this.reason = reason;
  }
}

const CHILD = new URL("./extract_child.ts", import.meta.url);
/** The project's configuration: the child resolves `unpdf` and `mammoth` through its imports. */
const CONFIG = new URL("../../deno.json", import.meta.url);
const UNREADABLE_EXIT = 3;

/**
 * The child's `deno run` flags: no `--allow-*` (and no prompt), so it may
 * not read or write files, open sockets, read the environment or start
 * processes; only its own modules load, from the cache, resolved through
 * the project's configuration and lock file.
 */
export const EXTRACT_CHILD_FLAGS: readonly string[] = Object.freeze([
  "--quiet",
  "--no-prompt",
  "--no-remote",
  "--cached-only",
  "--frozen",
  `--config=${fileURLToPath(CONFIG)}`,
]);

/** `sandbox` when pdf and docx parsing runs in a child, `in-process` where it cannot. */
export function extractionMode(): "sandbox" | "in-process" {
  if (isDenoDeploy({ DENO_DEPLOY: envOrUndefined("DENO_DEPLOY") })) return "in-process";
  if (CHILD.protocol !== "file:" || denoCommand() === undefined) return "in-process";
  return "sandbox";
}

/**
 * The raw text of a pdf or docx, parsed in a sandboxed child. Throws
 * {@linkcode ExtractionRefusedError} when the file is at fault (unreadable,
 * too slow, too big), and a plain Error when the sandbox itself failed.
 */
export async function extractInSandbox(
  extension: "pdf" | "docx",
  bytes: Uint8Array,
  limits: ExtractLimits,
  options: { signal?: AbortSignal } = {},
): Promise<string> {
  const command = denoCommand();
  if (command === undefined) throw new Error("The server may not start the extraction sandbox.");
  const release = await SANDBOX_SLOTS.acquire(options.signal);
  try {
    return await runChild(command, extension, bytes, limits, options.signal);
  } finally {
    release();
  }
}

async function runChild(
  command: string,
  extension: "pdf" | "docx",
  bytes: Uint8Array,
  limits: ExtractLimits,
  signal: AbortSignal | undefined,
): Promise<string> {
  const nonce = crypto.randomUUID();
  const stdout = new OutputBuffer(MAX_EXTRACTED_BYTES, 0);
  const stderr = new OutputBuffer(0, 64 * 1024);
  const run = await runDenoChild(command, {
    flags: EXTRACT_CHILD_FLAGS,
    script: CHILD,
    args: [extension, String((limits.memoryMb + EXTRACT_BASELINE_MB) * 1024 * 1024), nonce],
    env: childEnv(),
    stdin: bytes,
    timeoutMs: limits.timeoutMs,
    heapMb: limits.memoryMb,
    stdout,
    stderr,
    // The child's watchdog announces an exceeded memory cap on stderr.
    watchStderr: (alarm) => markerWatch(`${nonce}:memory`, alarm),
    signal,
  });
  signal?.throwIfAborted();
  const errorText = new TextDecoder().decode(stderr.tail().bytes);
  if (run.stopped === "memory_limit" || heapExhausted(run.status, errorText)) {
    throw new ExtractionRefusedError(
      "MEMORY_LIMIT",
      `reading it needed more than the memory limit (DOCUMENT_EXTRACT_MEMORY_MB=` +
        `${limits.memoryMb}) and was stopped`,
    );
  }
  if (run.stopped === "timeout") {
    throw new ExtractionRefusedError(
      "TIMEOUT",
      `reading it took longer than the time limit (DOCUMENT_EXTRACT_TIMEOUT_MS=` +
        `${limits.timeoutMs}) and was stopped`,
    );
  }
  if (run.status.code === UNREADABLE_EXIT) {
    const marker = `${nonce}:unreadable:`;
    const line = errorText.slice(errorText.lastIndexOf(marker) + marker.length).split("\n")[0];
    throw new ExtractionRefusedError("UNREADABLE", parseReason(line));
  }
  if (!run.status.success) {
    throw new Error(
      `The extraction sandbox exited with code ${run.status.code}: ${errorText.trim().slice(-500)}`,
    );
  }
  if (stdout.total > MAX_EXTRACTED_BYTES) {
    throw new ExtractionRefusedError(
      "TOO_LARGE",
      `it holds more than ${MAX_EXTRACTED_BYTES} bytes of text`,
    );
  }
  return new TextDecoder().decode(stdout.head());
}

function parseReason(line: string | undefined): string {
  try {
    const reason = JSON.parse(line ?? "");
    return typeof reason === "string" && reason !== "" ? reason : "unknown error";
  } catch {
    return "unknown error";
  }
}

/**
 * Only what Deno needs to find its cache (where the parsers' npm packages
 * are): nothing else of the server's environment, secrets included.
 */
function childEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  for (const name of ["DENO_DIR", "HOME", "XDG_CACHE_HOME"]) {
    const value = envOrUndefined(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

function envOrUndefined(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: then the child inherits nothing
  }
}
