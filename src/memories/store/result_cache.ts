/**
 * Caches memory reads (`get` and `search` results) in the app's cache
 * (Upstash Redis or in-memory) with the configured TTL (REDIS_MEMORY_CACHE_TTL).
 *
 * Invalidation uses generation tokens: every cache key embeds the current
 * token of the namespace (or search prefix) it reads, and a write replaces
 * the tokens of its namespace and of every prefix of it, so older entries
 * are never read again and simply expire. Tokens are random, never counters,
 * so a token that expires and is re-created cannot resurrect old entries.
 * Each owner also has an epoch token, replaced when an invalidation could not
 * be delivered, which drops all of that owner's entries at once.
 *
 * The cache is an accelerator, never a dependency: any cache error counts in
 * `cache_errors_total`, opens a short circuit breaker during which reads go
 * straight to the database, and never fails the request. Invalidations that
 * fail are remembered (per owner) and delivered before the cache is trusted
 * again.
 *
 * @module
 */
import type { Cache } from "../../cache/cache.ts";
import type { Logger } from "../../observability/logger.ts";
import type { Metrics } from "../../observability/metrics.ts";
import { prefixesOf } from "./namespace.ts";
import { type MemoryHit, type MemoryRecord, reviveRecord } from "./records.ts";

/** Options for {@linkcode createResultCache}. */
export interface ResultCacheOptions {
  cache: Cache;
  ttlSeconds: number;
  metrics: Metrics;
  logger: Logger;
  /** How long reads skip the cache after an error. Default 5000 ms. */
  cooldownMs?: number;
}

/** The memory read cache. */
export interface ResultCache {
  /** The item from the cache, or from `load` (then cached). */
  item(
    owner: string,
    namespace: string[],
    key: string,
    load: () => Promise<MemoryRecord | null>,
  ): Promise<MemoryRecord | null>;
  /** A search's hits from the cache, or from `load` (then cached); `request` identifies it. */
  search(
    owner: string,
    prefix: string[],
    request: unknown,
    load: () => Promise<MemoryHit[]>,
  ): Promise<MemoryHit[]>;
  /** Makes every cached read of these namespaces (and their prefixes) unreachable. */
  invalidate(owner: string, namespaces: string[][]): Promise<void>;
  /** Forgets everything cached for `owner`. */
  invalidateOwner(owner: string): Promise<void>;
  /** Waits for cache writes still in flight (at shutdown). */
  drain(): Promise<void>;
}

/** Creates the cache layer. */
export function createResultCache(options: ResultCacheOptions): ResultCache {
  const { cache, ttlSeconds } = options;
  const cooldownMs = options.cooldownMs ?? 5000;
  // Tokens outlive the entries that embed them, so a live entry's token is rarely re-minted.
  const tokenTtl = ttlSeconds * 2;
  const pendingOwners = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let openUntil = 0;

  function failed(operation: string, error: unknown): void {
    options.metrics.cacheErrorsTotal.inc({ operation: `memory_${operation}` });
    if (performance.now() >= openUntil) {
      options.logger.warn("memory cache unavailable; reading from the database", {
        operation,
        error: error instanceof Error ? error.message : String(error),
        retry_in_ms: cooldownMs,
      });
    }
    openUntil = performance.now() + cooldownMs;
  }

  /** True when reads may use the cache: breaker closed and no invalidation owed. */
  async function usable(): Promise<boolean> {
    if (performance.now() < openUntil) return false;
    if (pendingOwners.size === 0) return true;
    try {
      for (const owner of [...pendingOwners]) {
        await cache.set(await epochKey(owner), crypto.randomUUID(), { ttlSeconds: tokenTtl });
        pendingOwners.delete(owner);
      }
      return true;
    } catch (error) {
      failed("invalidate", error);
      return false;
    }
  }

  async function token(key: string): Promise<string> {
    const current = await cache.get<string>(key);
    if (current !== null) return current;
    const fresh = crypto.randomUUID();
    await cache.set(key, fresh, { ttlSeconds: tokenTtl });
    return fresh;
  }

  async function cached<T>(
    operation: string,
    owner: string,
    scope: string[],
    identity: unknown,
    load: () => Promise<T>,
    ttlFor: (value: T) => number,
    revive: (value: T) => T,
  ): Promise<T> {
    if (!(await usable())) return await load();
    let entryKey: string;
    try {
      const [epoch, generation] = await Promise.all([
        token(await epochKey(owner)),
        token(await generationKey(owner, scope)),
      ]);
      entryKey = `mem:${operation}:${epoch}:${generation}:${await digest([owner, identity])}`;
      const hit = await cache.get<{ v: T }>(entryKey);
      if (hit !== null) return revive(hit.v);
    } catch (error) {
      failed(operation, error);
      return await load();
    }
    const value = await load();
    const ttl = Math.min(ttlSeconds, ttlFor(value));
    if (ttl > 0) {
      // The reply does not wait for the cache write.
      const write = cache.set(entryKey, { v: value }, { ttlSeconds: ttl })
        .catch((error) => failed(operation, error))
        .finally(() => inFlight.delete(write));
      inFlight.add(write);
    }
    return value;
  }

  return {
    item: (owner, namespace, key, load) =>
      cached(
        "item",
        owner,
        namespace,
        [namespace, key],
        load,
        (record) => secondsUntilExpiry(record === null ? [] : [record]),
        (record) => record === null ? null : live(reviveRecord(record as MemoryHit)),
      ),
    search: (owner, prefix, request, load) =>
      cached(
        "search",
        owner,
        prefix,
        request,
        load,
        secondsUntilExpiry,
        (hits) => hits.map(reviveRecord).filter((hit) => live(hit) !== null),
      ),
    async invalidate(owner, namespaces) {
      const keys = new Set<string>();
      for (const namespace of namespaces) {
        for (const prefix of prefixesOf(namespace)) keys.add(await generationKey(owner, prefix));
      }
      if (performance.now() < openUntil) {
        pendingOwners.add(owner);
        return;
      }
      try {
        await Promise.all(
          [...keys].map((key) => cache.set(key, crypto.randomUUID(), { ttlSeconds: tokenTtl })),
        );
      } catch (error) {
        pendingOwners.add(owner);
        failed("invalidate", error);
      }
    },
    async invalidateOwner(owner) {
      pendingOwners.add(owner);
      await usable();
    },
    async drain() {
      await Promise.all(inFlight);
    },
  };
}

/** Seconds until the first of `records` expires (a cached read must not outlive it). */
function secondsUntilExpiry(records: MemoryRecord[]): number {
  let seconds = Infinity;
  for (const record of records) {
    if (record.expiresAt === null) continue;
    seconds = Math.min(seconds, (new Date(record.expiresAt).getTime() - Date.now()) / 1000);
  }
  return Math.floor(seconds);
}

function live<T extends MemoryRecord>(record: T): T | null {
  return record.expiresAt !== null && record.expiresAt.getTime() <= Date.now() ? null : record;
}

async function epochKey(owner: string): Promise<string> {
  return `mem:epoch:${await digest(owner)}`;
}

async function generationKey(owner: string, scope: string[]): Promise<string> {
  return `mem:gen:${await digest([owner, scope])}`;
}

/** A short, fixed-length key part; user text never appears in Redis keys. */
async function digest(value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(hash.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
}
