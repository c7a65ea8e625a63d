/**
 * Memories' public entry: the memory service, the store each run gets, and the pgvector search pieces documents share.
 *
 * @module
 */
export { createMemoryService, type MemoryService } from "./service.ts";
export { createRunMemory } from "./run_memory.ts";
export { type IndexIdentity, MAX_INDEXED_DIMS } from "./index_meta.ts";
export { EXACT_SCAN_MAX, searchSettings } from "./search_query.ts";
export { manageMemoryTool, MEMORY_TOOL_NAMES, searchMemoryTool } from "./tool_definitions.ts";
