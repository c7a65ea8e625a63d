/**
 * The limiter on both backends: the in-memory cache, and `@upstash/ratelimit`
 * through the Upstash proxy on the real local Redis. The same assertions run
 * on each, so the two behave alike.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config.ts";
import { type Cache, createCache } from "../../src/cache/cache.ts";
import { createUpstashCache } from "../../src/cache/upstash_cache.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createRateLimiter, type RateLimitDecision } from "../../src/ratelimit/rate_limiter.ts";
import { deleteKeys, redis, serveProxy, uniqueNamespace } from "../support/redis_proxy.ts";

interface Backend {
  name: string;
  ignore: boolean;
  open(): Promise<{ cache: Cache; prefix: string; close(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: "memory",
    ignore: false,
    open: () => {
      const cache = createCache(loadConfig({}).cache);
      return Promise.resolve({ cache, prefix: "unused:", close: () => cache.close() });
    },
  },
  {
    name: "upstash proxy on Redis",
    ignore: redis.ignore,
    open: () => {
      const served = serveProxy();
      const namespace = uniqueNamespace();
      const cache = createUpstashCache({ ...served, defaultTtlSeconds: 60, namespace });
      return Promise.resolve({
        cache,
        prefix: `${namespace}rl:`,
        async close() {
          await cache.close();
          await served.close();
          await deleteKeys(`${namespace}*`);
        },
      });
    },
  },
];

function limiterOn(cache: Cache, prefix: string, env: Record<string, string>) {
  const metrics = createMetrics();
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "debug",
    name: "test",
    write: (line) => logs.push(JSON.parse(line)),
  });
  // A loaded suite can take over the production 1 s per check; a timeout would let the
  // request through (degraded) and hide what these tests count.
  const limiter = createRateLimiter({
    cache,
    config: loadConfig({ RATE_LIMIT_REDIS_TIMEOUT_MS: "10000", ...env }),
    metrics,
    logger,
    prefix,
  });
  const metric = async (name: string, label: string) => {
    const text = await metrics.registry.metrics();
    const line = text.split("\n").find((l) => l.startsWith(`${name}{${label}}`));
    return Number(line?.split(" ")[1] ?? NaN);
  };
  return { limiter, metrics, logs, metric };
}

async function decisions(check: () => Promise<RateLimitDecision>, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await check());
  return out;
}

for (const backend of BACKENDS) {
  Deno.test({
    name: `rate limiter (${backend.name}): burst, minute and hour limits`,
    ignore: backend.ignore,
    async fn(t) {
      const { cache, prefix, close } = await backend.open();
      try {
        await t.step(
          "burst: BURST_SIZE back to back, then refilled at the minute rate",
          async () => {
            const { limiter, metric, logs } = limiterOn(cache, `${prefix}b:`, {
              BURST_SIZE: "2",
              // One token per 5 s: a loaded machine's three round trips stay well inside it
              // (at one per second, a full parallel suite's load refilled one in between).
              REQUESTS_PER_MINUTE: "12",
              REQUESTS_PER_HOUR: "1000",
            });
            assert.equal(limiter.backend, backend.name === "memory" ? "memory" : "upstash");
            const started = performance.now();
            const got = await decisions(() => limiter.check("user:alice"), 3);
            // A third `allowed` is either a fail-open (`degraded`, and the
            // limiter's warning names the error) or a refill, which needs the
            // three checks to span 5 s: the message says which.
            assert.deepEqual(
              got.map((d) => d.allowed),
              [true, true, false],
              `${JSON.stringify(got)} in ${Math.round(performance.now() - started)} ms; ` +
                JSON.stringify(logs.filter((l) => l.level !== "DEBUG" && l.level !== "INFO")),
            );
            const { retryAfterSeconds, ...refused } = got[2] as RateLimitDecision & {
              retryAfterSeconds: number;
            };
            assert.deepEqual(refused, { allowed: false, limit: "burst" });
            // The next token is at most one refill interval (5 s) away, however long the calls took.
            assert.ok(retryAfterSeconds >= 1 && retryAfterSeconds <= 5, `${retryAfterSeconds}`);
            assert.equal((await limiter.check("user:bob")).allowed, true, "bob has his own budget");
            await new Promise((resolve) => setTimeout(resolve, 5100));
            assert.equal((await limiter.check("user:alice")).allowed, true, "a token came back");
            assert.equal(await metric("rate_limit_rejections_total", 'limit="burst"'), 1);
            assert.equal(await metric("rate_limit_rejections_total", 'limit="minute"'), 0);
          },
        );

        await t.step("minute: REQUESTS_PER_MINUTE in a sliding minute", async () => {
          const { limiter, metric } = limiterOn(cache, `${prefix}m:`, {
            BURST_SIZE: "100",
            REQUESTS_PER_MINUTE: "3",
            REQUESTS_PER_HOUR: "1000",
          });
          const got = await decisions(() => limiter.check("ip:203.0.113.1"), 4);
          assert.deepEqual(got.map((d) => d.allowed), [true, true, true, false]);
          const refused = got[3] as Extract<RateLimitDecision, { allowed: false }>;
          assert.equal(refused.limit, "minute");
          assert.ok(refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 60);
          assert.equal(await metric("rate_limit_rejections_total", 'limit="minute"'), 1);
        });

        await t.step("hour: REQUESTS_PER_HOUR in a sliding hour", async () => {
          const { limiter, metric } = limiterOn(cache, `${prefix}h:`, {
            BURST_SIZE: "100",
            REQUESTS_PER_MINUTE: "100",
            REQUESTS_PER_HOUR: "2",
          });
          const got = await decisions(() => limiter.check("user:carol"), 3);
          assert.deepEqual(got.map((d) => d.allowed), [true, true, false]);
          const refused = got[2] as Extract<RateLimitDecision, { allowed: false }>;
          assert.equal(refused.limit, "hour");
          assert.ok(refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 3600);
          assert.equal(await metric("rate_limit_rejections_total", 'limit="hour"'), 1);
        });

        await t.step("RATE_LIMIT_ENABLED=false turns it off", async () => {
          const { limiter } = limiterOn(cache, `${prefix}off:`, {
            RATE_LIMIT_ENABLED: "false",
            BURST_SIZE: "1",
          });
          assert.equal(limiter.backend, "off");
          const got = await decisions(() => limiter.check("user:dave"), 5);
          assert.ok(got.every((d) => d.allowed));
        });
      } finally {
        await close();
      }
    },
  });
}

Deno.test({
  name: "rate limiter (upstash): replicas on one Redis share each user's budget",
  ignore: redis.ignore,
  async fn() {
    const served = serveProxy();
    const namespace = uniqueNamespace();
    const caches = [1, 2].map(() =>
      createUpstashCache({ ...served, defaultTtlSeconds: 60, namespace })
    );
    // One token per 5 s, so no token comes back during the six round trips, however loaded.
    const env = { BURST_SIZE: "4", REQUESTS_PER_MINUTE: "12", REQUESTS_PER_HOUR: "100" };
    try {
      const [a, b] = caches.map((cache) => limiterOn(cache, `${namespace}rl:`, env).limiter);
      const got = [];
      for (let i = 0; i < 3; i++) {
        got.push(await a!.check("user:erin"), await b!.check("user:erin"));
      }
      // A fifth `allowed` marked `degraded` is a check that failed open (it timed out).
      assert.deepEqual(
        got.map((d) => d.allowed),
        [true, true, true, true, false, false],
        JSON.stringify(got),
      );
    } finally {
      for (const cache of caches) await cache.close();
      await served.close();
      await deleteKeys(`${namespace}*`);
    }
  },
});

Deno.test({
  name: "rate limiter (upstash): a cache outage lets requests through, counted and logged",
  ignore: redis.ignore,
  async fn() {
    const served = serveProxy();
    const namespace = uniqueNamespace();
    const cache = createUpstashCache({ ...served, defaultTtlSeconds: 60, namespace });
    try {
      const { limiter, metric, logs } = limiterOn(cache, `${namespace}rl:`, { BURST_SIZE: "1" });
      assert.equal((await limiter.check("user:frank")).allowed, true);
      await served.close(); // Redis is now unreachable through the proxy
      const got = await decisions(() => limiter.check("user:frank"), 3);
      assert.deepEqual(got, Array(3).fill({ allowed: true, degraded: true }));
      assert.equal(await metric("cache_errors_total", 'operation="rate_limit"'), 3);
      const warnings = logs.filter((l) =>
        l.message === "rate limit check failed; letting requests through"
      );
      assert.equal(warnings.length, 1, "one warning per 30 s, not one per request");
      assert.equal(warnings[0]?.level, "WARNING");
    } finally {
      await cache.close();
      await deleteKeys(`${namespace}*`);
    }
  },
});

Deno.test({
  name: "rate limiter (upstash): RATE_LIMIT_REDIS_TIMEOUT_MS is its deadline, not the cache's",
  ignore: redis.ignore,
  async fn() {
    const served = serveProxy();
    // Every request to Redis takes 300 ms: past the cache's 100 ms, inside the limiter's 5 s.
    const slow = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const url = new URL(req.url);
      return await fetch(`${served.url}${url.pathname}${url.search}`, {
        method: req.method,
        headers: req.headers,
        body: await req.arrayBuffer(),
      });
    });
    const namespace = uniqueNamespace();
    const cache = createUpstashCache({
      url: `http://127.0.0.1:${slow.addr.port}`,
      token: served.token,
      defaultTtlSeconds: 60,
      namespace,
      timeoutMs: 100,
    });
    try {
      await assert.rejects(cache.get("anything"), "the cache's own requests give up at 100 ms");
      const { limiter } = limiterOn(cache, `${namespace}rl:`, {
        BURST_SIZE: "1",
        RATE_LIMIT_REDIS_TIMEOUT_MS: "5000",
      });
      const { limiter: hasty } = limiterOn(cache, `${namespace}rl-hasty:`, {
        BURST_SIZE: "1",
        RATE_LIMIT_REDIS_TIMEOUT_MS: "100",
      });
      const got = await decisions(() => limiter.check("user:gina"), 2);
      assert.deepEqual(got.map((d) => d.allowed), [true, false], JSON.stringify(got));
      assert.deepEqual(await hasty.check("user:gina"), { allowed: true, degraded: true });
    } finally {
      await cache.close();
      await slow.shutdown();
      await served.close();
      await deleteKeys(`${namespace}*`);
    }
  },
});
