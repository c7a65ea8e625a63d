/**
 * What every resolver receives. Built once per request (or per WebSocket
 * subscription) by the app.
 *
 * @module
 */
import type { ToolRegistry } from "../tools/registry.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../observability/logger.ts";
import type { HealthService } from "../health/health.ts";
import type { ProjectService } from "../project/service.ts";
import type { AgentRuntime } from "../agents/runtime.ts";
import type { ThreadService } from "../threads/service.ts";
import type { RunService } from "../runs/service.ts";
import type { MemoryService } from "../memories/service.ts";
import type { DocumentService } from "../documents/service.ts";

/** The authenticated user a request acts for. */
export interface Viewer {
  id: string;
  roles: string[];
  /** True for the development profile's anonymous local user. */
  anonymous: boolean;
  /**
   * What the viewer's agents may do with tools (src/tools/definition.ts);
   * undefined grants every permission, as a token without `scope` does.
   */
  permissions?: readonly string[];
}

/** The long-lived services resolvers call; one set per app. */
export interface Services {
  config: Config;
  health: HealthService;
  project: ProjectService;
  agents: AgentRuntime;
  tools: ToolRegistry;
  threads: ThreadService;
  runs: RunService;
  memory: MemoryService;
  documents: DocumentService;
}

/** The GraphQL context. */
export interface GraphQLContext {
  viewer: Viewer;
  requestId: string;
  logger: Logger;
  services: Services;
}
