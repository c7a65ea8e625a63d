/**
 * What the request guards cost: one rate-limit check (three rules) on the
 * in-memory cache and through the Upstash proxy on the local Redis, and a
 * whole in-process GraphQL request (`{ viewer { id } }` with a token) with
 * rate limiting on and off. The armor limits and CSRF checks run in both.
 *
 * @module
 */
import { loadConfig } from "../src/config.ts";
import { createCache } from "../src/cache/cache.ts";
import { createUpstashCache } from "../src/cache/upstash_cache.ts";
import { createUpstashProxy } from "../src/redis_proxy/upstash_proxy.ts";
import { createMetrics } from "../src/observability/metrics.ts";
import { createLogger } from "../src/observability/logger.ts";
import { createRateLimiter } from "../src/ratelimit/rate_limiter.ts";
import { signJwt } from "../src/auth/jwt.ts";
import { startTestApp } from "../tests/support/app.ts";
import { localRedis } from "../tests/support/local_redis.ts";
import { deleteKeys } from "../tests/support/redis_proxy.ts";

/** One row of the table. */
export interface GuardRow {
  case: string;
  n: number;
  p50Ms: number;
  p95Ms: number;
  perSecond: number;
}

const quiet = createLogger({ level: "error", name: "bench", write: () => {} });
const GENEROUS = {
  REQUESTS_PER_MINUTE: "100000000",
  REQUESTS_PER_HOUR: "1000000000",
  BURST_SIZE: "100000000",
};

async function measure(
  name: string,
  n: number,
  op: (i: number) => Promise<unknown>,
): Promise<GuardRow> {
  for (let i = 0; i < Math.min(50, n); i++) await op(i); // warm up
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await op(i);
    times.push(performance.now() - t);
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.floor(q * (times.length - 1))]! * 1000) / 1000;
  return {
    case: name,
    n,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    perSecond: Math.round(n / (total / 1000)),
  };
}

/** Runs the benchmark and returns its rows. */
export async function benchRequestGuards(n = 2000): Promise<GuardRow[]> {
  const rows: GuardRow[] = [];
  const config = loadConfig(GENEROUS);
  const memory = createCache(config.cache);
  const memoryLimiter = createRateLimiter({
    cache: memory,
    config,
    metrics: createMetrics(),
    logger: quiet,
  });
  rows.push(
    await measure("limiter check, memory", n, (i) => memoryLimiter.check(`user:${i % 100}`)),
  );
  await memory.close();

  const redis = await localRedis();
  if (redis.available) {
    const proxy = createUpstashProxy({
      token: "bench",
      redisHost: redis.hostname,
      redisPort: redis.port,
    });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, proxy.fetch);
    const prefix = `gm-bench:${crypto.randomUUID()}:`;
    const cache = createUpstashCache({
      url: `http://127.0.0.1:${server.addr.port}`,
      token: "bench",
      defaultTtlSeconds: 60,
      namespace: prefix,
    });
    const limiter = createRateLimiter({
      cache,
      config,
      metrics: createMetrics(),
      logger: quiet,
      prefix,
    });
    rows.push(
      await measure(
        "limiter check, upstash proxy + redis",
        Math.min(n, 1000),
        (i) => limiter.check(`user:${i % 100}`),
      ),
    );
    await cache.close();
    await server.shutdown();
    await proxy.close();
    await deleteKeys(`${prefix}*`);
  } else {
    console.warn(`Redis unavailable (${redis.reason}); skipping the Upstash row.`);
  }

  const secret = "bench-secret-0123456789";
  const token = await signJwt({ sub: "bench" }, secret);
  for (const enabled of ["true", "false"]) {
    const app = await startTestApp({
      SECRET_KEY: secret,
      RATE_LIMIT_ENABLED: enabled,
      ...GENEROUS,
    });
    const body = JSON.stringify({ query: "{ viewer { id } }" });
    rows.push(
      await measure(
        `GraphQL viewer in-process, rate limit ${enabled === "true" ? "on" : "off"}`,
        n,
        async () => {
          const response = await app.fetch(
            new Request("http://localhost/graphql", {
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
              body,
            }),
          );
          await response.body?.cancel();
        },
      ),
    );
    await app.close();
  }
  return rows;
}
