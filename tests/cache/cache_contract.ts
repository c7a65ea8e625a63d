/**
 * The behaviour every {@linkcode Cache} promises, written once and run
 * against each implementation (memory_cache_test.ts, upstash_cache_test.ts).
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Cache, CacheArgumentError, CacheClosedError } from "../../src/cache/cache.ts";

/** A cache under test and how to remove what the test stored. */
export interface ContractTarget {
  cache: Cache;
  cleanup(): Promise<void>;
}

/** Opens a fresh, empty cache. */
export type OpenCache = (options: { defaultTtlSeconds?: number }) => Promise<ContractTarget>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `count` operations, 100 at a time, so the Upstash client can pipeline them. */
async function times(count: number, operation: (i: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < count; start += 100) {
    const batch = Array.from({ length: Math.min(100, count - start) }, (_, i) => start + i);
    await Promise.all(batch.map(operation));
  }
}

/** Strings that break naive encodings: base64 look-alikes, statuses, NUL, surrogates, emoji. */
export const TRICKY_STRINGS: Record<string, string> = {
  empty: "",
  "valid base64 text": "abcd",
  "padded base64 text": "T0s=",
  "status OK": "OK",
  "status PONG": "PONG",
  "not base64": "!!not base64!!",
  accents: "héllo wörld",
  emoji: "👋🏽 family: 👨‍👩‍👧",
  "non-BMP": "𝄞 𠜎",
  NUL: "a\u0000b\u0000",
  "lone high surrogate": "x\ud800y",
  "lone low surrogate": "\udfff",
  "binary-ish": "\u00ff\u00fe\u0000\u0001\u007f\u0080",
  "CRLF and RESP": "$5\r\nhello\r\n*1\r\n",
  "JSON text": '{"a":1}',
  "number text": "123",
  "null text": "null",
  long: "λ".repeat(100_000),
};

