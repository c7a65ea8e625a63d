/**
 * The long-term memory tools, LangMem's `manage_memory` and
 * `search_memory`: the model stores, revises or forgets a memory, or looks
 * memories up, during a conversation. They work on the graph's store, which
 * a run sets to its user's own (see src/memories/run_memory.ts), so the
 * namespace needs no user id. They are unavailable, and so left out of
 * every agent, when ENABLE_MEMORY is off. The tool registry
 * (src/tools/registry.ts) turns them into each agent's metered tools.
 *
 * @example
 * ```ts
 * const tools = createToolRegistry({ services: { config, logger }, logger });
 * const [manage, search] = tools.forAgent("assistant", ["manage_memory", "search_memory"]);
 * ```
 * @module
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { type BaseStore, getStore } from "@langchain/langgraph";
import { z } from "zod";
import { defineTool, type ToolServices } from "../core/tool.ts";

/**
 * Where agents and reflection keep a user's memories. The store a run gets
 * is already the user's (`memory.forOwner(userId)`), so no user id appears
 * in the path.
 */
export const USER_MEMORY_NAMESPACE: readonly string[] = Object.freeze(["memories"]);

const manageSchema = z.object({
  action: z.enum(["create", "update", "delete"]).describe("What to do with the memory."),
  content: z.string().optional().describe("The memory, for create and update."),
  id: z.string().optional().describe("The memory's id, for update and delete."),
});

const searchSchema = z.object({
  query: z.string().describe("What to look for, in plain words."),
  limit: z.number().int().min(1).max(50).optional().describe("Most results. Default 10."),
  offset: z.number().int().min(0).optional().describe("Results to skip. Default 0."),
  filter: z.record(z.string(), z.unknown()).optional().describe(
    'Conditions on stored values, e.g. {"kind": "preference"}.',
  ),
});

const unavailable = ({ config }: ToolServices) =>
  config.memory.enabled ? undefined : "ENABLE_MEMORY is off.";

/** `manage_memory`: create, update or delete one memory. */
export const manageMemoryTool = defineTool({
  name: "manage_memory",
  description: "Create, update or delete a long-term memory about " +
    "the user. Store durable facts, preferences and plans; update a memory when it changes; " +
    "delete it when it is wrong. Use the id returned by search_memory to update or delete.",
  permission: "memory:write",
  schema: manageSchema,
  unavailable,
  run: (input, { config }) => manageMemory(storeOf(config), input),
  offlineArgs(said) {
    const fact = /\b(?:remember|note) that (.+)/i.exec(said)?.[1];
    return fact === undefined ? undefined : { action: "create" as const, content: fact };
  },
});

/** `search_memory`: find memories by meaning, with an optional value filter. */
export const searchMemoryTool = defineTool({
  name: "search_memory",
  description: "Search long-term memories about the user by meaning. " +
    "Returns a JSON list of {id, value, score, updatedAt}, best match first.",
  permission: "memory:read",
  schema: searchSchema,
  unavailable,
  run: (input, { config }) => searchMemory(storeOf(config), input),
  // Only a question about the user: the offline model calls the first tool
  // whose arguments apply, so an always-on search would precede every reply.
  offlineArgs: (said) => isQuestionAboutUser(said) ? { query: said.trim() } : undefined,
});

/** Names of the tools that use long-term memory. */
export const MEMORY_TOOL_NAMES: ReadonlySet<string> = new Set([
  manageMemoryTool.name,
  searchMemoryTool.name,
]);

/** `manage_memory`'s work: create, update or delete one memory; returns the model's answer. */
async function manageMemory(
  store: BaseStore,
  input: z.infer<typeof manageSchema>,
): Promise<string> {
  const namespace = [...USER_MEMORY_NAMESPACE];
  if (input.action === "create") {
    if (!input.content) return "Error: `content` is required to create a memory.";
    const id = crypto.randomUUID();
    await store.put(namespace, id, { content: input.content });
    return `Created memory ${id}.`;
  }
  if (!input.id) return `Error: \`id\` is required to ${input.action} a memory.`;
  const existing = await store.get(namespace, input.id);
  if (existing === null) return `Error: no memory ${input.id}; search for it first.`;
  if (input.action === "delete") {
    await store.delete(namespace, input.id);
    return `Deleted memory ${input.id}.`;
  }
  if (!input.content) return "Error: `content` is required to update a memory.";
  await store.put(namespace, input.id, { ...existing.value, content: input.content });
  return `Updated memory ${input.id}.`;
}

/** `search_memory`'s work: the hits as the JSON text the model reads. */
async function searchMemory(
  store: BaseStore,
  input: z.infer<typeof searchSchema>,
): Promise<string> {
  const hits = await store.search([...USER_MEMORY_NAMESPACE], {
    query: input.query,
    limit: input.limit ?? 10,
    offset: input.offset ?? 0,
    ...(input.filter === undefined ? {} : { filter: input.filter }),
  });
  return JSON.stringify(hits.map((hit) => ({
    id: hit.key,
    value: hit.value,
    score: hit.score === undefined ? null : Math.round(hit.score * 1000) / 1000,
    updatedAt: new Date(hit.updatedAt).toISOString(),
  })));
}

/** The graph's store, which a run sets to its user's own. */
function storeOf(config: RunnableConfig): BaseStore {
  const store = getStore(config);
  if (store === undefined) {
    throw new Error("No memory store: the memory tools run in a graph compiled with one");
  }
  return store;
}

/** "What tea do I like?", "Where do I live?": a question that mentions the user. */
function isQuestionAboutUser(said: string): boolean {
  return said.trim().endsWith("?") && /\b(I|me|my|mine)\b/i.test(said);
}
