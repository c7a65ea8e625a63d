/**
 * The JSON, JSONObject and DateTime scalars (graphql-scalars): variables
 * inside JSON literals over HTTP, the input limits on what they carry, the
 * DateTime output format clients rely on, and bad input as BAD_USER_INPUT.
 */
import assert from "node:assert/strict";
import { graphql, GraphQLObjectType, GraphQLSchema, GraphQLString } from "graphql";
import { type GraphQLBody, startTestApp } from "../support/app.ts";
import { badInput } from "../support/tally.ts";
import { GraphQLDateTime, GraphQLJSON, GraphQLJSONObject } from "../../src/graphql/scalars.ts";
import { maskError } from "../../src/graphql/errors.ts";
import { createLogger } from "../../src/observability/logger.ts";

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function data<T>(body: GraphQLBody): T {
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data as T;
}

function firstError(body: GraphQLBody) {
  assert.ok(body.errors?.length, `expected an error, got ${JSON.stringify(body.data)}`);
  return body.errors[0]!;
}

Deno.test("JSON literals may contain variables, and the input limits still apply", async (t) => {
  const app = await startTestApp({ MEMORY_MAX_VALUE_BYTES: "1024" });
  try {
    await t.step("putMemory's value: {content: $c}", async () => {
      const put = data<{ putMemory: { key: string; value: unknown; createdAt: string } }>(
        await app.graphql(
          `mutation($c: String!) {
            putMemory(input: {namespace: ["notes"], key: "tea", value: {content: $c, tags: [$c, "x"]}}) {
              key value createdAt
            }
          }`,
          { c: "likes green tea" },
        ),
      ).putMemory;
      assert.equal(put.key, "tea");
      assert.deepEqual(put.value, { content: "likes green tea", tags: ["likes green tea", "x"] });
      assert.match(put.createdAt, ISO_MS, "DateTime stays toISOString(), with milliseconds");
      const read = data<{ memory: { value: unknown } }>(
        await app.graphql('{ memory(namespace: ["notes"], key: "tea") { value } }'),
      );
      assert.deepEqual(read.memory.value, put.value);
    });

    await t.step("createThread's metadata: {source: $s, extra: $extra}", async () => {
      const thread = data<{ createThread: { metadata: unknown; createdAt: string } }>(
        await app.graphql(
          `mutation($s: String!, $extra: JSON) {
            createThread(input: {title: "vars", metadata: {source: $s, extra: $extra, n: 1}}) {
              metadata createdAt
            }
          }`,
          { s: "cli", extra: { nested: [true, null] } },
        ),
      ).createThread;
      assert.deepEqual(thread.metadata, { source: "cli", extra: { nested: [true, null] }, n: 1 });
      assert.match(thread.createdAt, ISO_MS);
    });

    await t.step("bare words in a JSON literal stay strings", async () => {
      const thread = data<{ createThread: { metadata: unknown } }>(
        await app.graphql(
          "mutation { createThread(input: {metadata: {mode: FAST}}) { metadata } }",
        ),
      ).createThread;
      assert.deepEqual(thread.metadata, { mode: "FAST" });
    });

    await t.step("a variable cannot smuggle a value past the size limits", async () => {
      badInput("JSON literal with a too-large variable in a memory value");
      const tooBig = firstError(
        await app.graphql(
          'mutation($c: String!) { putMemory(input: {namespace: ["notes"], value: {content: $c}}) { key } }',
          { c: "x".repeat(2_000) },
        ),
      );
      assert.equal(tooBig.extensions?.code, "BAD_USER_INPUT", tooBig.message);
      assert.match(tooBig.message, /1024-byte limit/);

      badInput("JSON literal with a too-large variable in thread metadata");
      const tooLarge = firstError(
        await app.graphql(
          "mutation($big: String) { createThread(input: {metadata: {big: $big}}) { id } }",
          { big: "x".repeat(17_000) },
        ),
      );
      assert.equal(tooLarge.extensions?.code, "BAD_USER_INPUT", tooLarge.message);
      assert.match(tooLarge.message, /input\.metadata.*16384/);
    });

    await t.step("an undeclared variable in a JSON literal is BAD_USER_INPUT", async () => {
      badInput("JSON literal with an undeclared variable");
      const error = firstError(
        await app.graphql("mutation { createThread(input: {metadata: {a: $nope}}) { id } }"),
      );
      assert.equal(error.extensions?.code, "BAD_USER_INPUT");
      assert.match(error.message, /Variable "\$nope" is not defined/);
    });

    await t.step("a JSON value that is not an object where one is required", async () => {
      badInput("JSON array as createThread metadata");
      const error = firstError(
        await app.graphql("mutation($m: JSON) { createThread(input: {metadata: $m}) { id } }", {
          m: [1, 2],
        }),
      );
      assert.equal(error.extensions?.code, "BAD_USER_INPUT");
      assert.match(error.message, /JSON object/);
    });
  } finally {
    await app.close();
  }
});

