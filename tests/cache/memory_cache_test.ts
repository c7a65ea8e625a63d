import assert from "node:assert/strict";
import { createCache, upstashRedisOf } from "../../src/cache/cache.ts";
import { createMemoryCache } from "../../src/cache/memory_cache.ts";
import { cacheContract } from "./cache_contract.ts";

cacheContract("memory", "memory", ({ defaultTtlSeconds = 3600 }) => {
  const cache = createMemoryCache({ defaultTtlSeconds });
  return Promise.resolve({ cache, cleanup: () => cache.close() });
});

Deno.test("memory cache: evicts the least recently used entry beyond maxEntries", async () => {
  const cache = createMemoryCache({ defaultTtlSeconds: 60, maxEntries: 3 });
  await cache.set("a", 1);
  await cache.set("b", 2);
  await cache.set("c", 3);
  assert.equal(await cache.get("a"), 1); // a is now the most recently used
  await cache.set("d", 4);
  assert.equal(cache.size, 3);
  assert.equal(await cache.get("b"), null);
  assert.deepEqual(
    await Promise.all(["a", "c", "d"].map((k) => cache.get(k))),
    [1, 3, 4],
  );
  await cache.incr("e");
  assert.equal(cache.size, 3);
  assert.equal(await cache.get("a"), null);
});

Deno.test("memory cache: stays bounded under many distinct keys", async () => {
  const cache = createMemoryCache({ defaultTtlSeconds: 60, maxEntries: 100 });
  for (let i = 0; i < 10_000; i++) await cache.set(`k${i}`, i, { tags: [`t${i % 7}`] });
  assert.equal(cache.size, 100);
  assert.equal(await cache.get("k9999"), 9999);
  // Evicted entries left no tag membership behind to count.
  const removed = await Promise.all(
    Array.from({ length: 7 }, (_, i) => cache.invalidateTag(`t${i}`)),
  );
  assert.equal(removed.reduce((a, b) => a + b, 0), 100);
});

Deno.test("memory cache: follows the injected clock for TTLs", async () => {
  let now = 1_000;
  const cache = createMemoryCache({ defaultTtlSeconds: 10, now: () => now });
  await cache.set("k", "v");
  await cache.incr("n", { ttlSeconds: 5 });
  now += 4_999;
  assert.equal(await cache.get("n"), 1);
  now += 1;
  assert.equal(await cache.get("n"), null);
  assert.equal(await cache.get("k"), "v");
  now += 5_000;
  assert.equal(await cache.get("k"), null);
  assert.equal(cache.size, 0);
});

Deno.test("memory cache: rejects a non-positive maxEntries", () => {
  assert.throws(() => createMemoryCache({ defaultTtlSeconds: 1, maxEntries: 0 }), /maxEntries/);
});

Deno.test("createCache: without a URL it is the in-memory cache", async () => {
  const cache = createCache({ url: undefined, token: undefined, defaultTtlSeconds: 60 });
  assert.equal(cache.mode, "memory");
  assert.equal(upstashRedisOf(cache), undefined);
  await cache.close();
});

Deno.test("createCache: a URL without a token is a configuration error", () => {
  assert.throws(
    () => createCache({ url: "http://127.0.0.1:8079", token: undefined, defaultTtlSeconds: 60 }),
    /UPSTASH_REDIS_REST_TOKEN/,
  );
});
