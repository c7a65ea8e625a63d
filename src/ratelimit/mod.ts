/**
 * Rate limiting's public entry: the limiter and the identity a request is counted under.
 *
 * @module
 */
export { createRateLimiter, type RateLimiter } from "./rate_limiter.ts";
export { rateLimitIdentity } from "./identity.ts";
