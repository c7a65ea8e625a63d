/**
 * Tells a lost or refused database connection (Postgres restarting, down or
 * unreachable) from every other database error, so callers can retry, or
 * tell the client to, instead of treating it as a bug: postgres.js' own
 * connection codes, the socket's, and the SQLSTATEs a server sends while it
 * shuts down or starts up.
 *
 * @example
 * ```ts
 * try {
 *   await sql`SELECT 1`;
 * } catch (error) {
 *   if (isConnectionError(error)) console.log("the database is unavailable; retry later");
 * }
 * ```
 * @module
 */

/** postgres.js' and the socket's codes for a connection that failed or went away. */
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * SQLSTATEs of a server going away or not yet back: class 08 (connection
 * exception), admin/crash shutdown (57P01, 57P02) and "cannot connect now"
 * while it starts (57P03).
 */
function isConnectionState(code: string): boolean {
  return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03";
}

/** True when `error` (or an error in its `cause` chain) is a lost or refused connection. */
export function isConnectionError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || isConnectionState(code))) {
      return true;
    }
    current = current.cause;
  }
  return false;
}
