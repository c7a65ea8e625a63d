/**
 * The main module of the `run_code` sandbox: a child `deno run` with no
 * permissions (see sandbox.ts). It reads one request from stdin, imports the
 * snippet as a `data:` module, and when the event loop has drained (timers
 * and promises the snippet left behind included) writes one report line to
 * stdout, after everything the snippet printed, marked with the request's
 * nonce so the parent can tell it from the snippet's own output.
 *
 * It imports only the shared memory watchdog (a local file of the static
 * graph, which needs no read permission) and through it a Node built-in:
 * the sandbox runs with `--no-config`, `--no-npm` and `--no-remote`, so
 * only those files and the snippet are ever loaded.
 *
 * @module
 */

import { startMemoryWatchdog } from "../../sandbox/memory_watchdog.ts";

interface SandboxRequest {
  nonce: string;
  source: string;
  mediaType: string;
  /** Longest result text; longer values are cut. */
  maxResultChars: number;
  /** Resident memory above which the watchdog raises the alarm. */
  rssLimitBytes: number;
}

/** What the parent reads after the nonce. */
interface SandboxReport {
  /** The value as JSON text, when it is plain data. */
  json?: string;
  /** The value as `Deno.inspect` shows it, when it is not plain data. */
  inspected?: string;
  error?: string;
  /** The snippet called `Deno.exit` with this code. */
  exitCode?: number;
}

const encoder = new TextEncoder();
const request = JSON.parse(await new Response(Deno.stdin.readable).text()) as SandboxRequest;
const snippetUrl = `data:${request.mediaType};base64,${base64(request.source)}`;
const snippetName = request.mediaType === "application/typescript" ? "snippet.ts" : "snippet.js";
const writeStdout = Deno.stdout.writeSync.bind(Deno.stdout);
let report: SandboxReport = {};

// "unload" fires once the event loop is empty, or on Deno.exit: either way
// after the last thing the snippet could print.
globalThis.addEventListener("unload", () => {
  const line = encoder.encode(`\n${request.nonce}${JSON.stringify(report)}\n`);
  for (let written = 0; written < line.length;) written += writeStdout(line.subarray(written));
});
const exit = Deno.exit;
Object.defineProperty(Deno, "exit", {
  value: (code?: number) => {
    report = { ...report, exitCode: code ?? 0 };
    exit(code);
  },
});

// It counts what V8's heap limit does not (ArrayBuffers); the parent kills on its alarm.
await startMemoryWatchdog(request.rssLimitBytes, `\n${request.nonce}:memory\n`);

// Web storage needs no permission in Deno and persists under DENO_DIR, which
// every run shares: it would carry data from one user's run to the next and
// let a snippet fill the disk. Snippets get none of it.
for (const name of ["localStorage", "sessionStorage", "caches"]) {
  delete (globalThis as Record<string, unknown>)[name];
}

try {
  const snippet = await import(snippetUrl);
  const value = "result" in snippet ? snippet.result : snippet.default;
  report = describe(await value);
} catch (error) {
  report = { error: cut(formatError(error)) };
}

function base64(text: string): string {
  const bytes = encoder.encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Plain data as JSON; anything else (Map, Date, class instances, functions) as inspected text. */
function describe(value: unknown): SandboxReport {
  if (value === undefined) return {};
  if (isPlainData(value, 0)) {
    const json = JSON.stringify(value);
    if (json.length <= request.maxResultChars) return { json };
  }
  return { inspected: cut(Deno.inspect(value, { depth: 6, colors: false, iterableLimit: 200 })) };
}

function cut(text: string): string {
  const max = request.maxResultChars;
  return text.length <= max ? text : `${text.slice(0, max)}… [cut at ${max} characters]`;
}

function isPlainData(value: unknown, depth: number): boolean {
  if (depth > 32) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isPlainData(item, depth + 1));
  if (typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every((item) => isPlainData(item, depth + 1));
}

/** `Name: message` and the snippet's own stack frames, with the data URL shown as a file name. */
function formatError(error: unknown): string {
  if (!(error instanceof Error)) return `Uncaught ${Deno.inspect(error, { colors: false })}`;
  const frames = (error.stack ?? "").split("\n")
    .filter((line) => line.trimStart().startsWith("at ") && line.includes(snippetUrl))
    .map((line) => line.replaceAll(snippetUrl, snippetName));
  return [`${error.name}: ${error.message}`, ...frames].join("\n");
}
