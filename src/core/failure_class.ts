/**
 * The class of a dependency's failure (the database, the cache, the model
 * provider), read from the error a driver threw: postgres.js and PGlite
 * (Node-style `code`s and SQLSTATEs), `fetch` and `@upstash/redis`
 * (Deno's "error sending request" chain), and HTTP answers (a `status`).
 *
 * A class comes with a fixed sentence for people: probes, dashboards and
 * clients see the class and the sentence, never the driver's own text, which
 * names hosts, ports, users and sometimes SQL. The full error belongs in the
 * server log.
 *
 * @example
 * ```ts
 * const failure = classifyFailure(error); // "refused"
 * console.log(FAILURE_MESSAGES[failure]);
 * ```
 * @module
 */

/** Every class, from the most to the least specific. */
export const FAILURE_CLASSES = [
  "timeout",
  "refused",
  "dns",
  "unreachable",
  "tls",
  "reset",
  "auth",
  "unavailable",
  "overloaded",
  "misconfigured",
  "protocol",
  "unknown",
] as const;
/** One of {@linkcode FAILURE_CLASSES}. */
export type FailureClass = typeof FAILURE_CLASSES[number];

/** What each class means and what to check, with no host, port, SQL or driver text. */
export const FAILURE_MESSAGES: Readonly<Record<FailureClass, string>> = {
  timeout: "It did not answer in time: it may be overloaded, or the network drops packets.",
  refused: "The connection was refused: nothing accepts connections at the configured address.",
  dns: "The configured host name could not be resolved: check the address and DNS.",
  unreachable: "The configured address is unreachable from this server: check the network.",
  tls: "The TLS handshake failed: check the certificate and whether the address expects TLS.",
  reset: "The connection was closed or reset while in use: it may be restarting.",
  auth: "It refused the credentials: check the configured password, token or API key.",
  unavailable: "It cannot serve requests now: it is starting up, shutting down or failing.",
  overloaded: "It refused more work: too many connections or requests.",
  misconfigured: "It rejected the configuration: check the database name, user or URL.",
  protocol: "It answered in an unexpected way: check that the address points at the right service.",
  unknown: "It failed for an unclassified reason; the server log has the details.",
};

/** Node-style error codes (postgres.js over `node:net`, undici) and postgres.js's own. */
const BY_CODE: Readonly<Record<string, FailureClass>> = {
  ECONNREFUSED: "refused",
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  EAI_NONAME: "dns",
  EAI_FAIL: "dns",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  EHOSTDOWN: "unreachable",
  ECONNRESET: "reset",
  ECONNABORTED: "reset",
  EPIPE: "reset",
  CONNECTION_CLOSED: "reset",
  CONNECTION_ENDED: "reset",
  CONNECTION_DESTROYED: "reset",
  ETIMEDOUT: "timeout",
  CONNECT_TIMEOUT: "timeout",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_SOCKET: "reset",
  ERR_TLS_CERT_ALTNAME_INVALID: "tls",
  CERT_HAS_EXPIRED: "tls",
  DEPTH_ZERO_SELF_SIGNED_CERT: "tls",
  SELF_SIGNED_CERT_IN_CHAIN: "tls",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "tls",
  SASL_SIGNATURE_MISMATCH: "auth",
  AUTH_TYPE_NOT_IMPLEMENTED: "auth",
  MESSAGE_NOT_SUPPORTED: "protocol",
  // SQLSTATEs (postgres.js and PGlite put them in `code`).
  "28000": "auth", // invalid_authorization_specification
  "28P01": "auth", // invalid_password
  "3D000": "misconfigured", // invalid_catalog_name: the database does not exist
  "08P01": "protocol", // protocol_violation
  "08004": "refused", // sqlserver_rejected_establishment_of_sqlconnection
  "57P01": "unavailable", // admin_shutdown
  "57P02": "unavailable", // crash_shutdown
  "57P03": "unavailable", // cannot_connect_now: starting up or in recovery
  "53300": "overloaded", // too_many_connections
  "57014": "timeout", // query_canceled: the statement timeout
};

/**
 * Message patterns, for errors without a usable code: Deno's `fetch` (whose
 * cause reads "tcp connect error: Connection refused (os error 111)"),
 * rustls, and the Upstash client's error answers.
 */
const BY_MESSAGE: readonly (readonly [RegExp, FailureClass])[] = [
  [/connection refused|ECONNREFUSED|os error 111\b/i, "refused"],
  // Deno's fetch refuses the Fetch standard's "bad ports" (e.g. 9, 25) outright.
  [/requests to port \d+ are blocked/i, "misconfigured"],
  [/dns error|failed to lookup address|name or service not known|ENOTFOUND|EAI_AGAIN/i, "dns"],
  [/network is unreachable|no route to host|os error 113\b|os error 101\b/i, "unreachable"],
  [/certificate|\btls\b|\bssl\b|handshake/i, "tls"],
  [/connection reset|ECONNRESET|broken pipe|os error 104\b|os error 32\b|unexpected eof/i, "reset"],
  [/connection (?:was )?closed|CONNECTION_CLOSED|CONNECTION_ENDED|CONNECTION_DESTROYED/i, "reset"],
  [/timed? ?out|timeout|no answer within|deadline/i, "timeout"],
  [/unauthori[sz]ed|forbidden|WRONGPASS|NOAUTH|password authentication|invalid api key/i, "auth"],
  [/too many (?:connections|requests)/i, "overloaded"],
  [/the database system is (?:starting up|shutting down)|in recovery mode/i, "unavailable"],
];

/** The class of an HTTP status a dependency answered with. */
export function classifyStatus(status: number): FailureClass {
  if (status === 401 || status === 403 || status === 407) return "auth";
  if (status === 408 || status === 504) return "timeout";
  if (status === 429) return "overloaded";
  if (status >= 500) return "unavailable";
  return "protocol";
}

/**
 * The class of a failure. Walks `cause` (and AggregateError's `errors`)
 * a few levels deep: `fetch` wraps the real reason in its cause, and our
 * own errors often wrap a driver's. A code anywhere in the chain wins over
 * a status, and a status over message patterns.
 */
export function classifyFailure(error: unknown): FailureClass {
  const chain = errorChain(error);
  for (const link of chain) {
    const code = propertyOf(link, "code");
    if (typeof code === "string" && Object.hasOwn(BY_CODE, code)) return BY_CODE[code]!;
  }
  for (const link of chain) {
    const name = propertyOf(link, "name");
    if (name === "TimeoutError") return "timeout";
    const status = propertyOf(link, "status");
    if (typeof status === "number" && status >= 400 && status < 600) return classifyStatus(status);
  }
  for (const link of chain) {
    const message = propertyOf(link, "message");
    if (typeof message !== "string") continue;
    for (const [pattern, failure] of BY_MESSAGE) if (pattern.test(message)) return failure;
    const http = /\bHTTP (\d{3})\b/.exec(message);
    if (http) return classifyStatus(Number(http[1]));
  }
  return "unknown";
}

/** The error, its causes and an AggregateError's members, at most 8 in all. */
export function errorChain(error: unknown): unknown[] {
  const seen: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.length < 8) {
    const current = queue.shift();
    if (current === undefined || current === null || seen.includes(current)) continue;
    seen.push(current);
    if (typeof current !== "object") continue;
    const cause = propertyOf(current, "cause");
    if (cause !== undefined) queue.push(cause);
    const originalError = propertyOf(current, "originalError");
    if (originalError !== undefined) queue.push(originalError);
    if (current instanceof AggregateError) queue.push(...current.errors);
  }
  return seen;
}

function propertyOf(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
