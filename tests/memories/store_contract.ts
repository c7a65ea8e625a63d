/**
 * The memory store's contract, run against embedded PGlite and the local
 * PostgreSQL server: the same steps, the same expectations.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { TestApp } from "../support/app.ts";
import { BadUserInputError } from "../../src/core/errors.ts";

/** Asserts `run` fails with BAD_USER_INPUT naming `field`. */
export async function assertBadInput(run: () => Promise<unknown>, field: string, pattern?: RegExp) {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof BadUserInputError, `expected BAD_USER_INPUT, got ${error}`);
    assert.equal(error.extensions.code, "BAD_USER_INPUT");
    assert.equal(error.extensions.field, field);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

let counter = 0;
/** A fresh owner id, so steps never see each other's memories. */
export function owner(): string {
  return `user-${++counter}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Registers the contract's steps on `t` against `app`. */
export async function storeContract(t: Deno.TestContext, app: TestApp): Promise<void> {
  const memory = app.memory;

  await t.step("put, get, update: versions count up and history keeps the old value", async () => {
    const user = owner();
    const store = memory.forOwner(user);
    await store.put(["profile"], "city", { content: "lives in Berlin" });
    const first = await memory.get(user, ["profile"], "city");
    assert.equal(first?.version, 1);
    assert.deepEqual(first?.value, { content: "lives in Berlin" });
    await store.put(["profile"], "city", { content: "lives in Paris" });
    const second = await memory.get(user, ["profile"], "city");
    assert.equal(second?.version, 2);
    assert.equal(second?.createdAt.getTime(), first?.createdAt.getTime());
    assert.ok(second!.updatedAt >= first!.updatedAt);
    // Writing the same value again is not a new version.
    await store.put(["profile"], "city", { content: "lives in Paris" });
    assert.equal((await memory.get(user, ["profile"], "city"))?.version, 2);
    const history = await memory.history(user, ["profile"], "city");
    assert.deepEqual(history.map((v) => [v.version, v.value.content, v.change]), [
      [2, "lives in Paris", null],
      [1, "lives in Berlin", "updated"],
    ]);
    assert.equal(history[0]!.validTo, null);
    assert.equal(history[1]!.validTo?.getTime(), history[0]!.validFrom.getTime());
  });

  await t.step("owners are isolated: same namespace and key, different users", async () => {
    const alice = owner();
    const bob = owner();
    await memory.forOwner(alice).put(["notes"], "secret", { content: "alice's secret" });
    assert.equal(await memory.get(bob, ["notes"], "secret"), null);
    assert.deepEqual(await memory.search(bob, { namespacePrefix: [], query: "secret" }), []);
    assert.deepEqual(await memory.listNamespaces(bob, { limit: 10, offset: 0 }), []);
    assert.equal(await memory.delete(bob, { namespace: ["notes"], key: "secret" }), false);
    assert.deepEqual(await memory.history(bob, ["notes"], "secret"), []);
    assert.ok(await memory.get(alice, ["notes"], "secret"));
  });

  await t.step("a prefix matches whole labels only, and odd labels round-trip", async () => {
    const user = owner();
    const store = memory.forOwner(user);
    const odd = ['qu"ote', "br{ace}", "back\\slash", "com,ma", "ünï cödé", "sp ace", "NULL"];
    await store.put(["a"], "1", { content: "a" });
    await store.put(["a", "b"], "2", { content: "a b" });
    await store.put(["ab"], "3", { content: "ab" });
    await store.put(["a\u0001"], "4", { content: "a + U+0001" });
    await store.put(odd, "5", { content: "odd" });
    const keys = async (prefix: string[]) =>
      (await memory.search(user, { namespacePrefix: prefix, limit: 20 })).map((h) => h.key).sort();
    assert.deepEqual(await keys(["a"]), ["1", "2"]);
    assert.deepEqual(await keys(["a", "b"]), ["2"]);
    assert.deepEqual(await keys(["ab"]), ["3"]);
    assert.deepEqual(await keys([]), ["1", "2", "3", "4", "5"]);
    assert.deepEqual(await keys(odd), ["5"]);
    assert.deepEqual(await keys(odd.slice(0, 3)), ["5"]);
    assert.deepEqual((await memory.get(user, odd, "5"))?.namespace, odd);
  });

  await t.step(
    "search ranks by cosine similarity, pages with limit/offset, lists newest first",
    async () => {
      const user = owner();
      const store = memory.forOwner(user);
      await store.put(["facts"], "tea", { content: "The user drinks green tea every morning" });
      await store.put(["facts"], "job", { content: "The user works as a nurse in a hospital" });
      await store.put(["facts", "pets"], "cat", { content: "The user has a cat called Miso" });
      const hits = await memory.search(user, { namespacePrefix: ["facts"], query: "green tea" });
      assert.equal(hits[0]?.key, "tea");
      assert.ok(hits[0]!.score! > hits[1]!.score!);
      assert.ok(hits.every((h) => typeof h.score === "number" && h.score <= 1.0001));
      const page = await memory.search(user, {
        namespacePrefix: ["facts"],
        query: "green tea",
        limit: 1,
        offset: 1,
      });
      assert.deepEqual(page.map((h) => h.key), [hits[1]!.key]);
      const recent = await memory.search(user, { namespacePrefix: ["facts"] });
      assert.deepEqual(recent.map((h) => h.key), ["cat", "job", "tea"]);
      assert.equal(recent[0]!.score, undefined);
    },
  );

  await t.step("filters: every operator, nested paths, missing fields", async () => {
    const user = owner();
    const store = memory.forOwner(user);
    await store.put(["f"], "a", {
      content: "a",
      n: 1,
      kind: "fact",
      tags: ["x"],
      meta: { src: "chat" },
    });
    await store.put(["f"], "b", { content: "b", n: 5, kind: "event", meta: { src: "email" } });
    await store.put(["f"], "c", { content: "c", n: 10, kind: "fact", name: "zed" });
    await store.put(["f"], "d", { content: "d", kind: null, name: "amy" });
    const keys = async (filter: unknown) =>
      (await memory.search(user, { namespacePrefix: ["f"], filter })).map((h) => h.key).sort();
    assert.deepEqual(await keys({ kind: "fact" }), ["a", "c"]);
    assert.deepEqual(await keys({ kind: { $eq: "fact" } }), ["a", "c"]);
    assert.deepEqual(await keys({ kind: { $ne: "fact" } }), ["b", "d"]);
    assert.deepEqual(await keys({ n: { $gt: 1 } }), ["b", "c"]);
    assert.deepEqual(await keys({ n: { $gte: 1, $lt: 10 } }), ["a", "b"]);
    assert.deepEqual(await keys({ n: { $lte: 5 } }), ["a", "b"]);
    assert.deepEqual(await keys({ name: { $gt: "b" } }), ["c"]);
    assert.deepEqual(await keys({ kind: { $in: ["event", null] } }), ["b", "d"]);
    assert.deepEqual(await keys({ kind: { $nin: ["fact"] } }), ["b", "d"]);
    assert.deepEqual(await keys({ n: { $nin: [1, 5] } }), ["c", "d"]);
    assert.deepEqual(await keys({ n: { $exists: false } }), ["d"]);
    assert.deepEqual(await keys({ kind: { $exists: true } }), ["a", "b", "c", "d"]);
    assert.deepEqual(await keys({ "meta.src": "email" }), ["b"]);
    assert.deepEqual(await keys({ meta: { src: "chat" } }), ["a"]);
    assert.deepEqual(await keys({ tags: ["x"] }), ["a"]);
    assert.deepEqual(await keys({ kind: "fact", n: { $gt: 5 } }), ["c"]);
    // Numbers and strings never compare with each other.
    assert.deepEqual(await keys({ name: { $gt: 0 } }), []);
  });

  await t.step("malformed filters are BAD_USER_INPUT naming the filter", async () => {
    const user = owner();
    const search = (filter: unknown) => () =>
      memory.search(user, { namespacePrefix: [], query: "x", filter });
    await assertBadInput(search({ n: { $regex: "a" } }), "filter", /\$regex/);
    await assertBadInput(search({ n: { $in: 3 } }), "filter", /\$in needs a list/);
    await assertBadInput(search({ n: { $exists: "yes" } }), "filter", /true or false/);
    await assertBadInput(search({ n: { $gt: { a: 1 } } }), "filter", /number or a string/);
    await assertBadInput(search({ $or: [] }), "filter", /not a value key/);
    await assertBadInput(search({ n: { $gt: 1, lt: 2 } }), "filter", /cannot mix/);
    await assertBadInput(search("kind = fact"), "filter", /expected an object/);
    await assertBadInput(search({ "a..b": 1 }), "filter", /dotted path/);
  });

  await t.step("TTL: an item expires, vanishes from reads, and cleanup removes it", async () => {
    const user = owner();
    await memory.put(user, [
      { namespace: ["tmp"], key: "short", value: { content: "soon gone" }, ttlSeconds: 1 },
      { namespace: ["tmp"], key: "long", value: { content: "stays" }, ttlSeconds: 3600 },
    ]);
    const short = await memory.get(user, ["tmp"], "short");
    assert.ok(short?.expiresAt);
    assert.ok(Math.abs(short.expiresAt.getTime() - short.updatedAt.getTime() - 1000) < 50);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await memory.get(user, ["tmp"], "short"), null);
    const hits = await memory.search(user, { namespacePrefix: ["tmp"], query: "soon gone" });
    assert.deepEqual(hits.map((h) => h.key), ["long"]);
    const report = await memory.cleanup();
    assert.ok(report.expired >= 1);
    const [row] = await app.database.sql`
      SELECT count(*)::int AS n FROM memory_items WHERE owner_id = ${user}`;
    assert.equal(row!.n, 1);
    // An expired key can be written again as a new memory.
    await memory.forOwner(user).put(["tmp"], "short", { content: "back" });
    assert.equal((await memory.get(user, ["tmp"], "short"))?.value.content, "back");
  });

  await t.step("listNamespaces: prefix, suffix, wildcards, depth, paging", async () => {
    const user = owner();
    const store = memory.forOwner(user);
    for (const ns of [["a", "x", "1"], ["a", "y", "1"], ["a", "y", "2"], ["b", "x"], ["b"]]) {
      await store.put(ns, "k", { content: ns.join(" ") });
    }
    const list = (params: Parameters<typeof memory.listNamespaces>[1]) =>
      memory.listNamespaces(user, params);
    assert.deepEqual(await list({ limit: 100, offset: 0 }), [
      ["a", "x", "1"],
      ["a", "y", "1"],
      ["a", "y", "2"],
      ["b"],
      ["b", "x"],
    ]);
    assert.deepEqual(await list({ prefix: ["a", "y"], limit: 100, offset: 0 }), [
      ["a", "y", "1"],
      ["a", "y", "2"],
    ]);
    assert.deepEqual(await list({ suffix: ["1"], limit: 100, offset: 0 }), [
      ["a", "x", "1"],
      ["a", "y", "1"],
    ]);
    assert.deepEqual(await list({ prefix: ["*", "x"], limit: 100, offset: 0 }), [
      ["a", "x", "1"],
      ["b", "x"],
    ]);
    assert.deepEqual(await list({ maxDepth: 1, limit: 100, offset: 0 }), [["a"], ["b"]]);
    assert.deepEqual(await list({ prefix: ["a"], maxDepth: 2, limit: 100, offset: 0 }), [
      ["a", "x"],
      ["a", "y"],
    ]);
    assert.deepEqual(await list({ limit: 2, offset: 2 }), [["a", "y", "2"], ["b"]]);
    // Namespaces whose items were all deleted disappear.
    await store.delete(["b"], "k");
    assert.deepEqual(await list({ prefix: ["b"], limit: 100, offset: 0 }), [["b", "x"]]);
  });

  await t.step("batch runs in order: a read sees the writes before it", async () => {
    const user = owner();
    const store = memory.forOwner(user);
    const results = await store.batch(
      [
        { namespace: ["b"], key: "1", value: { content: "one" } },
        { namespace: ["b"], key: "1" },
        { namespace: ["b"], key: "1", value: null },
        { namespace: ["b"], key: "1" },
        { namespace: ["b"], key: "2", value: { content: "two" } },
        { namespacePrefix: ["b"], query: "two", limit: 5, offset: 0 },
        { matchConditions: [{ matchType: "prefix", path: ["b"] }], limit: 10, offset: 0 },
      ] as const,
    );
    assert.equal(results[0], undefined);
    assert.equal((results[1] as { value: unknown } | null)?.value !== undefined, true);
    assert.equal(results[3], null);
    assert.deepEqual((results[5] as { key: string }[]).map((h) => h.key), ["2"]);
    assert.deepEqual(results[6], [["b"]]);
  });

  await t.step(
    "delete closes into history; purge erases it; missing keys answer false",
    async () => {
      const user = owner();
      await memory.forOwner(user).put(["d"], "k", { content: "v1" });
      assert.equal(await memory.delete(user, { namespace: ["d"], key: "k" }), true);
      assert.equal(await memory.get(user, ["d"], "k"), null);
      const history = await memory.history(user, ["d"], "k");
      assert.deepEqual(history.map((v) => [v.version, v.change]), [[1, "deleted"]]);
      // Re-creating the key continues its version numbers.
      await memory.forOwner(user).put(["d"], "k", { content: "v2" });
      assert.equal((await memory.get(user, ["d"], "k"))?.version, 2);
      assert.equal(await memory.delete(user, { namespace: ["d"], key: "k", purge: true }), true);
      assert.deepEqual(await memory.history(user, ["d"], "k"), []);
      assert.equal(await memory.delete(user, { namespace: ["d"], key: "missing" }), false);
    },
  );

  await t.step("bad input is BAD_USER_INPUT naming the field, and nothing is stored", async () => {
    const user = owner();
    const dims = memory.embedder.dims;
    const put = (input: Record<string, unknown>) => () =>
      memory.put(user, [{ namespace: ["v"], key: "k", value: { content: "x" }, ...input }]);
    await assertBadInput(put({ namespace: [] }), "namespace", /at least one label/);
    await assertBadInput(put({ namespace: ["a.b"] }), "namespace", /"\."/);
    await assertBadInput(put({ namespace: ["langgraph"] }), "namespace", /reserved/);
    await assertBadInput(put({ key: "" }), "key");
    await assertBadInput(put({ value: "text" }), "value", /JSON object/);
    await assertBadInput(
      put({ value: { content: "x".repeat(app.config.memory.maxValueBytes) } }),
      "value",
      /over the \d+-byte limit/,
    );
    await assertBadInput(put({ value: { content: "nul\u0000" } }), "value", /NUL/);
    await assertBadInput(put({ ttlSeconds: 0 }), "ttlSeconds");
    await assertBadInput(
      put({ vector: [1, 2, 3] }),
      "vector",
      new RegExp(`expected ${dims} dimensions`),
    );
    await assertBadInput(
      () => memory.search(user, { namespacePrefix: [], vector: [1, 2] }),
      "vector",
      /got 2/,
    );
    await assertBadInput(() => memory.search(user, { namespacePrefix: [], limit: 0 }), "limit");
    // A valid item in the same batch as an invalid one is not stored either.
    await assertBadInput(
      () =>
        memory.put(user, [
          { namespace: ["v"], key: "ok", value: { content: "fine" } },
          { namespace: ["v"], key: "bad", value: { content: "x" }, ttlSeconds: -1 },
        ]),
      "ttlSeconds",
    );
    const [row] = await app.database.sql`
      SELECT count(*)::int AS n FROM memory_items WHERE owner_id = ${user}`;
    assert.equal(row!.n, 0);
  });

  await t.step("a precomputed vector is stored and searched as given", async () => {
    const user = owner();
    const dims = memory.embedder.dims;
    const axis = (i: number) => Array.from({ length: dims }, (_, j) => (j === i ? 1 : 0));
    await memory.put(user, [
      { namespace: ["vec"], key: "x", value: { content: "x axis" }, vector: axis(0) },
      { namespace: ["vec"], key: "y", value: { content: "y axis" }, vector: axis(1) },
    ]);
    const hits = await memory.search(user, { namespacePrefix: ["vec"], vector: axis(1) });
    assert.deepEqual(hits.map((h) => h.key), ["y", "x"]);
    assert.ok(Math.abs(hits[0]!.score! - 1) < 1e-6);
    assert.ok(Math.abs(hits[1]!.score!) < 1e-6);
  });
}
