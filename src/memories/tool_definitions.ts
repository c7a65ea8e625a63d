/**
 * The long-term memory tools, LangMem's `manage_memory` and
 * `search_memory`, over the run's store: the run's user's own (see
 * src/memories/run_memory.ts), so the namespace needs no user id. They are
 * unavailable, and so left out of every agent, when ENABLE_MEMORY is off.
 *
 * @module
 */
import {
  MANAGE_MEMORY_DESCRIPTION,
  manageMemory,
  manageSchema,
  SEARCH_MEMORY_DESCRIPTION,
  searchMemory,
  searchSchema,
  storeOf,
  USER_MEMORY_NAMESPACE,
} from "./tools.ts";
import { defineTool, type ToolServices } from "../core/tool.ts";

const unavailable = ({ config }: ToolServices) =>
  config.memory.enabled ? undefined : "ENABLE_MEMORY is off.";

/** `manage_memory`. */
export const manageMemoryTool = defineTool({
  name: "manage_memory",
  description: MANAGE_MEMORY_DESCRIPTION,
  permission: "memory:write",
  schema: manageSchema,
  unavailable,
  run: (input, { config }) =>
    manageMemory(storeOf({ namespace: [] }, config), [...USER_MEMORY_NAMESPACE], input),
  offlineArgs(said) {
    const fact = /\b(?:remember|note) that (.+)/i.exec(said)?.[1];
    return fact === undefined ? undefined : { action: "create" as const, content: fact };
  },
});

/** `search_memory`. */
export const searchMemoryTool = defineTool({
  name: "search_memory",
  description: SEARCH_MEMORY_DESCRIPTION,
  permission: "memory:read",
  schema: searchSchema,
  unavailable,
  run: (input, { config }) =>
    searchMemory(storeOf({ namespace: [] }, config), [...USER_MEMORY_NAMESPACE], input),
  // Only a question about the user: the offline model calls the first tool
  // whose arguments apply, so an always-on search would precede every reply.
  offlineArgs: (said) => isQuestionAboutUser(said) ? { query: said.trim() } : undefined,
});

/** "What tea do I like?", "Where do I live?": a question that mentions the user. */
function isQuestionAboutUser(said: string): boolean {
  return said.trim().endsWith("?") && /\b(I|me|my|mine)\b/i.test(said);
}

/** Names of the tools that use long-term memory. */
export const MEMORY_TOOL_NAMES: ReadonlySet<string> = new Set([
  manageMemoryTool.name,
  searchMemoryTool.name,
]);
