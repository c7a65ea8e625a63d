/**
 * graphql-yoga over the Pothos schema: GraphiQL, SSE subscriptions, error
 * codes and masking, and yoga's Prometheus plugin on the app's registry.
 *
 * @module
 */
import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import { GraphQLError, type GraphQLSchema } from "graphql";
import { usePrometheus } from "@graphql-yoga/plugin-prometheus";
import type { Registry } from "prom-client";
import type { GraphQLContext, Services, Viewer } from "./context.ts";
import { ERROR_CODES, findAppError, INTERNAL_MESSAGE, RateLimitedError } from "./errors.ts";
import type { Logger } from "../observability/logger.ts";
import { resolveViewer } from "../auth/viewer.ts";
import type { RateLimiter } from "../ratelimit/rate_limiter.ts";
import { rateLimitIdentity } from "../ratelimit/identity.ts";
import { createOriginPolicy } from "../http/origins.ts";
import { limitPlugins, withoutSuggestions } from "./limits.ts";
import { useInputLimits } from "./input_rules.ts";
import {
  type BodyLimits,
  isUploadTooLarge,
  MULTIPART_ENVELOPE_BYTES,
  useBodyLimits,
} from "./body_limits.ts";

/** What the HTTP layer (or the WebSocket transport) hands to each request. */
export interface RequestScope {
  requestId: string;
  logger: Logger;
  /** The client's IP address (see src/http/client_address.ts), for per-IP limits. */
  clientAddress: string;
  /**
   * On WebSocket, `connectionParams.authorization` (null when none was sent):
   * the upgrade request's own headers are not consulted there. Absent on HTTP.
   */
  connectionAuthorization?: string | null;
  /**
   * Filled in once the viewer is known, so the HTTP layer's request log line
   * can name the user. Shared by reference: yoga copies the scope itself.
   */
  identity?: { userId?: string };
}

/** The yoga instance the app serves on `/graphql`. */
export type GraphQLHandler = YogaServerInstance<RequestScope, GraphQLContext>;

/** Options for {@linkcode createGraphQLHandler}. */
export interface GraphQLHandlerOptions {
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  registry: Registry;
  rateLimiter: RateLimiter;
}

/** Creates the yoga handler. */
export function createGraphQLHandler(options: GraphQLHandlerOptions): GraphQLHandler {
  const { config } = options.services;
  const origins = createOriginPolicy(config.security.corsOrigins);
  const bodyLimits = {
    json: config.graphql.maxRequestBytes,
    multipart: config.documents.maxFileBytes + MULTIPART_ENVELOPE_BYTES,
  };
  return createYoga<RequestScope, GraphQLContext>({
    schema: options.schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    graphiql: config.graphql.graphiql && {
      title: `${config.app.name} GraphiQL`,
      subscriptionsProtocol: "WS",
    },
    // Yoga's default GraphiQL page loads its scripts from a CDN (unpkg), which
    // air-gapped hosts and strict CSPs block: this page inlines them (~9 MB),
    // loaded on the first GraphiQL request only.
    renderGraphiQL: async (options) =>
      (await import("@graphql-yoga/render-graphiql")).renderGraphiQL(options),
    // One limit for every body does not fit uploads: useBodyLimits has two.
    maxRequestBodySize: false,
    // The HTTP layer logs every request; yoga's own console logging is off.
    logging: false,
    maskedErrors: {
      maskError: (error) => {
        const masked = maskError(error, options.logger);
        return config.graphql.introspection ? masked : withoutSuggestions(masked);
      },
    },
    cors: (request) => {
      const origin = request.headers.get("origin");
      // A disallowed origin gets no CORS headers, so the browser blocks it.
      if (origin === null || !origins.allows(origin)) return false;
      return {
        origin: [origin],
        // Bearer tokens are not ambient credentials; cookies are never used.
        credentials: !origins.any,
        exposedHeaders: ["retry-after", "x-request-id"],
        maxAge: 600,
      };
    },
    context: async (
      { request, requestId, logger, connectionAuthorization, clientAddress, identity },
    ) => {
      const authorization = connectionAuthorization !== undefined
        ? connectionAuthorization
        : request.headers.get("authorization");
      let viewer: Viewer;
      try {
        viewer = await resolveViewer(authorization, config, {
          host: request.headers.get("host"),
        });
      } catch (error) {
        // Failed logins spend the address's budget, so tokens cannot be guessed freely.
        await enforceRateLimit(options.rateLimiter, undefined, clientAddress);
        throw error;
      }
      if (identity !== undefined) identity.userId = viewer.id;
      await enforceRateLimit(options.rateLimiter, viewer, clientAddress);
      return {
        viewer,
        requestId,
        logger: logger.child({ user_id: viewer.id }),
        services: options.services,
      };
    },
    plugins: [
      useBodyLimits(bodyLimits),
      ...limitPlugins(config.graphql),
      useInputLimits(config.input),
      usePrometheus({ registry: options.registry, endpoint: false }),
      useErrorCodes(bodyLimits),
    ],
  });
}

