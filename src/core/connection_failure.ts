/**
 * Tells a database outage from a bug. postgres.js rejects a query with a
 * connection-class error when the server cannot be reached, closes the
 * connection, or refuses new ones (shutting down, starting up, full); such
 * a request is worth retrying in a few seconds, so the edge answers
 * `UNAVAILABLE` with `retryAfter` instead of `INTERNAL`. Everything else a
 * query can throw (a constraint, a syntax error, a statement timeout) stays
 * a fault of ours.
 *
 * @example
 * ```ts
 * if (isConnectionFailure(error)) throw new UnavailableError();
 * ```
 * @module
 */
import { errorChain } from "./failure_class.ts";

/** Error codes of a connection that could not be made or was lost (postgres.js, node:net). */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

/**
 * SQLSTATEs that mean "not now" rather than "wrong": 57P01 admin_shutdown,
 * 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, recovering),
 * 53300 too_many_connections. Class 08 (connection exceptions) is matched
 * by prefix.
 */
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);

/** True when `error` (or anything in its cause chain) says the database is unreachable. */
export function isConnectionFailure(error: unknown): boolean {
  return errorChain(error).some((link) => {
    if (typeof link !== "object" || link === null) return false;
    const code = (link as { code?: unknown }).code;
    if (typeof code !== "string") return false;
    return CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) ||
      /^08[0-9A-Z]{3}$/.test(code);
  });
}
