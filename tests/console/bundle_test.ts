/**
 * src/console/dist (checked in, served at /console) is what
 * `deno task console:build` makes from console/ and client/ today.
 */
import assert from "node:assert/strict";
import { buildConsole, staleFiles } from "../../scripts/build_console.ts";

Deno.test("src/console/dist is up to date with console/ and client/", async () => {
  const stale = await staleFiles(await buildConsole());
  assert.deepEqual(stale, [], "run `deno task console:build` and commit src/console/dist");
});
