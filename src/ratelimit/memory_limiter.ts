/**
 * The in-process twins of `@upstash/ratelimit`'s sliding window and token
 * bucket, for the in-memory cache: one process, so one map is the whole
 * truth. They follow Upstash's algorithms (a sliding window is the current
 * fixed window plus the previous one weighted by how much of it still
 * overlaps; a bucket starts full and refills whole tokens per interval) and
 * answer in the same shape, so both backends behave alike.
 *
 * @module
 */

/** What one attempt got: the fields of `@upstash/ratelimit`'s response we use. */
export interface LimitResponse {
  success: boolean;
  /** Milliseconds since the epoch when the limit next frees up. */
  reset: number;
}

/** A limiter for one rule, keyed by identifier. */
export interface Limiter {
  limit(identifier: string): Promise<LimitResponse>;
}

/** Options shared by the in-memory limiters. */
export interface MemoryLimiterOptions {
  /** Identifiers tracked before the least recently used is forgotten. Default 100 000. */
  maxKeys?: number;
  /** Milliseconds clock; tests pass a fake one. */
  now?: () => number;
}

/** A map bounded by `maxKeys`, forgetting the least recently used key. */
function boundedMap<V>(maxKeys: number) {
  const map = new Map<string, V>();
  return {
    get(key: string): V | undefined {
      const value = map.get(key);
      if (value !== undefined) {
        map.delete(key);
        map.set(key, value);
      }
      return value;
    },
    set(key: string, value: V): void {
      map.delete(key);
      map.set(key, value);
      if (map.size > maxKeys) map.delete(map.keys().next().value!);
    },
  };
}

/** At most `tokens` requests in any `windowMs`, approximated as Upstash does. */
export function memorySlidingWindow(
  tokens: number,
  windowMs: number,
  options: MemoryLimiterOptions = {},
): Limiter {
  const now = options.now ?? Date.now;
  const counts = boundedMap<{ window: number; current: number; previous: number }>(
    options.maxKeys ?? 100_000,
  );
  return {
    limit(identifier) {
      const at = now();
      const window = Math.floor(at / windowMs);
      let state = counts.get(identifier);
      if (state === undefined || state.window < window - 1) {
        state = { window, current: 0, previous: 0 };
      } else if (state.window === window - 1) {
        state = { window, current: 0, previous: state.current };
      }
      const overlap = 1 - (at % windowMs) / windowMs;
      const reset = (window + 1) * windowMs;
      const success = state.previous * overlap + state.current < tokens;
      if (success) state.current++;
      counts.set(identifier, state);
      return Promise.resolve({ success, reset });
    },
  };
}

/** A bucket of `maxTokens`, refilled by `refillRate` tokens every `intervalMs`. */
export function memoryTokenBucket(
  refillRate: number,
  intervalMs: number,
  maxTokens: number,
  options: MemoryLimiterOptions = {},
): Limiter {
  const now = options.now ?? Date.now;
  const buckets = boundedMap<{ tokens: number; refilledAt: number }>(options.maxKeys ?? 100_000);
  return {
    limit(identifier) {
      const at = now();
      const bucket = buckets.get(identifier) ?? { tokens: maxTokens, refilledAt: at };
      const refills = Math.floor((at - bucket.refilledAt) / intervalMs);
      if (refills > 0) {
        bucket.tokens = Math.min(maxTokens, bucket.tokens + refills * refillRate);
        bucket.refilledAt += refills * intervalMs;
      }
      const success = bucket.tokens > 0;
      if (success) bucket.tokens--;
      buckets.set(identifier, bucket);
      return Promise.resolve({ success, reset: bucket.refilledAt + intervalMs });
    },
  };
}
