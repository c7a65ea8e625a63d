import assert from "node:assert/strict";
import { signJwt } from "../../src/auth/jwt.ts";
import { type GraphQLBody, startTestApp, type TestApp } from "../support/app.ts";

const SECRET = "memory-tests-secret-key-0123456789";

const MEMORY_FIELDS = "namespace key value version createdAt updatedAt validFrom expiresAt";

async function as(user: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signJwt({ sub: user }, SECRET)}` };
}

function data<T = Record<string, unknown>>(body: GraphQLBody): T {
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data as T;
}

function errorOf(
  body: GraphQLBody,
): { message: string; code: unknown; extensions: Record<string, unknown> } {
  assert.ok(body.errors?.length, `expected an error, got ${JSON.stringify(body.data)}`);
  const error = body.errors![0]!;
  return {
    message: error.message,
    code: error.extensions?.code,
    extensions: error.extensions ?? {},
  };
}

const PUT = `mutation ($input: PutMemoryInput!) { putMemory(input: $input) { ${MEMORY_FIELDS} } }`;
const GET =
  `query ($ns: [String!]!, $key: String!) { memory(namespace: $ns, key: $key) { ${MEMORY_FIELDS} } }`;
const SEARCH = `query ($input: SearchMemoriesInput!) {
  searchMemories(input: $input) { score memory { namespace key value } } }`;
const NAMESPACES = `query ($prefix: [String!], $maxDepth: Int) {
  memoryNamespaces(prefix: $prefix, maxDepth: $maxDepth) }`;
const HISTORY = `query ($ns: [String!]!, $key: String!) {
  memoryHistory(namespace: $ns, key: $key) { version value validFrom validTo change supersededBy } }`;
const DELETE =
  `mutation ($input: DeleteMemoryInput!) { deleteMemory(input: $input) { namespace key purged } }`;

Deno.test("memory over GraphQL, with two users", async (t) => {
  const app: TestApp = await startTestApp({ SECRET_KEY: SECRET });
  const alice = await as("alice");
  const bob = await as("bob");
  try {
    await t.step("putMemory stores a memory and generates a key when none is given", async () => {
      const put = data<{ putMemory: Record<string, unknown> }>(
        await app.graphql(PUT, {
          input: { namespace: ["profile"], key: "city", value: { content: "lives in Berlin" } },
        }, alice),
      ).putMemory;
      assert.deepEqual(put.namespace, ["profile"]);
      assert.equal(put.version, 1);
      assert.equal(put.expiresAt, null);
      const generated = data<{ putMemory: { key: string; expiresAt: string } }>(
        await app.graphql(PUT, {
          input: {
            namespace: ["profile"],
            value: { content: "likes green tea" },
            ttlSeconds: 3600,
          },
        }, alice),
      ).putMemory;
      assert.match(generated.key, /^[0-9a-f-]{36}$/);
      assert.ok(Date.parse(generated.expiresAt) > Date.now() + 3500_000);
    });

    await t.step("memory, searchMemories and memoryNamespaces read the viewer's own", async () => {
      const got = data<{ memory: { value: unknown } }>(
        await app.graphql(GET, { ns: ["profile"], key: "city" }, alice),
      );
      assert.deepEqual(got.memory.value, { content: "lives in Berlin" });
      const hits = data<{ searchMemories: { score: number; memory: { key: string } }[] }>(
        await app.graphql(SEARCH, {
          input: { namespacePrefix: ["profile"], query: "where does the user live? Berlin" },
        }, alice),
      ).searchMemories;
      assert.equal(hits[0]!.memory.key, "city");
      assert.equal(typeof hits[0]!.score, "number");
      const namespaces = data<{ memoryNamespaces: string[][] }>(
        await app.graphql(NAMESPACES, {}, alice),
      );
      assert.deepEqual(namespaces.memoryNamespaces, [["profile"]]);
    });

    await t.step("another user cannot read, search, list, change or delete them", async () => {
      assert.equal(
        data<{ memory: null }>(await app.graphql(GET, { ns: ["profile"], key: "city" }, bob))
          .memory,
        null,
      );
      // Crafted prefixes cannot reach Alice's rows: the owner is a column, never a label.
      for (const prefix of [[], ["profile"], ["alice"], ["alice", "profile"], ["*"]]) {
        const hits = data<{ searchMemories: unknown[] }>(
          await app.graphql(SEARCH, {
            input: { namespacePrefix: prefix.filter((l) => l !== "*"), query: "Berlin" },
          }, bob),
        );
        assert.deepEqual(hits.searchMemories, [], JSON.stringify(prefix));
      }
      assert.deepEqual(
        data<{ memoryNamespaces: unknown[] }>(await app.graphql(NAMESPACES, {}, bob))
          .memoryNamespaces,
        [],
      );
      assert.deepEqual(
        data<{ memoryNamespaces: unknown[] }>(await app.graphql(NAMESPACES, { prefix: ["*"] }, bob))
          .memoryNamespaces,
        [],
      );
      assert.deepEqual(
        data<{ memoryHistory: unknown[] }>(
          await app.graphql(HISTORY, { ns: ["profile"], key: "city" }, bob),
        )
          .memoryHistory,
        [],
      );
      const deleted = errorOf(
        await app.graphql(DELETE, { input: { namespace: ["profile"], key: "city" } }, bob),
      );
      assert.equal(deleted.code, "NOT_FOUND");
      // Bob writing the same namespace and key creates his own memory, leaving Alice's alone.
      data(
        await app.graphql(PUT, {
          input: { namespace: ["profile"], key: "city", value: { content: "bob's" } },
        }, bob),
      );
      const alices = data<{ memory: { value: unknown; version: number } }>(
        await app.graphql(GET, { ns: ["profile"], key: "city" }, alice),
      );
      assert.deepEqual(alices.memory.value, { content: "lives in Berlin" });
      assert.equal(alices.memory.version, 1);
    });

    await t.step("memoryHistory keeps the previous version with validFrom/validTo", async () => {
      data(
        await app.graphql(PUT, {
          input: { namespace: ["profile"], key: "city", value: { content: "lives in Paris" } },
        }, alice),
      );
      const history = data<{ memoryHistory: Record<string, unknown>[] }>(
        await app.graphql(HISTORY, { ns: ["profile"], key: "city" }, alice),
      ).memoryHistory;
      assert.deepEqual(
        history.map((v) => [v.version, (v.value as { content: string }).content, v.change]),
        [
          [2, "lives in Paris", null],
          [1, "lives in Berlin", "UPDATED"],
        ],
      );
      assert.equal(history[0]!.validTo, null);
      assert.equal(history[1]!.validTo, history[0]!.validFrom);
      data(
        await app.graphql(PUT, {
          input: {
            namespace: ["profile"],
            key: "city",
            value: { content: "lives in Rome" },
            contradicts: true,
          },
        }, alice),
      );
      const after = data<{ memoryHistory: { change: string | null }[] }>(
        await app.graphql(HISTORY, { ns: ["profile"], key: "city" }, alice),
      ).memoryHistory;
      assert.deepEqual(after.map((v) => v.change), [null, "CONTRADICTED", "UPDATED"]);
    });

    await t.step(
      "deleteMemory keeps history unless purged; a second delete is NOT_FOUND",
      async () => {
        const deleted = data<{ deleteMemory: { purged: boolean } }>(
          await app.graphql(DELETE, { input: { namespace: ["profile"], key: "city" } }, alice),
        );
        assert.equal(deleted.deleteMemory.purged, false);
        const history = data<{ memoryHistory: { change: string }[] }>(
          await app.graphql(HISTORY, { ns: ["profile"], key: "city" }, alice),
        ).memoryHistory;
        assert.deepEqual(history.map((v) => v.change), ["DELETED", "CONTRADICTED", "UPDATED"]);
        const again = errorOf(
          await app.graphql(DELETE, { input: { namespace: ["profile"], key: "city" } }, alice),
        );
        assert.equal(again.code, "NOT_FOUND");
        assert.match(again.message, /No memory "city"/);
        data(
          await app.graphql(
            DELETE,
            { input: { namespace: ["profile"], key: "city", purge: true } },
            alice,
          ),
        );
        assert.deepEqual(
          data<{ memoryHistory: unknown[] }>(
            await app.graphql(HISTORY, { ns: ["profile"], key: "city" }, alice),
          )
            .memoryHistory,
          [],
        );
      },
    );

    await t.step(
      "invalid inputs are BAD_USER_INPUT naming the field, and store nothing",
      async () => {
        const cases: [Record<string, unknown>, RegExp][] = [
          [{ namespace: [], value: { content: "x" } }, /namespace/],
          [{ namespace: ["a.b"], value: { content: "x" } }, /namespace/],
          [{ namespace: ["n"], value: "plain text" }, /value/],
          [{ namespace: ["n"], value: { content: "x".repeat(70_000) } }, /value.*byte limit/],
          [{ namespace: ["n"], value: { content: "x" }, ttlSeconds: 0 }, /ttlSeconds/],
          [
            { namespace: ["n"], value: { content: "x" }, vector: [0.1, 0.2] },
            /vector.*1536 dimensions.*got 2/,
          ],
        ];
        for (const [input, pattern] of cases) {
          const error = errorOf(await app.graphql(PUT, { input }, alice));
          assert.equal(error.code, "BAD_USER_INPUT", error.message);
          assert.match(`${error.extensions.field} ${error.message}`, pattern);
        }
        const search = errorOf(
          await app.graphql(SEARCH, {
            input: { namespacePrefix: [], query: "x", filter: { n: { $like: "%" } } },
          }, alice),
        );
        assert.equal(search.code, "BAD_USER_INPUT");
        assert.equal(search.extensions.field, "filter");
        const wrongDims = errorOf(
          await app.graphql(SEARCH, { input: { namespacePrefix: [], vector: [1, 2, 3] } }, alice),
        );
        assert.equal(wrongDims.code, "BAD_USER_INPUT");
        assert.equal(wrongDims.extensions.field, "vector");
        const empty = errorOf(await app.graphql(GET, { ns: [], key: "k" }, alice));
        assert.equal(empty.code, "BAD_USER_INPUT");
        assert.deepEqual(
          data<{ memoryNamespaces: string[][] }>(await app.graphql(NAMESPACES, {}, alice))
            .memoryNamespaces,
          [["profile"]],
        );
      },
    );

    await t.step("consolidateMemories merges near-duplicates and reports it", async () => {
      const notes = [
        "The user is allergic to peanuts",
        "the user is allergic to peanuts!",
        "The user plays chess",
      ];
      for (const [i, content] of notes.entries()) {
        data(
          await app.graphql(PUT, {
            input: { namespace: ["health"], key: `n${i}`, value: { content } },
          }, alice),
        );
      }
      const report = data<{ consolidateMemories: Record<string, unknown> }>(
        await app.graphql(
          `mutation ($input: ConsolidateMemoriesInput!) { consolidateMemories(input: $input) {
            namespace scanned clusters merged remaining similarity mode durationSeconds } }`,
          { input: { namespace: ["health"] } },
          alice,
        ),
      ).consolidateMemories;
      assert.deepEqual(
        { ...report, durationSeconds: 0 },
        {
          namespace: ["health"],
          scanned: 3,
          clusters: 1,
          merged: 1,
          remaining: 2,
          similarity: 0.92,
          mode: "OFFLINE",
          durationSeconds: 0,
        },
      );
      const merged = data<{ memoryHistory: { change: string; supersededBy: string }[] }>(
        await app.graphql(HISTORY, { ns: ["health"], key: "n0" }, alice),
      ).memoryHistory;
      assert.deepEqual(merged.map((v) => [v.change, v.supersededBy]), [["MERGED", "n1"]]);
    });
  } finally {
    await app.close();
  }
});
