/**
 * Latency of one `run_code` call through its definition: a child `deno run`
 * started, the snippet run, the report read. `1 + 1` measures start-up; the
 * other rows add parsing TypeScript and a small computation.
 *
 * @module
 */
import { runCode } from "../src/tools/code/run_code.ts";
import { callTool } from "../tests/tools/support.ts";

/** One row of the table. */
export interface CodeSandboxRow {
  snippet: string;
  runs: number;
  msMedian: number;
  msP90: number;
  msMax: number;
}

const RUNS = 20;
const SNIPPETS: [string, "javascript" | "typescript", string][] = [
  ["1 + 1", "javascript", "1 + 1"],
  [
    "TypeScript, typed loop",
    "typescript",
    "let s: number = 0;\nfor (let i = 0; i < 1e6; i++) s += i;\ns",
  ],
  ["console.log x 1000", "javascript", "for (let i = 0; i < 1000; i++) console.log(i);"],
];

export async function benchCodeSandbox(): Promise<CodeSandboxRow[]> {
  const rows: CodeSandboxRow[] = [];
  for (const [name, language, code] of SNIPPETS) {
    await callTool(runCode, { language, code }); // warm Deno's transpile cache
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const report = JSON.parse(String(await callTool(runCode, { language, code })));
      samples.push(performance.now() - start);
      if (report.status !== "ok") throw new Error(`${name}: ${JSON.stringify(report)}`);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]! * 10) / 10;
    rows.push({ snippet: name, runs: RUNS, msMedian: at(0.5), msP90: at(0.9), msMax: at(1) });
  }
  return rows;
}
