/**
 * `deno task bench`: runs every benchmark and prints one table each.
 * `deno task bench cold_start` runs only the named ones.
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
import { benchStreaming } from "./streaming.ts";

/** A bench returns one table, or several by title. */
const BENCHES: Record<string, () => Promise<object[] | Record<string, object[]>>> = {
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
  streaming: () => benchStreaming(),
};

const wanted = Deno.args.length > 0 ? Deno.args : Object.keys(BENCHES);
for (const name of wanted) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`Unknown benchmark "${name}"; choose from ${Object.keys(BENCHES).join(", ")}.`);
    Deno.exit(2);
  }
  console.log(`\n## ${name}\n`);
  const result = await bench();
  if (Array.isArray(result)) console.table(result);
  else {
    for (const [title, rows] of Object.entries(result)) {
      console.log(`\n### ${title}\n`);
      console.table(rows);
    }
  }
}
