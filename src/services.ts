/**
 * The long-lived services of one app, as resolvers reach them through the
 * GraphQL context. Declared beside the composition root (app.ts), which
 * builds them, so the edge depends on the domains and never the reverse.
 *
 * @module
 */
import type { Config } from "./config.ts";
import type { ToolRegistry } from "./tools/mod.ts";
import type { HealthService } from "./health/mod.ts";
import type { ProjectService } from "./project/mod.ts";
import type { AgentRuntime } from "./agents/mod.ts";
import type { ThreadService } from "./threads/mod.ts";
import type { RunService } from "./runs/mod.ts";
import type { MemoryService } from "./memories/mod.ts";
import type { DocumentService } from "./documents/mod.ts";

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
