/**
 * The README's configuration table stays true: every variable the
 * configuration reads has a row, and every row names a variable something
 * reads.
 */
import assert from "node:assert/strict";
import { configVariables } from "../deploy/support/config_vars.ts";

const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Performance"));
const rows = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1] ?? "");

Deno.test("the README's configuration table has a row for every variable", () => {
  const missing = configVariables().filter((name) => !rows.includes(name));
  assert.deepEqual(missing, []);
});

Deno.test("the README's configuration table names only variables the configuration reads", () => {
  const known = new Set(configVariables());
  assert.deepEqual(rows.filter((name) => !known.has(name)), []);
});