/** A schema taking the scalars as arguments: the public one has no DateTime input yet. */
const probe = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: "Query",
    fields: {
      echo: {
        type: GraphQLString,
        args: {
          at: { type: GraphQLDateTime },
          object: { type: GraphQLJSONObject },
          any: { type: GraphQLJSON },
        },
        resolve: (_root, args) => JSON.stringify(args),
      },
    },
  }),
});

async function probeErrors(source: string, variableValues?: Record<string, unknown>) {
  const logger = createLogger({ level: "error", name: "test", write: () => {} });
  const result = await graphql({ schema: probe, source, variableValues });
  return (result.errors ?? []).map((e) => maskError(e, logger));
}

Deno.test("bad DateTime and JSONObject input is BAD_USER_INPUT saying what to send", async () => {
  const cases: [string, Record<string, unknown>?][] = [
    ['{ echo(at: "yesterday") }'],
    ['{ echo(at: "2026-01-31") }'],
    ["{ echo(at: 5) }"],
    ["query($at: DateTime) { echo(at: $at) }", { at: "31/01/2026" }],
    ["query($at: DateTime) { echo(at: $at) }", { at: 17 }],
    ["{ echo(object: [1]) }"],
    ["query($o: JSONObject) { echo(object: $o) }", { o: "text" }],
  ];
  badInput("bad DateTime or JSONObject", cases.length);
  for (const [source, variables] of cases) {
    const [error] = await probeErrors(source, variables);
    assert.ok(error, `${source} was accepted`);
    assert.equal(error.extensions.code, "BAD_USER_INPUT", `${source}: ${error.message}`);
    assert.match(error.message, /RFC 3339 date-time such as|Expected a JSON object/, source);
  }
});

Deno.test("the scalars accept good input and keep the output format", async () => {
  assert.deepEqual(await probeErrors('{ echo(at: "2026-01-31T12:00:00+02:00") }'), []);
  // A variable directly in a list at the top of a JSON argument must itself be
  // declared JSON (graphql-js types list items as the list's own type).
  const result = await graphql({
    schema: probe,
    source: `query($v: String, $j: JSON) {
      echo(at: "2026-01-31T12:00:00Z", object: {a: $v, l: [$v]}, any: [$j])
    }`,
    variableValues: { v: "seven", j: { k: 1 } },
  });
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  assert.deepEqual(JSON.parse(String(result.data?.echo)), {
    at: "2026-01-31T12:00:00.000Z",
    object: { a: "seven", l: ["seven"] },
    any: [{ k: 1 }],
  });
  assert.equal(GraphQLDateTime.serialize(new Date(0)), "1970-01-01T00:00:00.000Z");
  assert.equal(GraphQLDateTime.serialize("2026-01-31T12:00:00+02:00"), "2026-01-31T10:00:00.000Z");
  assert.equal(GraphQLDateTime.serialize(0), "1970-01-01T00:00:00.000Z");
  assert.throws(() => GraphQLDateTime.serialize("never"), /not a valid date/);
});
