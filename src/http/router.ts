/**
 * The HTTP entry: routes `/graphql` (HTTP, SSE and WebSocket), `/health*`
 * and `/metrics*`, and wraps every request with its id, a log line and the
 * `http_requests_*` metrics.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { HealthService } from "../health/health.ts";
import type { GraphQLHandler } from "../graphql/yoga.ts";
import type { WebSocketTransport } from "../graphql/websocket.ts";
import { REQUEST_ID_HEADER, requestIdFrom } from "./request_id.ts";

/** What the router needs from the app. */
export interface RouterDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  health: HealthService;
  yoga: GraphQLHandler;
  websocket: WebSocketTransport;
}

/** A fetch handler, as `Deno.serve` takes it. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** Known routes; anything else is labelled `other` so metrics stay bounded. */
const ENDPOINTS = new Set([
  "/graphql",
  "/health",
  "/health/ready",
  "/health/live",
  "/metrics",
  "/metrics/memory",
]);
/** Routes probed every few seconds; their log lines are debug, not info. */
const QUIET = new Set(["/health", "/health/ready", "/health/live", "/metrics", "/metrics/memory"]);

/** Creates the app's fetch handler. */
export function createRouter(deps: RouterDeps): FetchHandler {
  const { metrics, logger } = deps;

  async function route(request: Request, path: string, requestId: string): Promise<Response> {
    switch (path) {
      case "/graphql": {
        const scope = { requestId, logger: logger.child({ request_id: requestId }) };
        if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
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
        return json(404, {
          error: `No route for ${request.method} ${path}. Try /graphql, /health or /metrics.`,
        });
    }
  }

  return async function handle(request: Request): Promise<Response> {
    const start = performance.now();
    const requestId = requestIdFrom(request);
    const path = new URL(request.url).pathname.replace(/\/+$/, "") || "/";
    const endpoint = ENDPOINTS.has(path) ? path : "other";
    let response: Response;
    try {
      response = await route(request, path, requestId);
    } catch (error) {
      logger.error("request failed", { error, request_id: requestId, path });
      response = json(500, { error: "Internal error", request_id: requestId });
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

const METHODS = new Set(["GET", "POST", "HEAD", "OPTIONS"]);

/** The method as a metric label; any other verb a client invents is `other`. */
export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : "other";
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

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}
