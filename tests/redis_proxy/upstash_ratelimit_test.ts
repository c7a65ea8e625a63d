/**
 * `@upstash/ratelimit` 2.2 through the proxy: its Lua scripts carry the
 * `allow-key-locking` flag and go EVALSHA first, EVAL on NOSCRIPT.
 */
import assert from "node:assert/strict";
import { Ratelimit } from "@upstash/ratelimit";
import { createUpstashCache } from "../../src/cache/upstash_cache.ts";
import { deleteKeys, redis, serveProxy, uniqueNamespace } from "../support/redis_proxy.ts";

type Limiter = ConstructorParameters<typeof Ratelimit>[0]["limiter"];

/** A limiter on the cache's own client through a fresh proxy, as the service will build it. */
function limiterThroughProxy(limiter: Limiter) {
  const served = serveProxy();
  const ns = uniqueNamespace();
  const cache = createUpstashCache({
    url: served.url,
    token: served.token,
    defaultTtlSeconds: 60,
    namespace: ns,
  });
  const ratelimit = new Ratelimit({
    redis: cache.redis,
    limiter,
    prefix: `${ns}rl`,
    analytics: false,
    // Without it a blocked identifier is answered from memory, never reaching Redis.
    ephemeralCache: false,
  });
  return {
    ratelimit,
    async close() {
      await cache.close();
      await served.close();
      await deleteKeys(`${ns}*`);
    },
  };
}

function limitTest(name: string, limiter: Limiter, allowed: number): void {
  Deno.test({
    name: `@upstash/ratelimit via proxy: ${name} allows ${allowed}, then blocks`,
    ignore: redis.ignore,
    async fn() {
      const { ratelimit, close } = limiterThroughProxy(limiter);
      try {
        const results = [];
        for (let i = 0; i < allowed + 2; i++) results.push(await ratelimit.limit("user:1"));
        assert.deepEqual(
          results.map((r) => r.success),
          [...Array(allowed).fill(true), false, false],
        );
        assert.equal(results[0]?.limit, allowed);
        assert.equal(results[allowed]?.remaining, 0);
        assert.ok((results[0]?.reset ?? 0) > Date.now() - 1000);
        // Another identifier has its own budget.
        assert.equal((await ratelimit.limit("user:2")).success, true);
        const remaining = await ratelimit.getRemaining("user:2");
        assert.equal(remaining.remaining, allowed - 1);
        await ratelimit.resetUsedTokens("user:1");
        assert.equal((await ratelimit.limit("user:1")).success, true);
      } finally {
        await close();
      }
    },
  });
}

limitTest("slidingWindow", Ratelimit.slidingWindow(3, "10 s"), 3);
limitTest("fixedWindow", Ratelimit.fixedWindow(4, "10 s"), 4);
limitTest("tokenBucket", Ratelimit.tokenBucket(1, "10 s", 2), 2);

Deno.test({
  name: "@upstash/ratelimit via proxy: concurrent requests never exceed the limit",
  ignore: redis.ignore,
  async fn() {
    const { ratelimit, close } = limiterThroughProxy(Ratelimit.slidingWindow(5, "10 s"));
    try {
      const results = await Promise.all(Array.from({ length: 20 }, () => ratelimit.limit("burst")));
      assert.equal(results.filter((r) => r.success).length, 5);
    } finally {
      await close();
    }
  },
});