async function enforceRateLimit(
  limiter: RateLimiter,
  viewer: Viewer | undefined,
  clientAddress: string,
): Promise<void> {
  const decision = await limiter.check(rateLimitIdentity(viewer, clientAddress));
  if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds, decision.limit);
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
      logger.error("GraphQL operation failed", { error: app.originalError ?? app });
    }
    return error instanceof GraphQLError && error !== app
      ? new GraphQLError(app.message, {
        nodes: error.nodes,
        path: error.path,
        extensions: app.extensions,
      })
      : app;
  }
  if (error instanceof GraphQLError && isRequestFault(error)) {
    return withCode(error, "BAD_USER_INPUT");
  }
  const cause = error instanceof GraphQLError ? error.originalError : error;
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
function withCode(error: GraphQLError, code: string): GraphQLError {
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

/**
 * Gives yoga's request-level errors (no query, bad JSON, wrong method, body
 * too large, missing CSRF header) a contract code and a message saying what
 * to do: they never pass through `maskError`.
 */
function useErrorCodes(limits: BodyLimits): Plugin {
  // These arrive already coded by maskError; here they get a better message.
  function requestError(error: GraphQLError): GraphQLError {
    const status = (error.extensions?.http as { status?: number } | undefined)?.status;
    const rewrite = (code: string, message: string, extensions: Record<string, unknown>) =>
      new GraphQLError(message, { extensions: { ...error.extensions, ...extensions, code } });
    if (status === 413) {
      if (isUploadTooLarge(error)) {
        return rewrite(
          "BAD_USER_INPUT",
          `Upload is larger than the limit of ${limits.multipart} bytes (MAX_FILE_SIZE plus ` +
            `${MULTIPART_ENVELOPE_BYTES} bytes for the form fields); upload a smaller file.`,
          { maxBytes: limits.multipart, reason: "TOO_LARGE" },
        );
      }
      return rewrite(
        "BAD_USER_INPUT",
        `Request body is larger than the limit of ${limits.json} bytes; send less per request.`,
        { maxBytes: limits.json },
      );
    }
    if (status === 403 && /CSRF/.test(error.message)) {
      return rewrite(
        "FORBIDDEN",
        "Cross-site request refused: send GraphQL as a POST with Content-Type: " +
          "application/json, or add an X-GraphQL-Yoga-CSRF header (any value) to GET, " +
          "form and multipart upload requests.",
        { reason: "CSRF_HEADER_REQUIRED" },
      );
    }
    return withCode(error, "BAD_USER_INPUT");
  }
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !isExecutionResult(result) || !result.errors) return;
      setResult({
        ...result,
        errors: result.errors.map((e) => e instanceof GraphQLError ? requestError(e) : e),
      });
    },
  };
}

function isExecutionResult(value: unknown): value is { errors?: readonly unknown[] } {
  return typeof value === "object" && value !== null && !(Symbol.asyncIterator in value);
}
