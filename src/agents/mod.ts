/**
 * Agents' public entry: the runtime that compiles and serves each agent's
 * graph, and the graph's types.
 *
 * @module
 */
export { type AgentRuntime, createAgentRuntime, type LoadedAgent } from "./runtime.ts";
export type { AgentDefinition, AgentGraph } from "./definition.ts";
export type { AgentStateUpdate } from "./state.ts";
