/**
 * client/generated.ts is what `deno task client:types` makes from
 * schema/schema.graphql and client/operations.graphql today.
 */
import assert from "node:assert/strict";
import { generateClientTypes } from "../../scripts/client_types.ts";

Deno.test("client/generated.ts matches the schema and the operations", async () => {
  const expected = await generateClientTypes();
  const actual = await Deno.readTextFile(new URL("../../client/generated.ts", import.meta.url));
  assert.ok(
    actual === expected,
    "client/generated.ts is out of date: run `deno task client:types` and commit the result",
  );
});

Deno.test("a field the operations use cannot disappear from the schema unnoticed", async () => {
  const schemaText = await Deno.readTextFile(
    new URL("../../schema/schema.graphql", import.meta.url),
  );
  const renamed = schemaText.replace(
    /(type TokenEvent implements RunEvent \{[^}]*?)\btext: String!/,
    "$1body: String!",
  );
  assert.notEqual(renamed, schemaText, "the test's edit applied");
  await assert.rejects(generateClientTypes({ schemaText: renamed }), /text/);
});
