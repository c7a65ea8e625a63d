/**
 * `deno task tally <file>`: adds up the attack tally a test run wrote (see
 * tests/support/tally.ts) and prints the totals and each file's counts.
 *
 * @module
 */
import type { FileTally } from "../tests/support/tally.ts";

/** Sums JSON-lines tallies; a file tallied twice (re-run) counts once, last wins. */
export function sumTallies(
  text: string,
): { files: FileTally[]; crossTenant: number; badInput: number } {
  const byFile = new Map<string, FileTally>();
  for (const line of text.split("\n")) {
    if (line.trim()) {
      const tally = JSON.parse(line) as FileTally;
      byFile.set(tally.file, tally);
    }
  }
  const files = [...byFile.values()].sort((a, b) => a.file.localeCompare(b.file));
  return {
    files,
    crossTenant: files.reduce((sum, f) => sum + f.crossTenant, 0),
    badInput: files.reduce((sum, f) => sum + f.badInput, 0),
  };
}

if (import.meta.main) {
  const path = Deno.args[0];
  if (!path) {
    console.error("usage: deno task tally <tally.jsonl>  (written by GRAPHMIND_TALLY_FILE=...)");
    Deno.exit(2);
  }
  const { files, crossTenant, badInput } = sumTallies(await Deno.readTextFile(path));
  console.table(
    files.map((f) => ({ file: f.file, crossTenant: f.crossTenant, badInput: f.badInput })),
  );
  console.log(`total: ${crossTenant} cross-tenant attempts, ${badInput} bad inputs`);
}
