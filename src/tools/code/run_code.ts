/**
 * The `run_code` tool: runs a JavaScript or TypeScript snippet in the
 * sandbox (sandbox.ts) and gives the model what a REPL would show: the
 * output, the value of the last expression (or of a top-level `result`),
 * or the error. A snippet's own failure (a syntax error, an exception, the
 * time or memory limit) is a result the model can act on, so it comes back
 * as JSON like any other; only a sandbox that cannot start is an error.
 *
 * @module
 */
import { z } from "zod";
import { defineTool } from "../../core/tool.ts";
import { runInSandbox, type SandboxOutcome, sandboxUnavailable } from "./sandbox.ts";
import { prepareSnippet, SnippetSyntaxError } from "./snippet_module.ts";
import { offlineSnippet } from "./offline_snippet.ts";

/** Longest snippet accepted, in characters. */
export const MAX_SNIPPET_CHARS = 100_000;

const schema = z.object({
  language: z.enum(["javascript", "typescript"]).describe(
    "The snippet's language; TypeScript types are stripped, not checked.",
  ),
  code: z.string().min(1).max(MAX_SNIPPET_CHARS).describe(
    "The code. Top-level await works. The value of the last expression statement, " +
      "or of a top-level variable named `result`, is returned; console output is captured.",
  ),
});

/** What the model reads, as JSON. */
export interface RunCodeReport {
  status: SandboxOutcome["status"];
  stdout?: string;
  stderr?: string;
  result?: unknown;
  error?: string;
  durationMs: number;
}

/** Runs JavaScript or TypeScript without access to files, network or environment. */
export const runCode = defineTool({
  name: "run_code",
  description: "Runs a JavaScript or TypeScript snippet in an isolated Deno sandbox and returns " +
    "its console output, the value of its last expression (or of a top-level `result` " +
    "variable) and any error, as JSON. Use it to calculate, transform data or check code. " +
    "The sandbox has no file, network, environment or subprocess access and no imports " +
    "(only the language and Deno's built-ins), and each run is limited in time and memory " +
    "and starts fresh.",
  permission: "code:execute",
  schema,
  unavailable: () => sandboxUnavailable({ DENO_DEPLOY: Deno.env.get("DENO_DEPLOY") }),
  async run({ language, code }, context) {
    const { code: limits } = context.services.config;
    let outcome: SandboxOutcome;
    try {
      outcome = await runInSandbox(prepareSnippet(language, code), {
        timeoutMs: limits.timeoutSeconds * 1000,
        memoryMb: limits.memoryMb,
        maxOutputBytes: limits.maxOutputBytes,
      }, { signal: context.signal });
    } catch (error) {
      if (!(error instanceof SnippetSyntaxError)) throw error;
      outcome = { status: "error", stdout: "", stderr: "", error: error.message, durationMs: 0 };
    }
    return JSON.stringify(report(outcome));
  },
  offlineArgs: offlineSnippet,
});

function report(outcome: SandboxOutcome): RunCodeReport {
  const out: RunCodeReport = { status: outcome.status, durationMs: outcome.durationMs };
  if (outcome.stdout !== "") out.stdout = outcome.stdout;
  if (outcome.stderr !== "") out.stderr = outcome.stderr;
  if ("result" in outcome) out.result = outcome.result;
  else if (outcome.resultText !== undefined) out.result = outcome.resultText;
  if (outcome.error !== undefined) out.error = outcome.error;
  return out;
}
