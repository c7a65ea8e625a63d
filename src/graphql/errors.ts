/**
 * Errors that reach GraphQL clients. Each carries `extensions.code` from the
 * public contract, and a message that says what was wrong and what to do.
 * Anything else is an unexpected fault: it is logged in full and reaches the
 * client as `INTERNAL` with no stack trace or SQL.
 *
 * @example
 * ```ts
 * import { NotFoundError } from "./errors.ts";
 * throw new NotFoundError(`Thread "t_1" was not found; check the id.`);
 * ```
 * @module
 */
import { GraphQLError } from "graphql";

/** The error codes of the public contract. */
export const ERROR_CODES = [
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "INTERNAL",
] as const;
/** One of {@linkcode ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[number];

/** Base class of every error a client may see unmasked. */
export class AppError extends GraphQLError {
  /** The contract code, also in `extensions.code`. */
  readonly code: ErrorCode;
  constructor(
    code: ErrorCode,
    message: string,
    options: { extensions?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, {
      extensions: { ...options.extensions, code },
      ...(options.cause instanceof Error ? { originalError: options.cause } : {}),
    });
    this.name = "AppError";
    this.code = code;
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

/** The message every unexpected fault shows a client. */
export const INTERNAL_MESSAGE =
  "Internal error; the server logged the details under this request's id.";

/**
 * Finds the AppError behind a GraphQL error, if any, walking `originalError`.
 * Resolver errors arrive wrapped in a located GraphQLError.
 */
export function findAppError(error: unknown): AppError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current instanceof AppError) return current;
    current = current instanceof GraphQLError ? current.originalError : undefined;
  }
  return undefined;
}
