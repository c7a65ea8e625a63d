/**
 * The request id: taken from `x-request-id` when a proxy set a sane one,
 * generated otherwise, and echoed on the response.
 *
 * @module
 */

/** The header that carries the request id both ways. */
export const REQUEST_ID_HEADER = "x-request-id";

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Returns the caller's request id when it is safe to log, or a new one. */
export function requestIdFrom(request: Request): string {
  const given = request.headers.get(REQUEST_ID_HEADER);
  return given !== null && SAFE_ID.test(given) ? given : crypto.randomUUID();
}
