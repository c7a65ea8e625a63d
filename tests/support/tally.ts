/**
 * Counts the attacks the suite makes: cross-tenant attempts (one user
 * reaching for another's data) and bad inputs (anything that must be
 * refused). Tests register each attempt as they make it; when a test file
 * finishes, its tally is printed, and appended as one JSON line to
 * `$GRAPHMIND_TALLY_FILE` when that is set, so `deno task tally` can add up
 * a whole run:
 *
 * ```sh
 * GRAPHMIND_TALLY_FILE=.data/tally.jsonl deno task test && deno task tally .data/tally.jsonl
 * ```
 *
 * Register an attempt where it is made, with what was tried, so the count
 * cannot drift from the tests: `crossTenant("thread(id) as bob")`.
 *
 * @module
 */

/** One test file's counts, as written to the tally file. */
export interface FileTally {
  file: string;
  crossTenant: number;
  badInput: number;
  /** Count per description, e.g. `{"thread(id) as bob": 3}`. */
  items: Record<string, number>;
}

const tally: FileTally = {
  file: Deno.mainModule.replace(/^file:\/\/.*?\/tests\//, "tests/"),
  crossTenant: 0,
  badInput: 0,
  items: {},
};

function add(kind: "crossTenant" | "badInput", what: string, times: number): void {
  tally[kind] += times;
  const key = `${kind === "crossTenant" ? "cross-tenant" : "bad input"}: ${what}`;
  tally.items[key] = (tally.items[key] ?? 0) + times;
}

/** Registers `times` attempts to reach another user's data. */
export function crossTenant(what: string, times = 1): void {
  add("crossTenant", what, times);
}

/** Registers `times` requests with input the API must refuse. */
export function badInput(what: string, times = 1): void {
  add("badInput", what, times);
}

/** This file's counts so far. */
export function currentTally(): Readonly<FileTally> {
  return tally;
}

globalThis.addEventListener("unload", () => {
  if (tally.crossTenant + tally.badInput === 0) return;
  console.log(
    `tally ${tally.file}: ${tally.crossTenant} cross-tenant attempts, ${tally.badInput} bad inputs`,
  );
  const path = Deno.env.get("GRAPHMIND_TALLY_FILE");
  if (path) Deno.writeTextFileSync(path, JSON.stringify(tally) + "\n", { append: true });
});
