/**
 * The HTTP entry: routes `/graphql` (HTTP, SSE and WebSocket), GraphiQL's
 * `/graphql/assets/*`, `/health*` and `/metrics*`, and wraps every request
 * with its id, a log line and the `http_requests_*` metrics.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { HealthService } from "../health/mod.ts";
import type { GraphQLEndpoint, WebSocketEndpoint } from "./request_scope.ts";
import { REQUEST_ID_HEADER, requestIdFrom } from "./request_id.ts";
import { clientAddress } from "./client_address.ts";
import type { TrustedProxies } from "../config/ip_ranges.ts";
import type { OriginPolicy } from "./origins.ts";
import { type RateLimiter, rateLimitIdentity } from "../ratelimit/mod.ts";
import { GRAPHIQL_ASSETS_PATH, graphiqlAssetResponse } from "./graphiql_assets.ts";
import { CONSOLE_ASSETS_PATH, CONSOLE_PATH, consoleResponse } from "../console/assets.ts";
import { isConnectionFailure } from "../core/connection_failure.ts";
import { UnavailableError } from "../core/errors.ts";

/** What the router needs from the app. */
export interface RouterDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  health: HealthService;
  yoga: GraphQLEndpoint;
  websocket: WebSocketEndpoint;
  rateLimiter: RateLimiter;
  trustedProxies: TrustedProxies;
  /** The CORS policy, shared with the GraphQL handler. */
  origins: OriginPolicy;
}

/**
 * A fetch handler, as `Deno.serve` takes it. Without `info` (in-process
 * calls) the client address is `unknown`.
 */
export type FetchHandler = (request: Request, info?: Deno.ServeHandlerInfo) => Promise<Response>;

/** Known routes; anything else is labelled `other` so metrics stay bounded. */
const ENDPOINTS = new Set([
  "/graphql",
  "/health",
  "/health/ready",
  "/health/live",
  "/metrics",
  "/metrics/memory",
]);
/**
 * Routes probed every few seconds; their log lines are debug, not info.
 * They are also exempt from rate limits: probes and scrapes come from a few
 * fixed addresses on a fixed schedule, are cheap, and a refused probe gets a
 * healthy replica restarted or pulled from the load balancer just when
 * traffic is high.
 */
const QUIET = new Set(["/health", "/health/ready", "/health/live", "/metrics", "/metrics/memory"]);

