/**
 * Memories' public entry: the memory service, the store each run gets, and the
 * memory tools.
 *
 * @module
 */
export { createMemoryService, type MemoryService } from "./service.ts";
export { createRunMemory } from "./run_memory.ts";
export { manageMemoryTool, MEMORY_TOOL_NAMES, searchMemoryTool } from "./tools.ts";
