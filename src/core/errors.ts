/**
 * The errors a client may see, as plain domain errors: each carries a code
 * from the public contract and a message that says what was wrong and what
 * to do. Domain code throws these and knows nothing of GraphQL; the edge
 * (src/graphql/errors.ts) turns them into GraphQL errors with
 * `extensions.code`, and masks every other error as `INTERNAL`.
 *
 * @example
 * ```ts
 * import { NotFoundError } from "./errors.ts";
 * throw new NotFoundError(`Thread "t_1" was not found; check the id.`);
 * ```
 * @module
 */

/** The error codes of the public contract. */
export const ERROR_CODES = [
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "UNAVAILABLE",
  "INTERNAL",
] as const;
/** One of {@linkcode ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[number];

/** The message every unexpected fault shows a client. */
export const INTERNAL_MESSAGE =
  "Internal error; the server logged the details under this request's id.";

/** Base class of every error a client may see unmasked. */
export class AppError extends Error {
  /** The contract code, also in `extensions.code`. */
  readonly code: ErrorCode;
  /** What the client receives as `extensions`: the code plus any details. */
  readonly extensions: Readonly<Record<string, unknown>>;
  constructor(
    code: ErrorCode,
    message: string,
    options: { extensions?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.extensions = { ...options.extensions, code };
  }
}

/** The input is wrong; the message names the field and the rule. */
export class BadUserInputError extends AppError {
  constructor(
    message: string,
    options: { field?: string; cause?: unknown; extensions?: Record<string, unknown> } = {},
  ) {
    super("BAD_USER_INPUT", message, {
      extensions: {
        ...options.extensions,
        ...(options.field === undefined ? {} : { field: options.field }),
      },
      cause: options.cause,
    });
    this.name = "BadUserInputError";
  }
}

/** No valid credentials were sent. */
export class UnauthenticatedError extends AppError {
  constructor(message = "Authentication required: send an Authorization: Bearer <JWT> header.") {
    super("UNAUTHENTICATED", message);
    this.name = "UnauthenticatedError";
  }
}

/** The viewer may not do this. */
export class ForbiddenError extends AppError {
  constructor(message: string) {
    super("FORBIDDEN", message);
    this.name = "ForbiddenError";
  }
}

/** The object does not exist, or belongs to someone else. */
export class NotFoundError extends AppError {
  constructor(message: string) {
    super("NOT_FOUND", message);
    this.name = "NotFoundError";
  }
}

/** The request conflicts with the current state. */
export class ConflictError extends AppError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super("CONFLICT", message, { extensions });
    this.name = "ConflictError";
  }
}

/**
 * Too many requests; `extensions.retryAfter` says in how many seconds to try
 * again. Over HTTP the response is also 429 with a `Retry-After` header
 * (yoga reads `extensions.http` and strips it from the body).
 */
export class RateLimitedError extends AppError {
  /** Seconds until the client may try again. */
  readonly retryAfter: number;
  constructor(retryAfter: number, limit?: string) {
    super(
      "RATE_LIMITED",
      `Rate limit exceeded${
        limit === undefined ? "" : ` (${limit})`
      }; retry after ${retryAfter} s.`,
      {
        extensions: {
          retryAfter,
          ...(limit === undefined ? {} : { limit }),
          http: { status: 429, headers: { "retry-after": String(retryAfter) } },
        },
      },
    );
    this.name = "RateLimitedError";
    this.retryAfter = retryAfter;
  }
}

/** Seconds a client waits before retrying a request the database could not serve. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * A dependency the request needs (the database) cannot be reached right
 * now: worth retrying after `retryAfter` seconds (a query that never
 * reached the database did nothing; one whose connection was lost during
 * its commit cannot tell). Over HTTP the response is 503 with a `Retry-After` header, so
 * clients and load balancers can tell an outage from a bug (`INTERNAL`). A
 * stream the server ended (it is shutting down) also carries
 * `extensions.resumeAfter`, the last sequence it delivered.
 */
export class UnavailableError extends AppError {
  /** Seconds until the client should try again. */
  readonly retryAfter: number;
  constructor(
    options: {
      retryAfter?: number;
      message?: string;
      cause?: unknown;
      /** More details, e.g. `resumeAfter` on a stream the server ended. */
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    const retryAfter = options.retryAfter ?? UNAVAILABLE_RETRY_AFTER_SECONDS;
    super(
      "UNAVAILABLE",
      options.message ??
        `The service cannot reach its database right now; retry after ${retryAfter} s.`,
      {
        extensions: {
          ...options.extensions,
          retryAfter,
          http: { status: 503, headers: { "retry-after": String(retryAfter) } },
        },
        cause: options.cause,
      },
    );
    this.name = "UnavailableError";
    this.retryAfter = retryAfter;
  }
}
