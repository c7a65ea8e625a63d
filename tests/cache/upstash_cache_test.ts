import assert from "node:assert/strict";
import { createCache, upstashRedisOf } from "../../src/cache/cache.ts";
import { createUpstashCache } from "../../src/cache/upstash_cache.ts";
import { cacheContract } from "./cache_contract.ts";
import {
  deleteKeys,
  redis,
  redisCommand,
  serveProxy,
  uniqueNamespace,
} from "../support/redis_proxy.ts";

cacheContract("upstash", "upstash", async ({ defaultTtlSeconds = 3600 }) => {
  const served = serveProxy();
  const namespace = uniqueNamespace();
  const cache = createUpstashCache({
    url: served.url,
    token: served.token,
    defaultTtlSeconds,
    namespace,
  });
  return await Promise.resolve({
    cache,
    async cleanup() {
      await cache.close();
      await served.close();
      await deleteKeys(`${namespace}*`);
    },
  });
}, { ignore: redis.ignore });

function redisTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name: `upstash cache: ${name}`, ignore: redis.ignore, fn });
}

redisTest("keys live under the namespace, tags in Redis sets that expire", async () => {
  const served = serveProxy();
  const namespace = uniqueNamespace();
  const cache = createCache(
    { url: served.url, token: served.token, defaultTtlSeconds: 60 },
    { namespace },
  );
  try {
    assert.equal(cache.mode, "upstash");
    await cache.set("thread:1", { title: "hi" }, { ttlSeconds: 30, tags: ["user:1"] });
    const stored = await redisCommand("GET", `${namespace}c:thread:1`);
    assert.equal(new TextDecoder().decode(stored as Uint8Array), '{"title":"hi"}');
    const members = await redisCommand("SMEMBERS", `${namespace}t:user:1`) as Uint8Array[];
    assert.deepEqual(members.map((m) => new TextDecoder().decode(m)), [`${namespace}c:thread:1`]);
    const tagTtl = await redisCommand("PTTL", `${namespace}t:user:1`) as number;
    assert.ok(tagTtl > 25_000 && tagTtl <= 30_000, `tag TTL ${tagTtl}`);
    // A longer-lived entry extends the tag set; a shorter one does not shorten it.
    await cache.set("thread:2", 2, { ttlSeconds: 120, tags: ["user:1"] });
    await cache.set("thread:3", 3, { ttlSeconds: 5, tags: ["user:1"] });
    assert.ok((await redisCommand("PTTL", `${namespace}t:user:1`) as number) > 100_000);
  } finally {
    await cache.close();
    await served.close();
    await deleteKeys(`${namespace}*`);
  }
});

redisTest("exposes its @upstash/redis client for rate limiting", async () => {
  const served = serveProxy();
  const namespace = uniqueNamespace();
  const cache = createCache(
    { url: served.url, token: served.token, defaultTtlSeconds: 60 },
    { namespace },
  );
  try {
    const client = upstashRedisOf(cache);
    assert.ok(client);
    assert.equal(await client.set(`${namespace}raw`, "v"), "OK");
    assert.equal(await client.get(`${namespace}raw`), "v");
  } finally {
    await cache.close();
    await served.close();
    await deleteKeys(`${namespace}*`);
  }
});

redisTest("ping throws when the proxy is down, quickly", async () => {
  const served = serveProxy();
  const url = served.url;
  await served.close();
  const cache = createUpstashCache({ url, token: "t", defaultTtlSeconds: 60 });
  const started = performance.now();
  await assert.rejects(cache.ping());
  assert.ok(performance.now() - started < 2_000);
  await cache.close();
});

redisTest("ping throws when Redis behind the proxy is down", async () => {
  const served = serveProxy({ redisPort: 1 });
  const cache = createUpstashCache({ url: served.url, token: served.token, defaultTtlSeconds: 60 });
  try {
    await assert.rejects(cache.ping(), /Cannot connect to Redis/);
  } finally {
    await cache.close();
    await served.close();
  }
});

redisTest("a wrong token is rejected", async () => {
  const served = serveProxy();
  const cache = createUpstashCache({ url: served.url, token: "wrong", defaultTtlSeconds: 60 });
  try {
    await assert.rejects(cache.get("k"), /Unauthorized/);
  } finally {
    await cache.close();
    await served.close();
  }
});
