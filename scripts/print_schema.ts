/**
 * Writes `schema/schema.graphql` (`deno task schema`). A test fails when the
 * checked-in file drifts from the code.
 *
 * @module
 */
import { printSdl } from "../src/graphql/schema.ts";

const target = new URL("../schema/schema.graphql", import.meta.url);
await Deno.writeTextFile(target, printSdl());
console.log(`wrote ${target.pathname}`);