/** Creates the app's fetch handler. */
export function createRouter(deps: RouterDeps): FetchHandler {
  const { metrics, logger } = deps;
  const { origins } = deps;

  async function route(
    request: Request,
    path: string,
    requestId: string,
    address: string,
    identity: { userId?: string },
  ): Promise<Response> {
    if (path.startsWith(GRAPHIQL_ASSETS_PATH)) {
      // Not rate limited, like the GraphiQL page itself (GET /graphql): a
      // browser opening it fetches six assets at once, once per version.
      if (!deps.config.graphql.graphiql) return notFound(request, path);
      return await graphiqlAssetResponse(request, path.slice(GRAPHIQL_ASSETS_PATH.length));
    }
    if (path === CONSOLE_PATH || path.startsWith(CONSOLE_ASSETS_PATH)) {
      // The web console (src/console/): off in production unless CONSOLE_ENABLED.
      if (!deps.config.graphql.console) return notFound(request, path);
      const auth = deps.config.app.environment === "development" ? "none" : "token";
      return await consoleResponse(request, path, { auth });
    }
    if (path !== "/graphql" && !QUIET.has(path)) {
      // GraphQL is limited per user once the token is read (src/graphql/yoga.ts).
      const decision = await deps.rateLimiter.check(rateLimitIdentity(undefined, address));
      if (!decision.allowed) {
        return json(429, {
          error:
            `Rate limit exceeded (${decision.limit}); retry after ${decision.retryAfterSeconds} s.`,
        }, { "retry-after": String(decision.retryAfterSeconds) });
      }
    }
    switch (path) {
      case "/graphql": {
        const scope = {
          requestId,
          logger: logger.child({ request_id: requestId }),
          clientAddress: address,
          identity,
        };
        if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
          // Browsers apply no CORS to WebSockets: without this check any web
          // page could open one (and act as development's tokenless user).
          const origin = request.headers.get("origin");
          if (origin !== null && !origins.allows(origin) && !sameOrigin(origin, request)) {
            return json(403, {
              error: `WebSocket from origin ${JSON.stringify(origin)} refused: ` +
                "it is not in CORS_ORIGINS.",
            });
          }
          return deps.websocket.upgrade(request, scope);
        }
        return await deps.yoga.fetch(request, scope);
      }
      case "/health":
        return json(200, deps.health.basic());
      case "/health/ready": {
        const report = await deps.health.ready();
        return json(report.ready ? 200 : 503, {
          ...report,
          ...(report.ready ? {} : { message: "Service not ready" }),
        });
      }
      case "/health/live": {
        const report = deps.health.live();
        return json(report.status === "unhealthy" ? 503 : 200, report);
      }
      case "/metrics":
        return await metricsResponse(deps, metrics.registry);
      case "/metrics/memory":
        return await metricsResponse(deps, metrics.memoryRegistry);
      default:
        return notFound(request, path);
    }
  }

  return async function handle(request, info): Promise<Response> {
    const start = performance.now();
    const requestId = requestIdFrom(request);
    const address = clientAddress(request, info?.remoteAddr, deps.trustedProxies);
    const path = new URL(request.url).pathname.replace(/\/+$/, "") || "/";
    const endpoint = endpointLabel(path);
    const identity: { userId?: string } = {};
    let response: Response;
    try {
      response = await route(request, path, requestId, address, identity);
    } catch (error) {
      if (isConnectionFailure(error)) {
        // An outage, not a bug: the client may retry, as GraphQL's UNAVAILABLE says.
        logger.warn("request failed: database unreachable", { error, request_id: requestId, path });
        const unavailable = new UnavailableError();
        response = json(503, {
          error: unavailable.message,
          code: unavailable.code,
          retryAfter: unavailable.retryAfter,
          request_id: requestId,
        }, { "retry-after": String(unavailable.retryAfter) });
      } else {
        logger.error("request failed", { error, request_id: requestId, path });
        response = json(500, { error: "Internal error", request_id: requestId });
      }
    }
    const seconds = (performance.now() - start) / 1000;
    const method = methodLabel(request.method);
    metrics.httpRequestsTotal.inc({
      method,
      endpoint,
      status_code: String(response.status),
    });
    metrics.httpRequestDuration.observe({ method, endpoint }, seconds);
    const fields = {
      request_id: requestId,
      method: request.method,
      path,
      status_code: response.status,
      duration_ms: Math.round(seconds * 100000) / 100,
      client_address: address,
      ...(identity.userId === undefined ? {} : { user_id: identity.userId }),
    };
    if (QUIET.has(path)) logger.debug("request", fields);
    else logger.info("request", fields);
    // A WebSocket upgrade response has immutable headers and needs no id.
    if (response.status !== 101) {
      try {
        response.headers.set(REQUEST_ID_HEADER, requestId);
      } catch {
        response = new Response(response.body, response);
        response.headers.set(REQUEST_ID_HEADER, requestId);
      }
    }
    return response;
  };
}

/** The path as a metric label: every GraphiQL asset shares one, whatever its hashed name. */
function endpointLabel(path: string): string {
  if (ENDPOINTS.has(path)) return path;
  if (path === CONSOLE_PATH || path.startsWith(CONSOLE_ASSETS_PATH)) return CONSOLE_PATH;
  return path.startsWith(GRAPHIQL_ASSETS_PATH) ? GRAPHIQL_ASSETS_PATH.slice(0, -1) : "other";
}

const METHODS = new Set(["GET", "POST", "HEAD", "OPTIONS"]);

/** The method as a metric label; any other verb a client invents is `other`. */
export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : "other";
}

/** A page served by this very host (GraphiQL reached by any name) may open sockets. */
function sameOrigin(origin: string, request: Request): boolean {
  const host = request.headers.get("host");
  try {
    return host !== null && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

async function metricsResponse(
  deps: RouterDeps,
  registry: Metrics["registry"],
): Promise<Response> {
  if (!deps.config.monitoring.metricsEnabled) {
    return json(404, { error: "Metrics are disabled; set ENABLE_METRICS=true to serve them." });
  }
  return new Response(await registry.metrics(), {
    headers: { "content-type": registry.contentType },
  });
}

function notFound(request: Request, path: string): Response {
  return json(404, {
    error: `No route for ${request.method} ${path}. Try /graphql, /health or /metrics.`,
  });
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}
