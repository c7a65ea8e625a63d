/**
 * Runs' public entry: the run service, its event bus and its metrics.
 *
 * @module
 */
export { createRunService, type RunService } from "./service.ts";
export { createMemoryEventBus, type EventBus } from "./event_bus.ts";
export { type AgentMetrics, createAgentMetrics } from "./metrics.ts";
