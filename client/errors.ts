/**
 * Errors the client throws, one class per `extensions.code` the API sends,
 * so callers branch with `instanceof` instead of comparing strings.
 *
 * @example
 * ```ts
 * try {
 *   await client.threads.get("missing");
 * } catch (error) {
 *   if (error instanceof NotFoundError) console.log("no such thread");
 *   else if (error instanceof RateLimitedError) console.log(`wait ${error.retryAfter} s`);
 *   else if (error instanceof UnavailableError) console.log(`outage; retry in ${error.retryAfter} s`);
 *   else throw error;
 * }
 * ```
 * @module
 */

/** The codes the API puts in `extensions.code`. */
export type ErrorCode =
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "UNAVAILABLE"
  | "INTERNAL";

/** A GraphQL error as it arrives in a response's `errors`. */
export interface GraphQLErrorShape {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/** An error the API returned: its first error's message and code; `errors` holds all of them. */
export class GraphmindError extends Error {
  /** `extensions.code` of the first error, or `INTERNAL` when it had none. */
  readonly code: ErrorCode | string;
  readonly extensions: Record<string, unknown>;
  readonly path: readonly (string | number)[] | undefined;
  /** Every error of the response. */
  readonly errors: readonly GraphQLErrorShape[];
  constructor(errors: readonly GraphQLErrorShape[], options?: { cause?: unknown }) {
    const first = errors[0] ?? { message: "The API answered with an error but gave no details." };
    super(first.message, options);
    this.name = "GraphmindError";
    this.extensions = first.extensions ?? {};
    this.code = typeof this.extensions.code === "string" ? this.extensions.code : "INTERNAL";
    this.path = first.path;
    this.errors = errors;
  }
}

/** `BAD_USER_INPUT`: fix the arguments and try again. */
export class BadUserInputError extends GraphmindError {
  constructor(errors: readonly GraphQLErrorShape[]) {
    super(errors);
    this.name = "BadUserInputError";
  }
}

/** `UNAUTHENTICATED`: no token, or an invalid or expired one. */
export class UnauthenticatedError extends GraphmindError {
  constructor(errors: readonly GraphQLErrorShape[]) {
    super(errors);
    this.name = "UnauthenticatedError";
  }
}

/** `FORBIDDEN`: the token's user may not do this. */
export class ForbiddenError extends GraphmindError {
  constructor(errors: readonly GraphQLErrorShape[]) {
    super(errors);
    this.name = "ForbiddenError";
  }
}

/** `NOT_FOUND`: no such thing, or it is another user's. */
export class NotFoundError extends GraphmindError {
  constructor(errors: readonly GraphQLErrorShape[]) {
    super(errors);
    this.name = "NotFoundError";
  }
}

/** `CONFLICT`: the state does not allow it now (e.g. the run already ended). */
export class ConflictError extends GraphmindError {
  constructor(errors: readonly GraphQLErrorShape[]) {
    super(errors);
    this.name = "ConflictError";
  }
}

/** `RATE_LIMITED`: wait `retryAfter` seconds before trying again. */
export class RateLimitedError extends GraphmindError {
  /** Seconds to wait, from `extensions.retryAfter` or the `Retry-After` header; 1 when neither says. */
  readonly retryAfter: number;
  constructor(errors: readonly GraphQLErrorShape[], retryAfterHeader?: string | null) {
    super(errors);
    this.name = "RateLimitedError";
    this.retryAfter = retryAfterOf(this.extensions, retryAfterHeader, 1);
  }
}

/**
 * `UNAVAILABLE`: the API cannot reach its database right now (HTTP 503), or
 * the server is shutting down (a run stream it ended then carries
 * `extensions.resumeAfter`). The same request may succeed after
 * `retryAfter` seconds; reads are safe to repeat, mutations when repeating
 * them is. Streams and polls of this client retry it on their own.
 */
export class UnavailableError extends GraphmindError {
  /** Seconds to wait, from `extensions.retryAfter` or the `Retry-After` header; 5 when neither says. */
  readonly retryAfter: number;
  constructor(errors: readonly GraphQLErrorShape[], retryAfterHeader?: string | null) {
    super(errors);
    this.name = "UnavailableError";
    this.retryAfter = retryAfterOf(this.extensions, retryAfterHeader, 5);
  }
}

/** True for an error worth retrying as it is, after its `retryAfter`: an outage. */
export function isRetryable(error: unknown): error is UnavailableError {
  return error instanceof UnavailableError;
}

function retryAfterOf(
  extensions: Record<string, unknown>,
  header: string | null | undefined,
  fallback: number,
): number {
  const fromExtensions = Number(extensions.retryAfter);
  const fromHeader = Number(header);
  return Number.isFinite(fromExtensions) && fromExtensions > 0
    ? fromExtensions
    : Number.isFinite(fromHeader) && fromHeader > 0
    ? fromHeader
    : fallback;
}

/** `INTERNAL`, or a code this client does not know. */
export class InternalError extends GraphmindError {
  constructor(errors: readonly GraphQLErrorShape[]) {
    super(errors);
    this.name = "InternalError";
  }
}

/**
 * The connection to the API failed, or a stream's connection dropped and
 * did not come back within the retry budget. `cause` is the last failure.
 */
export class ConnectionError extends Error {
  /** Connection attempts made before giving up. */
  readonly attempts: number;
  constructor(message: string, attempts: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConnectionError";
    this.attempts = attempts;
  }
}

/** The typed error for a response's `errors`, by the first error's code. */
export function errorFromGraphQL(
  errors: readonly GraphQLErrorShape[],
  retryAfterHeader?: string | null,
): GraphmindError {
  switch (errors[0]?.extensions?.code) {
    case "BAD_USER_INPUT":
    case "GRAPHQL_VALIDATION_FAILED":
    case "GRAPHQL_PARSE_FAILED":
      return new BadUserInputError(errors);
    case "UNAUTHENTICATED":
      return new UnauthenticatedError(errors);
    case "FORBIDDEN":
      return new ForbiddenError(errors);
    case "NOT_FOUND":
      return new NotFoundError(errors);
    case "CONFLICT":
      return new ConflictError(errors);
    case "RATE_LIMITED":
      return new RateLimitedError(errors, retryAfterHeader);
    case "UNAVAILABLE":
      return new UnavailableError(errors, retryAfterHeader);
    default:
      return new InternalError(errors);
  }
}

/** Whether `value` looks like a response's `errors` list. */
export function isGraphQLErrorList(value: unknown): value is GraphQLErrorShape[] {
  return Array.isArray(value) && value.length > 0 &&
    value.every((e) => typeof e === "object" && e !== null && typeof e.message === "string");
}
