/**
 * `deno task bench`: runs every benchmark and prints one table each.
 * `deno task bench cold_start` runs only the named ones.
 *
 * @module
 */
import { benchColdStart } from "./cold_start.ts";
import { benchMemory } from "./memory.ts";

const BENCHES: Record<string, () => Promise<object[]>> = {
  cold_start: () => benchColdStart(),
  memory: () => benchMemory(),
};

const wanted = Deno.args.length > 0 ? Deno.args : Object.keys(BENCHES);
for (const name of wanted) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`Unknown benchmark "${name}"; choose from ${Object.keys(BENCHES).join(", ")}.`);
    Deno.exit(2);
  }
  console.log(`\n## ${name}\n`);
  console.table(await bench());
}
