/**
 * Request rate limits per user (per IP for anonymous clients), from
 * `REQUESTS_PER_MINUTE`, `REQUESTS_PER_HOUR` and `BURST_SIZE`:
 *
 * - `minute` and `hour`: sliding windows of that many requests;
 * - `burst`: a token bucket of `BURST_SIZE` tokens refilled at the
 *   per-minute rate, so a client may send that many back to back but no more.
 *
 * On Upstash the rules run in `@upstash/ratelimit` on the cache's own Redis
 * client, shared by every replica; on the in-memory cache they run in
 * process. The three rules are checked at once (one round trip); a request
 * one rule refuses still counts against the others, so hammering past the
 * burst also spends the minute's budget.
 *
 * A cache outage must not take the API down with it: a failed check lets the
 * request through, counts `cache_errors_total{operation="rate_limit"}` and
 * logs (at most every 30 s).
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter({ cache, config, metrics, logger });
 * const decision = await limiter.check("user:alice");
 * if (!decision.allowed) console.log(`retry after ${decision.retryAfterSeconds} s`);
 * ```
 * @module
 */
import { Ratelimit } from "@upstash/ratelimit";
import { Counter } from "prom-client";
import type { Config } from "../config.ts";
import { type Cache, upstashRedisOf } from "../cache/cache.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Logger } from "../observability/logger.ts";
import { type Limiter, memorySlidingWindow, memoryTokenBucket } from "./memory_limiter.ts";

/** The rules, in the order a tie is reported. */
export const LIMIT_NAMES = ["burst", "minute", "hour"] as const;
/** One of {@linkcode LIMIT_NAMES}; the `limit` label of the rejection metric. */
export type LimitName = typeof LIMIT_NAMES[number];

/** The outcome of one check. */
export type RateLimitDecision =
  | { allowed: true; degraded: boolean }
  | { allowed: false; limit: LimitName; retryAfterSeconds: number };

/** Checks and counts one request against the limits. */
export interface RateLimiter {
  /** `upstash` or `memory`, or `off` when `RATE_LIMIT_ENABLED=false`. */
  readonly backend: "upstash" | "memory" | "off";
  check(identity: string): Promise<RateLimitDecision>;
}

/** Options for {@linkcode createRateLimiter}. */
export interface RateLimiterOptions {
  cache: Cache;
  config: Config;
  metrics: Pick<Metrics, "registry" | "cacheErrorsTotal">;
  logger: Logger;
  /** Redis key prefix. Default `gm:rl:`. */
  prefix?: string;
}

/** Builds the limiter on the app's cache. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { config, logger } = options;
  if (!config.rateLimit.enabled) {
    return { backend: "off", check: () => Promise.resolve({ allowed: true, degraded: false }) };
  }
  const rejections = new Counter({
    name: "rate_limit_rejections_total",
    help: "Requests refused by a rate limit, by the limit that refused them.",
    labelNames: ["limit"],
    registers: [options.metrics.registry],
  });
  for (const limit of LIMIT_NAMES) rejections.inc({ limit }, 0);
  // A client of the limiter's own, so its deadline (RATE_LIMIT_REDIS_TIMEOUT_MS: how long a
  // check may take before the request goes through) is the one that counts: the cache's client
  // cuts every request at the cache's deadline (2 s), whatever this says.
  const timeoutMs = config.rateLimit.redisTimeoutMs;
  const redis = upstashRedisOf(options.cache, timeoutMs);
  const rules = redis === undefined
    ? memoryRules(config.rateLimit)
    : upstashRules(config.rateLimit, redis, options.prefix ?? "gm:rl:", timeoutMs);
  let lastWarning = -Infinity;
  let suppressed = 0;

  function failOpen(error: unknown): RateLimitDecision {
    options.metrics.cacheErrorsTotal.inc({ operation: "rate_limit" });
    const now = Date.now();
    if (now - lastWarning >= 30_000) {
      logger.warn("rate limit check failed; letting requests through", { error, suppressed });
      lastWarning = now;
      suppressed = 0;
    } else suppressed++;
    return { allowed: true, degraded: true };
  }

  return {
    backend: redis === undefined ? "memory" : "upstash",
    async check(identity) {
      let results;
      try {
        results = await Promise.all(LIMIT_NAMES.map((name) => rules[name].limit(identity)));
      } catch (error) {
        return failOpen(error);
      }
      if (results.some((r) => "reason" in r && r.reason === "timeout")) {
        return failOpen(new Error("the rate limit check timed out"));
      }
      let refused: { limit: LimitName; reset: number } | undefined;
      for (const [i, result] of results.entries()) {
        if (!result.success && (refused === undefined || result.reset > refused.reset)) {
          refused = { limit: LIMIT_NAMES[i]!, reset: result.reset };
        }
      }
      if (refused === undefined) return { allowed: true, degraded: false };
      rejections.inc({ limit: refused.limit });
      const retryAfterSeconds = Math.max(1, Math.ceil((refused.reset - Date.now()) / 1000));
      return { allowed: false, limit: refused.limit, retryAfterSeconds };
    },
  };
}

type Rules = Record<LimitName, Limiter & { limit(id: string): Promise<{ reason?: string }> }>;

/** Milliseconds between two burst tokens: the per-minute rate. */
function refillIntervalMs(perMinute: number): number {
  return Math.max(1, Math.floor(60_000 / perMinute));
}

function memoryRules(limits: Config["rateLimit"]): Rules {
  return {
    burst: memoryTokenBucket(1, refillIntervalMs(limits.perMinute), limits.burst),
    minute: memorySlidingWindow(limits.perMinute, 60_000),
    hour: memorySlidingWindow(limits.perHour, 3_600_000),
  };
}

function upstashRules(
  limits: Config["rateLimit"],
  redis: NonNullable<ReturnType<typeof upstashRedisOf>>,
  prefix: string,
  timeoutMs: number,
): Rules {
  const make = (name: LimitName, limiter: ConstructorParameters<typeof Ratelimit>[0]["limiter"]) =>
    new Ratelimit({
      redis,
      limiter,
      prefix: `${prefix}${name}`,
      analytics: false,
      timeout: timeoutMs,
    });
  return {
    burst: make(
      "burst",
      Ratelimit.tokenBucket(1, `${refillIntervalMs(limits.perMinute)} ms`, limits.burst),
    ),
    minute: make("minute", Ratelimit.slidingWindow(limits.perMinute, "60 s")),
    hour: make("hour", Ratelimit.slidingWindow(limits.perHour, "3600 s")),
  };
}
