/**
 * The edge's one mapping from errors to what a GraphQL client sees. Domain
 * code throws the plain errors of src/core/errors.ts; here they become
 * GraphQL errors with `extensions.code`, GraphQL's own complaints about a
 * request get `BAD_USER_INPUT`, a database that cannot be reached gets the
 * retryable `UNAVAILABLE` (HTTP 503 with `Retry-After`), and anything else
 * is an unexpected fault: it is logged in full and reaches the client as
 * `INTERNAL` with no stack trace or SQL.
 *
 * @example
 * ```ts
 * const masked = maskError(error, logger); // a GraphQLError with extensions.code
 * ```
 * @module
 */
import { GraphQLError } from "graphql";
import { AppError, ERROR_CODES, INTERNAL_MESSAGE, UnavailableError } from "../core/errors.ts";
import { isConnectionFailure } from "../core/connection_failure.ts";
import { classifyFailure } from "../core/failure_class.ts";
import { storageFailureMessage } from "../core/storage_failure.ts";
import type { Logger } from "../observability/logger.ts";

/** Seconds a client waits before retrying a write the database had no room for. */
const STORAGE_RETRY_AFTER_SECONDS = 30;

/**
 * Finds the AppError behind an error, if any, walking `originalError`:
 * resolver errors arrive wrapped in a located GraphQLError.
 */
export function findAppError(error: unknown): AppError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current instanceof AppError) return current;
    current = current instanceof GraphQLError ? current.originalError : undefined;
  }
  return undefined;
}

/**
 * Keeps client-facing errors (AppError, and GraphQL's own syntax and
 * validation errors) and replaces every unexpected fault with `INTERNAL`,
 * after logging it in full.
 */
export function maskError(error: unknown, logger: Logger): GraphQLError {
  const app = findAppError(error);
  if (app) {
    // An INTERNAL AppError carries a message meant for the client (for
    // example, the identity provider is down); its cause still needs logging.
    if (app.code === "INTERNAL") {
      logger.error("GraphQL operation failed", { error: app.cause ?? app });
    }
    const located = error instanceof GraphQLError ? error : undefined;
    return new GraphQLError(app.message, {
      ...(located ? { nodes: located.nodes, path: located.path } : {}),
      extensions: { ...app.extensions },
    });
  }
  if (error instanceof GraphQLError && isRequestFault(error)) {
    return withCode(error, "BAD_USER_INPUT");
  }
  const cause = error instanceof GraphQLError ? error.originalError : error;
  const storage = storageFailureMessage(cause);
  if (storage !== undefined) {
    // Not a bug either: the database has no room (or refuses writes while
    // its disk is nearly full); retryable once an operator frees space.
    logger.error("the database could not store a write", { error: cause });
    const unavailable = new UnavailableError({
      message: storage,
      retryAfter: STORAGE_RETRY_AFTER_SECONDS,
      cause,
    });
    return new GraphQLError(unavailable.message, {
      ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
      extensions: { ...unavailable.extensions },
    });
  }
  if (isConnectionFailure(cause)) {
    // An outage, not a bug: a warning with its class in the log, and a code
    // the client may retry in the answer.
    logger.warn("database unreachable during a GraphQL operation", {
      failure: classifyFailure(cause),
      error: cause,
    });
    const unavailable = new UnavailableError({ cause });
    return new GraphQLError(unavailable.message, {
      ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
      extensions: { ...unavailable.extensions },
    });
  }
  logger.error("unexpected error in a GraphQL operation", { error: cause });
  return new GraphQLError(INTERNAL_MESSAGE, {
    ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
    extensions: { code: "INTERNAL" },
  });
}

/**
 * True for GraphQL's own complaints about the request: no cause beyond
 * GraphQL errors. Variable coercion (e.g. an unknown enum value) wraps the
 * scalar's error, outside any resolver (no path); a resolver's error always
 * has a path, so an unexpected one stays INTERNAL.
 */
function isRequestFault(error: GraphQLError): boolean {
  if (error.originalError === undefined) return true;
  if (error.path !== undefined) return false;
  let cause: unknown = error.originalError;
  while (cause instanceof GraphQLError) cause = cause.originalError;
  return cause === undefined;
}

/**
 * Gives an error the contract's `code`. Yoga's own codes (for example
 * `GRAPHQL_PARSE_FAILED`) are not in the contract: they move to `reason`.
 */
export function withCode(error: GraphQLError, code: string): GraphQLError {
  const current = error.extensions?.code;
  if ((ERROR_CODES as readonly unknown[]).includes(current)) return error;
  const extensions: Record<string, unknown> = { ...error.extensions, code };
  if (current !== undefined) extensions.reason = current;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions,
  });
}
