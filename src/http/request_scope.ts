/**
 * What the HTTP layer hands to each request it passes on: the GraphQL
 * handler over HTTP and the WebSocket transport both receive it, so they
 * log under the request's id and limit by the client's address.
 *
 * @module
 */
import type { Logger } from "../observability/logger.ts";

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

/** The GraphQL endpoint, as the router calls it (src/graphql/yoga.ts implements it). */
export interface GraphQLEndpoint {
  fetch(request: Request, scope: RequestScope): Response | Promise<Response>;
}

/** The WebSocket side of `/graphql` (src/graphql/websocket.ts implements it). */
export interface WebSocketEndpoint {
  /** Upgrades a request whose `Upgrade` header asks for a WebSocket. */
  upgrade(request: Request, scope: RequestScope): Response;
}
