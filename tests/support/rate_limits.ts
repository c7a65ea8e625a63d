/**
 * Rate limits high enough that no functional test trips them, used by the
 * test app and the test server process unless a test passes its own. The
 * limiter still runs on every request.
 *
 * @module
 */

/** Environment overrides: a million requests a minute, ten million an hour. */
export const GENEROUS_RATE_LIMITS = {
  REQUESTS_PER_MINUTE: "1000000",
  REQUESTS_PER_HOUR: "10000000",
  BURST_SIZE: "1000000",
};
