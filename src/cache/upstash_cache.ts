/**
 * The cache on Upstash Redis, through its REST API with `@upstash/redis`
 * (or through {@link ./upstash_proxy.ts} in front of a local Redis).
 *
 * Key layout under the namespace (default `gm:`): `<ns>c:<key>` holds an
 * entry's JSON text, `<ns>t:<tag>` is the Redis set of entry keys carrying
 * that tag. Values are stored as JSON text, so the client's automatic
 * deserialisation, which `JSON.parse`s what it reads, returns them intact.
 *
 * Every request has a deadline (`timeoutMs`): the cache is an accelerator,
 * and a Redis that hangs (frozen, partitioned, overloaded) must fail its
 * callers fast so they fall back to the database, instead of holding them
 * as long as the connection stays open (memory reads and writes hung for
 * good behind a stopped Redis; tests/faults/redis_outage_test.ts).
 *
 * @module
 */
import { Redis } from "@upstash/redis";
import type { Cache, CacheSetOptions } from "./types.ts";
import {
  CacheArgumentError,
  CacheClosedError,
  toJsonText,
  ttlMilliseconds,
} from "./cache_values.ts";

/** Options for {@linkcode createUpstashCache}. */
export interface UpstashCacheOptions {
  /** The REST URL, `UPSTASH_REDIS_REST_URL`. */
  url: string;
  /** The REST token, `UPSTASH_REDIS_REST_TOKEN`. */
  token: string;
  defaultTtlSeconds: number;
  /** Prefix of every key. Default `gm:`. */
  namespace?: string;
  /** Milliseconds before a request (retries included) gives up. Default 2000. */
  timeoutMs?: number;
}

/** A {@linkcode Cache} on Upstash, exposing its client for features on the same database. */
export interface UpstashCache extends Cache {
  readonly mode: "upstash";
  /** The client (with the same request deadline), for `@upstash/ratelimit` and the like. */
  readonly redis: Redis;
  /**
   * Another client on the same database whose requests give up after
   * `timeoutMs`, for a feature with a deadline of its own (the rate limiter's
   * `RATE_LIMIT_REDIS_TIMEOUT_MS`), which the cache's would otherwise cap.
   */
  clientWithDeadline(timeoutMs: number): Redis;
}

/** Keys per SCAN, SPOP and DEL round trip: big enough to be quick, small enough not to stall Redis. */
const BATCH = 500;

/** Escapes Redis glob characters, so a prefix matches only itself. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/**
 * Creates a cache on Upstash.
 *
 * @example
 * ```ts
 * import { createUpstashCache } from "./upstash_cache.ts";
 * const cache = createUpstashCache({
 *   url: "http://127.0.0.1:8079",
 *   token: "local-dev-token",
 *   defaultTtlSeconds: 3600,
 * });
 * await cache.set("greeting", "hello");
 * ```
 */
export function createUpstashCache(options: UpstashCacheOptions): UpstashCache {
  const timeoutMs = options.timeoutMs ?? 2000;
  const namespace = options.namespace ?? "gm:";
  if (namespace === "") throw new CacheArgumentError("The cache namespace must not be empty");
  const clientWithDeadline = (deadlineMs: number) =>
    new Redis({
      url: options.url,
      token: options.token,
      // Few, short retries: a health check must fail fast, not after the default ~4 s.
      retry: { retries: 2, backoff: (attempt) => 50 * 2 ** attempt },
      // A function, so each request gets its own deadline and an abort throws
      // (a fixed signal would make the client answer "Aborted" as a result).
      signal: () => AbortSignal.timeout(deadlineMs),
      enableTelemetry: false,
    });
  const redis = clientWithDeadline(timeoutMs);
  const dataKey = (key: string) => `${namespace}c:${key}`;
  const tagKey = (tag: string) => `${namespace}t:${tag}`;
  let closed = false;

  async function run<T>(operation: () => Promise<T>): Promise<T> {
    if (closed) throw new CacheClosedError();
    return await operation();
  }

  async function set(key: string, value: unknown, setOptions: CacheSetOptions = {}) {
    const json = toJsonText(key, value);
    const px = ttlMilliseconds(setOptions.ttlSeconds, options.defaultTtlSeconds);
    const tags = [...new Set(setOptions.tags ?? [])];
    if (tags.length === 0) {
      await redis.set(dataKey(key), json, { px });
      return;
    }
    // One transaction, so an entry never exists without its tags.
    const transaction = redis.multi().set(dataKey(key), json, { px });
    for (const tag of tags) {
      // A tag set lives as long as its longest-lived entry: NX gives a new set a TTL,
      // GT extends an existing one. Stale members are harmless (DEL of a missing key).
      transaction.sadd(tagKey(tag), dataKey(key))
        .pexpire(tagKey(tag), px, "NX")
        .pexpire(tagKey(tag), px, "GT");
    }
    await transaction.exec();
  }

  async function deleteByPrefix(prefix: string): Promise<number> {
    const match = `${escapeGlob(dataKey(prefix))}*`;
    let cursor = "0";
    let removed = 0;
    do {
      const [next, keys] = await redis.scan(cursor, { match, count: BATCH });
      cursor = String(next);
      // SCAN may repeat a key; DEL counts it once since the second DEL finds nothing.
      if (keys.length > 0) removed += await redis.del(...keys);
    } while (cursor !== "0");
    return removed;
  }

  async function invalidateTag(tag: string): Promise<number> {
    let removed = 0;
    while (true) {
      // SPOP, not SMEMBERS: concurrent invalidations split the work instead of repeating it.
      const members = await redis.spop<string[]>(tagKey(tag), BATCH);
      if (members === null || members.length === 0) return removed;
      removed += await redis.del(...members);
    }
  }

  async function incr(key: string, ttlSeconds: number | undefined): Promise<number> {
    const px = ttlMilliseconds(ttlSeconds, options.defaultTtlSeconds);
    const [value] = await redis.multi()
      .incr(dataKey(key))
      .pexpire(dataKey(key), px, "NX")
      .exec<[number, number]>();
    return value;
  }

  return {
    mode: "upstash",
    redis,
    clientWithDeadline,
    get: <T>(key: string) => run(() => redis.get<T>(dataKey(key))),
    set: (key, value, setOptions) => run(() => set(key, value, setOptions)),
    delete: (key) => run(async () => void await redis.del(dataKey(key))),
    deleteByPrefix: (prefix) => run(() => deleteByPrefix(prefix)),
    invalidateTag: (tag) => run(() => invalidateTag(tag)),
    incr: (key, incrOptions) => run(() => incr(key, incrOptions?.ttlSeconds)),
    ping: () =>
      run(async () => {
        const start = performance.now();
        await redis.ping();
        return performance.now() - start;
      }),
    close() {
      // Plain HTTP: nothing to release, but later calls should fail like the memory cache's.
      closed = true;
      return Promise.resolve();
    },
  };
}
