/**
 * The in-process cache used when no Upstash URL is configured. A `Map` in
 * least-recently-used order, bounded by `maxEntries`, so a busy process
 * cannot grow it without limit. Expired entries are dropped when touched, so
 * no timer runs. Values are kept as JSON text: callers get copies, exactly
 * as from Redis.
 *
 * @module
 */
import type { Cache, CacheSetOptions } from "./types.ts";
import {
  CacheArgumentError,
  CacheClosedError,
  toJsonText,
  ttlMilliseconds,
} from "./cache_values.ts";

/** Options for {@linkcode createMemoryCache}. */
export interface MemoryCacheOptions {
  defaultTtlSeconds: number;
  /** Entries kept before the least recently used is evicted. Default 10 000. */
  maxEntries?: number;
  /** Milliseconds clock; tests pass a fake one. */
  now?: () => number;
}

interface Entry {
  json: string;
  expiresAt: number;
  tags: readonly string[];
}

/** A {@linkcode Cache} that also reports its size, for tests and metrics. */
export interface MemoryCache extends Cache {
  readonly mode: "memory";
  /** Entries held, including expired ones not yet dropped. */
  readonly size: number;
}

/** Creates an in-memory cache. */
export function createMemoryCache(options: MemoryCacheOptions): MemoryCache {
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new CacheArgumentError(`Invalid maxEntries ${maxEntries}: expected a positive integer`);
  }
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const keysByTag = new Map<string, Set<string>>();
  let closed = false;

  /** The live entry at `key`, marked most recently used; expired ones are dropped. */
  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    remove(key);
    if (entry.expiresAt <= now()) return undefined;
    insert(key, entry);
    return entry;
  }

  function insert(key: string, entry: Entry): void {
    entries.set(key, entry);
    for (const tag of entry.tags) {
      let keys = keysByTag.get(tag);
      if (keys === undefined) keysByTag.set(tag, keys = new Set());
      keys.add(key);
    }
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      remove(oldest);
    }
  }

  /** Removes `key` and its tag memberships; true when it was live. */
  function remove(key: string): boolean {
    const entry = entries.get(key);
    if (entry === undefined) return false;
    entries.delete(key);
    for (const tag of entry.tags) {
      const keys = keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) keysByTag.delete(tag);
    }
    return entry.expiresAt > now();
  }

  function set(key: string, value: unknown, setOptions: CacheSetOptions = {}): void {
    const json = toJsonText(key, value);
    const expiresAt = now() + ttlMilliseconds(setOptions.ttlSeconds, options.defaultTtlSeconds);
    remove(key);
    insert(key, { json, expiresAt, tags: [...new Set(setOptions.tags ?? [])] });
  }

  function incr(key: string, ttlSeconds: number | undefined): number {
    const ttl = ttlMilliseconds(ttlSeconds, options.defaultTtlSeconds);
    const entry = live(key);
    const current = entry === undefined ? 0 : Number(entry.json);
    // Redis keeps 64-bit integers; past 2^53 JavaScript numbers cannot follow.
    if (entry !== undefined && !(/^-?\d+$/.test(entry.json) && Number.isSafeInteger(current + 1))) {
      throw new CacheArgumentError(`Cannot increment "${key}": its value is not an integer`);
    }
    const next = current + 1;
    remove(key);
    insert(key, {
      json: String(next),
      expiresAt: entry?.expiresAt ?? now() + ttl,
      tags: entry?.tags ?? [],
    });
    return next;
  }

  function deleteWhere(keys: Iterable<string>, predicate: (key: string) => boolean): number {
    let removed = 0;
    for (const key of [...keys]) if (predicate(key) && remove(key)) removed++;
    return removed;
  }

  /** Runs `operation` as a promise, so argument errors reject instead of throwing. */
  function run<T>(operation: () => T): Promise<T> {
    return Promise.try(() => {
      if (closed) throw new CacheClosedError();
      return operation();
    });
  }

  return {
    mode: "memory",
    get size() {
      return entries.size;
    },
    get: <T>(key: string) =>
      run(() => {
        const entry = live(key);
        return entry === undefined ? null : JSON.parse(entry.json) as T;
      }),
    set: (key, value, setOptions) => run(() => set(key, value, setOptions)),
    delete: (key) => run(() => void remove(key)),
    deleteByPrefix: (prefix) => run(() => deleteWhere(entries.keys(), (k) => k.startsWith(prefix))),
    invalidateTag: (tag) => run(() => deleteWhere(keysByTag.get(tag) ?? [], () => true)),
    incr: (key, incrOptions) => run(() => incr(key, incrOptions?.ttlSeconds)),
    ping: () => run(() => 0),
    close() {
      closed = true;
      entries.clear();
      keysByTag.clear();
      return Promise.resolve();
    },
  };
}
