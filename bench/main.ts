/**
 * `deno task bench`: runs every benchmark and prints one table each.
 * `deno task bench cold_start` runs only the named ones; `--flag value`
 * arguments go to the named benches (`deno task bench soak --minutes 2`).
 *
 * @module
 */
import { benchAgents } from "./agents.ts";
import { benchCheckpointer } from "./checkpointer.ts";
import { benchClientKit } from "./client_kit.ts";
import { benchDocuments } from "./documents.ts";
import { benchCodeSandbox } from "./code_sandbox.ts";
import { benchColdStart } from "./cold_start.ts";
import { benchFanout } from "./fanout.ts";
import { benchMemory } from "./memory.ts";
import { benchProjectStatus } from "./project_status.ts";
import { benchRequestGuards } from "./request_guards.ts";
import { benchSoak } from "./soak.ts";
import { benchStreaming } from "./streaming.ts";

/** A bench returns one table, or several by title; it gets the command line's flags. */
const BENCHES: Record<string, (flags: string[]) => Promise<object[] | Record<string, object[]>>> = {
  agents: () => benchAgents(),
  cold_start: () => benchColdStart(),
  code_sandbox: () => benchCodeSandbox(),
  checkpointer: () => benchCheckpointer(),
  client_kit: () => benchClientKit(),
  documents: () => benchDocuments(),
  fanout: () => benchFanout(),
  memory: () => benchMemory(),
  project_status: () => benchProjectStatus(),
  request_guards: () => benchRequestGuards(),
  // Loaded on demand: the replica harness probes PostgreSQL and Redis when imported.
  scaleout: async () => (await import("./scaleout.ts")).benchScaleout(),
  // Not in the default run: it takes ten minutes.
  soak: (flags) => benchSoak(flags),
  streaming: () => benchStreaming(),
};

/** Bench names, and the flags after them (`--name value` or `--name=value`). */
function splitArgs(args: string[]): { names: string[]; flags: string[] } {
  const names: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) names.push(arg);
    else if (arg.includes("=") || i + 1 === args.length) flags.push(arg);
    else flags.push(arg, args[++i]!);
  }
  return { names, flags };
}

const { names, flags } = splitArgs(Deno.args);
const wanted = names.length > 0 ? names : Object.keys(BENCHES).filter((name) => name !== "soak");
for (const name of wanted) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`Unknown benchmark "${name}"; choose from ${Object.keys(BENCHES).join(", ")}.`);
    Deno.exit(2);
  }
  console.log(`\n## ${name}\n`);
  const result = await bench(flags);
  if (Array.isArray(result)) console.table(result);
  else {
    for (const [title, rows] of Object.entries(result)) {
      console.log(`\n### ${title}\n`);
      console.table(rows);
    }
  }
}
