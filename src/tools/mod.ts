/**
 * Tools' public entry: the registry that turns the catalogue into each
 * agent's tools, the catalogue, deployment tool modules and the usage log.
 *
 * @module
 */
export { createToolRegistry, type ToolRegistry } from "./registry.ts";
export { assertKnownTools, TOOL_CATALOGUE } from "./catalogue.ts";
export { loadToolModules } from "./loader.ts";
export { createToolMetrics } from "./metrics.ts";
export { recordToolUsage } from "./usage.ts";
