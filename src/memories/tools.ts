/**
 * Hot-path memory tools for agents, LangMem's `manage_memory` and
 * `search_memory`: the model stores, revises or forgets a memory, or looks
 * memories up, during a conversation. Each factory takes the user's store
 * (`memory.forOwner(userId)`) or, when omitted, the graph's store from the
 * run's config, and a namespace whose `{name}` labels are filled from
 * `config.configurable` (for example `["chats", "{thread_id}"]`).
 *
 * @example
 * ```ts
 * const store = memory.forOwner(viewer.id);
 * const tools = [
 *   createManageMemoryTool({ store, namespace: ["profile"] }),
 *   createSearchMemoryTool({ store, namespace: ["profile"] }),
 * ];
 * ```
 * @module
 */
import { tool } from "@langchain/core/tools";
import type { RunnableConfig } from "@langchain/core/runnables";
import { type BaseStore, getStore } from "@langchain/langgraph";
import { z } from "zod";

/**
 * Where agents and reflection keep a user's memories. The store a run gets
 * is already the user's (`memory.forOwner(userId)`), so no user id appears
 * in the path.
 */
export const USER_MEMORY_NAMESPACE: readonly string[] = Object.freeze(["memories"]);

/** Options shared by the tool factories. */
export interface MemoryToolOptions {
  /** The user's store; the graph's store (from the run's config) when omitted. */
  store?: BaseStore;
  /** The namespace; `{name}` labels are filled from `config.configurable`. */
  namespace: string[];
  /** Overrides the tool's name. */
  name?: string;
}

/** The input of `manage_memory`. */
export const manageSchema = z.object({
  action: z.enum(["create", "update", "delete"]).describe("What to do with the memory."),
  content: z.string().optional().describe("The memory, for create and update."),
  id: z.string().optional().describe("The memory's id, for update and delete."),
});

/** The input of `search_memory`. */
export const searchSchema = z.object({
  query: z.string().describe("What to look for, in plain words."),
  limit: z.number().int().min(1).max(50).optional().describe("Most results. Default 10."),
  offset: z.number().int().min(0).optional().describe("Results to skip. Default 0."),
  filter: z.record(z.string(), z.unknown()).optional().describe(
    'Conditions on stored values, e.g. {"kind": "preference"}.',
  ),
});

/** What `manage_memory` takes. */
export type ManageMemoryInput = z.infer<typeof manageSchema>;

/** What `search_memory` takes. */
export type SearchMemoryInput = z.infer<typeof searchSchema>;

/** The model-facing description of `manage_memory`. */
export const MANAGE_MEMORY_DESCRIPTION = "Create, update or delete a long-term memory about " +
  "the user. Store durable facts, preferences and plans; update a memory when it changes; " +
  "delete it when it is wrong. Use the id returned by search_memory to update or delete.";

/** The model-facing description of `search_memory`. */
export const SEARCH_MEMORY_DESCRIPTION = "Search long-term memories about the user by meaning. " +
  "Returns a JSON list of {id, value, score, updatedAt}, best match first.";

/** `manage_memory`'s work: create, update or delete one memory; returns the model's answer. */
export async function manageMemory(
  store: BaseStore,
  namespace: string[],
  input: ManageMemoryInput,
): Promise<string> {
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
export async function searchMemory(
  store: BaseStore,
  namespace: string[],
  input: SearchMemoryInput,
): Promise<string> {
  const hits = await store.search(namespace, {
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

/** `manage_memory`: create, update or delete one memory. */
export function createManageMemoryTool(options: MemoryToolOptions) {
  return tool(
    (input, config) =>
      manageMemory(storeOf(options, config), resolveNamespace(options.namespace, config), input),
    {
      name: options.name ?? "manage_memory",
      description: MANAGE_MEMORY_DESCRIPTION,
      schema: manageSchema,
    },
  );
}

/** `search_memory`: find memories by meaning, with an optional value filter. */
export function createSearchMemoryTool(options: MemoryToolOptions) {
  return tool(
    (input, config) =>
      searchMemory(storeOf(options, config), resolveNamespace(options.namespace, config), input),
    {
      name: options.name ?? "search_memory",
      description: SEARCH_MEMORY_DESCRIPTION,
      schema: searchSchema,
    },
  );
}

/** Fills `{name}` labels from `config.configurable`. */
export function resolveNamespace(namespace: string[], config?: RunnableConfig): string[] {
  return namespace.map((label) => {
    const match = /^\{(\w+)\}$/.exec(label);
    if (match === null) return label;
    const value = config?.configurable?.[match[1]!];
    if (typeof value !== "string" || value === "") {
      throw new Error(
        `The memory namespace needs configurable.${
          match[1]
        } (a non-empty string) in the run's config`,
      );
    }
    return value;
  });
}

/** The store a memory tool uses: its own, else the graph's. */
export function storeOf(options: MemoryToolOptions, config: RunnableConfig | undefined): BaseStore {
  const store = options.store ?? getStore(config);
  if (store === undefined) {
    throw new Error(
      "No memory store: pass `store` to the tool factory or compile the graph with one",
    );
  }
  return store;
}
