/**
 * What every resolver receives. Built once per request (or per WebSocket
 * subscription) by the yoga handler.
 *
 * @module
 */
import type { Logger } from "../observability/logger.ts";
import type { Viewer } from "../auth/mod.ts";
import type { Services } from "../services.ts";

/** The GraphQL context. */
export interface GraphQLContext {
  viewer: Viewer;
  requestId: string;
  logger: Logger;
  services: Services;
}
