/**
 * The memory read cache: hits, invalidation by namespace and prefix, on the
 * in-memory cache and on Redis through the real Upstash proxy; and outages
 * (a proxy in front of a dead Redis, a proxy that goes away and comes back)
 * that degrade to the database, count in `cache_errors_total`, never fail a
 * request and never serve a stale read afterwards.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createCache } from "../../src/cache/cache.ts";
import { createUpstashProxy } from "../../src/redis_proxy/upstash_proxy.ts";
import { createMemoryService, type MemoryService } from "../../src/memories/service.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { redis } from "../support/redis_proxy.ts";

/** Changes a value behind the store's back, so only a cache can still show the old one. */
async function sneak(app: TestApp, owner: string, key: string, content: string) {
  await app.database.sql`
    UPDATE memory_items SET value = jsonb_build_object('content', ${content}::text)
    WHERE owner_id = ${owner} AND key = ${key}`;
}

const content = (record: { value: Record<string, unknown> } | null) => record?.value.content;

async function cacheBehaviour(t: Deno.TestContext, app: TestApp, memory: MemoryService) {
  const user = `cache-${crypto.randomUUID()}`;
  const store = memory.forOwner(user);
  await store.put(["a", "b"], "k1", { content: "original" });
  await store.put(["x"], "k2", { content: "elsewhere" });
  const searchA = async () =>
    (await memory.search(user, { namespacePrefix: ["a"], query: "original" })).map((h) =>
      content(h)
    );

  await t.step("get and search results are served from the cache", async () => {
    assert.equal(content(await memory.get(user, ["a", "b"], "k1")), "original");
    assert.deepEqual(await searchA(), ["original"]);
    await memory.context.cache.drain();
    await sneak(app, user, "k1", "changed behind the store");
    assert.equal(content(await memory.get(user, ["a", "b"], "k1")), "original");
    assert.deepEqual(await searchA(), ["original"]);
  });

  await t.step("a write to another namespace leaves those entries alone", async () => {
    await store.put(["x"], "k3", { content: "unrelated" });
    assert.equal(content(await memory.get(user, ["a", "b"], "k1")), "original");
    assert.deepEqual(await searchA(), ["original"]);
  });

  await t.step("a write invalidates its namespace and every prefix of it", async () => {
    await store.put(["a", "b"], "k4", { content: "original too" });
    assert.equal(content(await memory.get(user, ["a", "b"], "k1")), "changed behind the store");
    assert.equal((await searchA()).length, 2);
    const all = await memory.search(user, { namespacePrefix: [], limit: 10 });
    assert.equal(all.length, 4);
  });

  await t.step("another user never sees a cached entry", async () => {
    assert.equal(await memory.get(`${user}-other`, ["a", "b"], "k1"), null);
  });
}

Deno.test("memory cache on the in-memory cache", async (t) => {
  const app = await startTestApp();
  try {
    await cacheBehaviour(t, app, app.memory);
  } finally {
    await app.close();
  }
});

/** Serves the proxy on `port` (0: any) in front of Redis at `redisPort`. */
function serve(port: number, redisPort: number, token: string) {
  const proxy = createUpstashProxy({ token, redisHost: redis.hostname, redisPort });
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, proxy.fetch);
  return {
    port: server.addr.port,
    async close() {
      await server.shutdown();
      await proxy.close();
    },
  };
}

/** A memory service on the app's database, caching through Upstash at `url`. */
function serviceWithCache(app: TestApp, url: string, token: string, cooldownMs = 100) {
  const cache = createCache({ url, token, defaultTtlSeconds: 60 });
  const memory = createMemoryService({
    sql: app.database.sql,
    config: app.config,
    cache,
    metrics: app.metrics,
    logger: app.logger,
    cacheCooldownMs: cooldownMs,
    maintenance: false,
  });
  return {
    memory,
    async close() {
      await memory.close();
      await cache.close();
    },
  };
}

async function cacheErrors(app: TestApp): Promise<number> {
  const metric = await app.metrics.cacheErrorsTotal.get();
  return metric.values.reduce((sum, v) => sum + v.value, 0);
}

Deno.test({
  name: "memory cache on Redis through the Upstash proxy",
  ignore: redis.ignore,
  async fn(t) {
    const app = await startTestApp();
    const token = `token-${crypto.randomUUID()}`;
    const proxy = serve(0, redis.port, token);
    const { memory, close } = serviceWithCache(app, `http://127.0.0.1:${proxy.port}`, token);
    try {
      await memory.start();
      await cacheBehaviour(t, app, memory);
      assert.equal(await cacheErrors(app), 0);
    } finally {
      await close();
      await proxy.close();
      await app.close();
    }
  },
});

Deno.test({
  name: "a proxy in front of a dead Redis: every request still answers, errors are counted",
  ignore: redis.ignore,
  async fn() {
    const app = await startTestApp();
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const deadPort = listener.addr.port;
    listener.close();
    const token = `token-${crypto.randomUUID()}`;
    const proxy = serve(0, deadPort, token);
    const { memory, close } = serviceWithCache(app, `http://127.0.0.1:${proxy.port}`, token, 0);
    try {
      await memory.start();
      const user = `dead-${crypto.randomUUID()}`;
      await memory.forOwner(user).put(["n"], "k", { content: "still stored" });
      assert.equal(content(await memory.get(user, ["n"], "k")), "still stored");
      const hits = await memory.search(user, { namespacePrefix: ["n"], query: "stored" });
      assert.equal(hits.length, 1);
      assert.ok(await cacheErrors(app) >= 2, `cache errors: ${await cacheErrors(app)}`);
      assert.ok(
        app.logs.some((l) => l.message === "memory cache unavailable; reading from the database"),
      );
    } finally {
      await close();
      await proxy.close();
      await app.close();
    }
  },
});

Deno.test({
  name: "a proxy that goes away and comes back: reads degrade, then no stale entry is served",
  ignore: redis.ignore,
  async fn() {
    const app = await startTestApp();
    const token = `token-${crypto.randomUUID()}`;
    let proxy = serve(0, redis.port, token);
    const port = proxy.port;
    const { memory, close } = serviceWithCache(app, `http://127.0.0.1:${port}`, token, 100);
    try {
      await memory.start();
      const user = `flaky-${crypto.randomUUID()}`;
      await memory.forOwner(user).put(["n"], "k", { content: "v1" });
      assert.equal(content(await memory.get(user, ["n"], "k")), "v1");
      await memory.context.cache.drain();

      await proxy.close();
      const before = await cacheErrors(app);
      // The write's invalidation cannot reach Redis, where the v1 entry lives on.
      await memory.forOwner(user).put(["n"], "k", { content: "v2" });
      assert.equal(content(await memory.get(user, ["n"], "k")), "v2");
      assert.ok(await cacheErrors(app) > before);

      proxy = serve(port, redis.port, token);
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(content(await memory.get(user, ["n"], "k")), "v2");
      // And the cache is trusted again: a sneaky change is hidden by the fresh entry.
      await memory.context.cache.drain();
      await sneak(app, user, "k", "v3 behind the store");
      assert.equal(content(await memory.get(user, ["n"], "k")), "v2");
    } finally {
      await close();
      await proxy.close();
      await app.close();
    }
  },
});
