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
import { chart } from "./chart.ts";
import { code } from "./code.ts";
import { content } from "./content.ts";
import { dataAnalysis } from "./data_analysis.ts";
import { rag } from "./rag.ts";
import { research } from "./research.ts";
import { supervisor } from "./supervisor.ts";
import { assertKnownTools } from "../tools/mod.ts";

/** The agent a thread gets when `createThread` names none. */
export const DEFAULT_AGENT_ID = "supervisor";

/** The shipped roster: each entry is declared once and compiled on first use. */
export const DEFAULT_AGENTS: readonly AgentDefinition[] = [
  supervisor,
  assistant,
  research,
  chart,
  rag,
  code,
  dataAnalysis,
  content,
];

/** A validated roster. */
export interface AgentRegistry {
  readonly defaultId: string;
  list(): readonly AgentDefinition[];
  get(id: string): AgentDefinition | undefined;
}

/** Lower-case words joined by dashes or underscores (`data_analysis`). */
const ID_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

/** Validates and indexes a roster. */
export function createAgentRegistry(
  definitions: readonly AgentDefinition[] = DEFAULT_AGENTS,
  defaultId = DEFAULT_AGENT_ID,
): AgentRegistry {
  const byId = new Map<string, AgentDefinition>();
  for (const definition of definitions) {
    if (!ID_PATTERN.test(definition.id)) {
      throw new Error(
        `Agent id "${definition.id}" must be lower-case letters, digits, dashes and underscores.`,
      );
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
