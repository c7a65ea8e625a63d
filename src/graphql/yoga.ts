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
import type { GraphQLContext } from "./context.ts";
import type { Services } from "../services.ts";
import { RateLimitedError } from "../core/errors.ts";
import { maskError, withCode } from "./errors.ts";
import type { Logger } from "../observability/logger.ts";
import { resolveViewer, type Viewer } from "../auth/mod.ts";
import { type RateLimiter, rateLimitIdentity } from "../ratelimit/mod.ts";
import type { OriginPolicy } from "../http/origins.ts";
import type { RequestScope } from "../http/request_scope.ts";
import { limitPlugins, withoutSuggestions } from "./limits.ts";
import { useInputLimits } from "./input_rules.ts";
import { useTextRules } from "./text_rules.ts";
import { renderGraphiQLPage } from "./graphiql_page.ts";
import { useEventPlans } from "./event_plans.ts";
import {
  type BodyLimits,
  isUploadTooLarge,
  MULTIPART_ENVELOPE_BYTES,
  useBodyLimits,
} from "./body_limits.ts";

/** The yoga instance the app serves on `/graphql`. */
export type GraphQLHandler = YogaServerInstance<RequestScope, GraphQLContext>;

/** Options for {@linkcode createGraphQLHandler}. */
export interface GraphQLHandlerOptions {
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  registry: Registry;
  rateLimiter: RateLimiter;
  /** The CORS policy; the HTTP layer checks WebSocket upgrades with the same one. */
  origins: OriginPolicy;
}

/** Creates the yoga handler. */
export function createGraphQLHandler(options: GraphQLHandlerOptions): GraphQLHandler {
  const { config } = options.services;
  const { origins } = options;
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
    // air-gapped hosts and strict CSPs block: this page loads them from this
    // server's /graphql/assets/, cached by the browser for good.
    renderGraphiQL: renderGraphiQLPage,
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
      useEventPlans(),
      useBodyLimits(bodyLimits),
      ...limitPlugins(config.graphql),
      useInputLimits(config.input),
      useTextRules(),
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
