/**
 * The cache every part of the app uses, whichever backend serves it
 * (src/cache/memory_cache.ts or src/cache/upstash_cache.ts).
 *
 * @module
 */

/** Options for {@linkcode Cache.set}. */
export interface CacheSetOptions {
  /** Seconds until the entry expires (fractions allowed); the configured default otherwise. */
  ttlSeconds?: number;
  /** Tags to invalidate the entry by, with {@linkcode Cache.invalidateTag}. */
  tags?: string[];
}

/** A key-value cache of JSON values. Every entry expires. */
export interface Cache {
  /** Which backend serves the cache; health checks report it. */
  readonly mode: "upstash" | "memory";
  /** The value stored at `key`, or `null` when it is absent or expired. */
  get<T = unknown>(key: string): Promise<T | null>;
  /** Stores a JSON value. Storing `null` reads back the same as a missing key. */
  set(key: string, value: unknown, options?: CacheSetOptions): Promise<void>;
  /** Removes `key`; no error when it is absent. */
  delete(key: string): Promise<void>;
  /** Removes every key starting with `prefix` and returns how many were removed. */
  deleteByPrefix(prefix: string): Promise<number>;
  /**
   * Removes every key stored with `tag` and returns how many were removed.
   * Upstash may also remove keys re-stored without the tag since; a cache
   * may always drop more than asked.
   */
  invalidateTag(tag: string): Promise<number>;
  /**
   * Adds one to the integer at `key` (0 when absent) and returns the result.
   * The TTL (default: the configured one) applies when the counter is
   * created; later increments keep its expiry, so it suits fixed windows.
   */
  incr(key: string, options?: { ttlSeconds?: number }): Promise<number>;
  /** Round-trip latency in milliseconds. Throws when the backend is down. */
  ping(): Promise<number>;
  /** Releases the backend; later calls throw `CacheClosedError`. */
  close(): Promise<void>;
}
