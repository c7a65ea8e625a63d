/**
 * The agent registry: the roster of agent definitions, checked once so an
 * invalid roster (duplicate id, unknown tool) fails at start, not mid-run.
 *
 * @example
 * ```ts
 * const registry = createAgentRegistry([assistant]);
 * registry.get("assistant")?.name; // "Assistant"
 * ```
 * @module
 */
import type { AgentDefinition } from "./definition.ts";
import { assistant } from "./assistant.ts";
import { assertKnownTools } from "../tools/catalogue.ts";

/** The agent a thread gets when `createThread` names none. */
export const DEFAULT_AGENT_ID = "assistant";

/** The shipped roster: each entry is declared once and compiled on first use. */
export const DEFAULT_AGENTS: readonly AgentDefinition[] = [assistant];

/** A validated roster. */
export interface AgentRegistry {
  readonly defaultId: string;
  list(): readonly AgentDefinition[];
  get(id: string): AgentDefinition | undefined;
}

const ID_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;

/** Validates and indexes a roster. */
export function createAgentRegistry(
  definitions: readonly AgentDefinition[] = DEFAULT_AGENTS,
  defaultId = DEFAULT_AGENT_ID,
): AgentRegistry {
  const byId = new Map<string, AgentDefinition>();
  for (const definition of definitions) {
    if (!ID_PATTERN.test(definition.id)) {
      throw new Error(`Agent id "${definition.id}" must be lower-case letters, digits and dashes.`);
    }
    if (byId.has(definition.id)) throw new Error(`Two agents share the id "${definition.id}".`);
    assertKnownTools(definition.tools);
    byId.set(definition.id, definition);
  }
  if (!byId.has(defaultId)) throw new Error(`The default agent "${defaultId}" is not registered.`);
  return {
    defaultId,
    list: () => definitions,
    get: (id) => byId.get(id),
  };
}
