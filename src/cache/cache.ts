/**
 * The cache: one small interface over Upstash Redis (through its REST API)
 * or an in-process LRU map when `UPSTASH_REDIS_REST_URL` is unset.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { createCache } from "./cache.ts";
 * const cache = createCache(loadConfig(Deno.env.toObject()).cache);
 * await cache.set("thread:1", { title: "Hello" }, { ttlSeconds: 60, tags: ["user:42"] });
 * await cache.get<{ title: string }>("thread:1"); // { title: "Hello" }
 * await cache.invalidateTag("user:42"); // 1
 * await cache.close();
 * ```
 * @module
 */
import type { Redis } from "@upstash/redis";
import type { Config } from "../config.ts";
import { createMemoryCache } from "./memory_cache.ts";
import { createUpstashCache, type UpstashCache } from "./upstash_cache.ts";

export { CacheArgumentError, CacheClosedError } from "./cache_values.ts";
export type { Cache, CacheSetOptions } from "./types.ts";
import type { Cache } from "./types.ts";

/** Options for {@linkcode createCache} beyond the configuration. */
export interface CacheOptions {
  /** Prefix of every Redis key, so the service never collides with other data. Default `gm:`. */
  namespace?: string;
  /** Most entries the in-memory cache holds before evicting the least recently used. */
  maxEntries?: number;
}

/**
 * Creates the Upstash cache when the configuration has a URL, the in-memory
 * cache otherwise.
 *
 * @throws {Error} when a URL is configured without a token.
 */
export function createCache(config: Config["cache"], options: CacheOptions = {}): Cache {
  if (config.url === undefined) {
    return createMemoryCache({
      defaultTtlSeconds: config.defaultTtlSeconds,
      ...(options.maxEntries !== undefined && { maxEntries: options.maxEntries }),
    });
  }
  if (config.token === undefined) {
    throw new Error(
      `UPSTASH_REDIS_REST_URL is set to "${config.url}" but UPSTASH_REDIS_REST_TOKEN is not: set both, or neither for the in-memory cache`,
    );
  }
  return createUpstashCache({
    url: config.url,
    token: config.token,
    defaultTtlSeconds: config.defaultTtlSeconds,
    ...(options.namespace !== undefined && { namespace: options.namespace }),
  });
}

/**
 * The `@upstash/redis` client behind an Upstash cache, for features built on
 * the same database such as `@upstash/ratelimit`; `undefined` for the
 * in-memory cache. With `timeoutMs`, a client of its own whose requests give
 * up after that long instead of at the cache's deadline.
 */
export function upstashRedisOf(cache: Cache, timeoutMs?: number): Redis | undefined {
  if (!("redis" in cache)) return undefined;
  const upstash = cache as Cache & Pick<UpstashCache, "redis" | "clientWithDeadline">;
  return timeoutMs === undefined ? upstash.redis : upstash.clientWithDeadline(timeoutMs);
}
