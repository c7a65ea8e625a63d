/**
 * Memories' public entry: the memory service, the store each run gets, the memory tools, and the pgvector search pieces documents share.
 *
 * @module
 */
export { createMemoryService, type MemoryService } from "./service.ts";
export { createRunMemory } from "./run_memory.ts";
export { type IndexIdentity, MAX_INDEXED_DIMS } from "./store/index_meta.ts";
export { EXACT_SCAN_MAX, searchSettings } from "./store/search_query.ts";
export { manageMemoryTool, MEMORY_TOOL_NAMES, searchMemoryTool } from "./tools.ts";