/** Registers the contract tests for one implementation. */
export function cacheContract(
  label: string,
  mode: Cache["mode"],
  open: OpenCache,
  options: { ignore?: boolean } = {},
): void {
  function test(
    name: string,
    fn: (cache: Cache) => Promise<void>,
    cacheOptions: { defaultTtlSeconds?: number } = {},
  ): void {
    Deno.test({
      name: `${label} cache: ${name}`,
      ignore: options.ignore ?? false,
      async fn() {
        const target = await open(cacheOptions);
        try {
          await fn(target.cache);
        } finally {
          await target.cleanup();
        }
      },
    });
  }

  test("reports its mode", async (cache) => {
    assert.equal(cache.mode, mode);
    await Promise.resolve();
  });

  test("get returns null for a missing key", async (cache) => {
    assert.equal(await cache.get("missing"), null);
  });

  test("set and get round-trip JSON values as copies", async (cache) => {
    const values: Record<string, unknown> = {
      object: { a: 1, nested: { list: [1, "two", null, true] } },
      array: [1, [2, [3]], { x: "y" }],
      string: "hello",
      integer: 42,
      float: 3.25,
      negative: -7,
      big: 1e21,
      boolean: false,
      emptyObject: {},
    };
    for (const [key, value] of Object.entries(values)) await cache.set(key, value);
    for (const [key, value] of Object.entries(values)) {
      assert.deepEqual(await cache.get(key), value, key);
    }
    const original = { count: 1 };
    await cache.set("copy", original);
    original.count = 2;
    assert.deepEqual(await cache.get("copy"), { count: 1 });
  });

  test("storing null reads back as null", async (cache) => {
    await cache.set("null", null);
    assert.equal(await cache.get("null"), null);
  });

  test("strings survive intact, however tricky", async (cache) => {
    for (const [name, value] of Object.entries(TRICKY_STRINGS)) {
      await cache.set(`s:${name}`, value);
      await cache.set(`o:${name}`, { value, list: [value] });
    }
    for (const [name, value] of Object.entries(TRICKY_STRINGS)) {
      assert.equal(await cache.get(`s:${name}`), value, name);
      assert.deepEqual(await cache.get(`o:${name}`), { value, list: [value] }, name);
    }
  });

  test("keys may hold glob characters, spaces and Unicode", async (cache) => {
    const keys = ["a*b", "q?[x]\\", "spaces and ünïcode 🔑", ""];
    for (const [i, key] of keys.entries()) await cache.set(key, i);
    for (const [i, key] of keys.entries()) assert.equal(await cache.get(key), i, key);
  });

  test("entries expire after their TTL", async (cache) => {
    await cache.set("short", "soon gone", { ttlSeconds: 0.15 });
    await cache.set("long", "stays", { ttlSeconds: 60 });
    assert.equal(await cache.get("short"), "soon gone");
    await sleep(350);
    assert.equal(await cache.get("short"), null);
    assert.equal(await cache.get("long"), "stays");
  });

  test("entries expire after the default TTL", async (cache) => {
    await cache.set("default", 1);
    assert.equal(await cache.get("default"), 1);
    await sleep(350);
    assert.equal(await cache.get("default"), null);
  }, { defaultTtlSeconds: 0.15 });

  test("set overwrites the value and its TTL", async (cache) => {
    await cache.set("k", "first", { ttlSeconds: 0.15 });
    await cache.set("k", "second", { ttlSeconds: 60 });
    await sleep(350);
    assert.equal(await cache.get("k"), "second");
  });

  test("set rejects invalid TTLs and values JSON cannot hold", async (cache) => {
    for (const ttlSeconds of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await assert.rejects(
        cache.set("k", 1, { ttlSeconds }),
        CacheArgumentError,
        String(ttlSeconds),
      );
    }
    for (const value of [undefined, () => 1, Symbol("s"), 10n]) {
      await assert.rejects(cache.set("k", value), CacheArgumentError, typeof value);
    }
    assert.equal(await cache.get("k"), null);
  });

  test("delete removes a key and ignores a missing one", async (cache) => {
    await cache.set("a", 1);
    await cache.set("b", 2);
    await cache.delete("a");
    await cache.delete("never-set");
    assert.equal(await cache.get("a"), null);
    assert.equal(await cache.get("b"), 2);
  });

  test("deleteByPrefix removes exactly the matching keys and counts them", async (cache) => {
    await times(1200, (i) => cache.set(`user:1:item:${i}`, i));
    await cache.set("user:10:item:0", "other user");
    await cache.set("user:2:item:0", "other user");
    assert.equal(await cache.deleteByPrefix("user:1:"), 1200);
    assert.equal(await cache.get("user:1:item:7"), null);
    assert.equal(await cache.get("user:10:item:0"), "other user");
    assert.equal(await cache.get("user:2:item:0"), "other user");
    assert.equal(await cache.deleteByPrefix("user:1:"), 0);
  });

  test("deleteByPrefix treats glob characters literally and skips expired keys", async (cache) => {
    await cache.set("a*", 1);
    await cache.set("ab", 2);
    await cache.set("[x]1", 3);
    await cache.set("x1", 4);
    await cache.set("gone:1", 5, { ttlSeconds: 0.1 });
    assert.equal(await cache.deleteByPrefix("a*"), 1);
    assert.equal(await cache.deleteByPrefix("[x]"), 1);
    assert.equal(await cache.get("ab"), 2);
    assert.equal(await cache.get("x1"), 4);
    await sleep(250);
    assert.equal(await cache.deleteByPrefix("gone:"), 0);
  });

  test("invalidateTag removes the tagged keys and counts them", async (cache) => {
    await cache.set("thread:1", "t1", { tags: ["user:1", "threads"] });
    await cache.set("thread:2", "t2", { tags: ["user:1", "user:1"] });
    await cache.set("thread:3", "t3", { tags: ["user:2", "threads"] });
    await cache.set("untagged", "u");
    await cache.delete("thread:2");
    assert.equal(await cache.invalidateTag("user:1"), 1);
    assert.equal(await cache.get("thread:1"), null);
    assert.equal(await cache.get("thread:3"), "t3");
    assert.equal(await cache.get("untagged"), "u");
    assert.equal(await cache.invalidateTag("user:1"), 0);
    assert.equal(await cache.invalidateTag("threads"), 1);
    assert.equal(await cache.get("thread:3"), null);
    assert.equal(await cache.invalidateTag("never-used"), 0);
  });

  test("invalidateTag handles many keys", async (cache) => {
    await times(1100, (i) => cache.set(`k${i}`, i, { tags: ["bulk"] }));
    assert.equal(await cache.invalidateTag("bulk"), 1100);
    assert.equal(await cache.get("k1099"), null);
  });

  test("incr counts from zero and reads back as a number", async (cache) => {
    assert.equal(await cache.incr("hits"), 1);
    assert.equal(await cache.incr("hits"), 2);
    assert.equal(await cache.get("hits"), 2);
    await cache.set("preset", 41);
    assert.equal(await cache.incr("preset"), 42);
  });

  test("incr is atomic under concurrency", async (cache) => {
    const results = await Promise.all(Array.from({ length: 100 }, () => cache.incr("race")));
    assert.deepEqual(
      results.toSorted((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });

  test("incr rejects values that are not integers", async (cache) => {
    for (const value of [{ a: 1 }, "5", 1.5, true]) {
      await cache.set("not-int", value);
      await assert.rejects(cache.incr("not-int"), JSON.stringify(value));
      assert.deepEqual(await cache.get("not-int"), value);
    }
  });

  test("incr sets the TTL when the counter is created, not on later increments", async (cache) => {
    assert.equal(await cache.incr("window", { ttlSeconds: 0.4 }), 1);
    await sleep(200);
    assert.equal(await cache.incr("window", { ttlSeconds: 60 }), 2);
    await sleep(350);
    assert.equal(await cache.get("window"), null);
    assert.equal(await cache.incr("window", { ttlSeconds: 60 }), 1);
  });

  test("ping reports latency in milliseconds", async (cache) => {
    const latency = await cache.ping();
    assert.ok(Number.isFinite(latency) && latency >= 0, String(latency));
  });

  test("a closed cache rejects every operation", async (cache) => {
    await cache.set("k", 1);
    await cache.close();
    await assert.rejects(cache.get("k"), CacheClosedError);
    await assert.rejects(cache.set("k", 2), CacheClosedError);
    await assert.rejects(cache.incr("n"), CacheClosedError);
    await assert.rejects(cache.ping(), CacheClosedError);
  });
}
