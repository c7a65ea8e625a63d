/**
 * The agents an app runs: each registry entry with its model and tools
 * resolved and its graph compiled against the app's checkpointer, once, on
 * first use. Graphs are shared by every run; per-run state lives in the
 * checkpoints and the per-run config (thread id, abort signal).
 *
 * @example
 * ```ts
 * const tools = createToolRegistry({ services: { config, logger }, logger });
 * const agents = createAgentRuntime({ config, checkpointer: createCheckpointer(sql), logger, tools });
 * const graph = agents.require("assistant").graph;
 * ```
 * @module
 */
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import type { Config } from "../config.ts";
import { createChatModel, isOffline, modelName } from "../llm/chat_model.ts";
import type { Logger } from "../observability/logger.ts";
import { NotFoundError } from "../core/errors.ts";
import type { AgentDefinition, AgentGraph } from "./definition.ts";
import { type AgentRegistry, createAgentRegistry } from "./registry.ts";
import type { ToolRegistry } from "../tools/mod.ts";
import { MEMORY_TOOL_NAMES } from "../memories/mod.ts";

/** An agent as clients see it. */
export interface AgentInfo {
  id: string;
  name: string;
  description: string;
  model: string;
  tools: string[];
  offline: boolean;
}

/** An agent ready to run. */
export interface LoadedAgent {
  info: AgentInfo;
  definition: AgentDefinition;
  graph: AgentGraph;
}

/** The app's agents. */
export interface AgentRuntime {
  readonly defaultId: string;
  list(): AgentInfo[];
  /** The agent, or undefined for an unknown id. */
  find(id: string): LoadedAgent | undefined;
  /** The agent; throws NOT_FOUND naming the id and the known ids. */
  require(id: string): LoadedAgent;
  /** Any agent's graph reads any thread's state: they share one state shape. */
  readonly stateReader: AgentGraph;
}

/** What {@linkcode createAgentRuntime} needs. */
export interface AgentRuntimeDeps {
  config: Config;
  checkpointer: BaseCheckpointSaver;
  logger: Logger;
  /** The tools agents attach by name. */
  tools: ToolRegistry;
  /** Extra tools per agent id, from TOOL_MODULES. */
  attach?: Readonly<Record<string, readonly string[]>>;
  registry?: AgentRegistry;
}

/** What the system prompt adds when an agent has the memory tools. */
export const MEMORY_PROMPT = "You have a long-term memory about the user that outlives this " +
  "conversation. Use search_memory when earlier context about the user would help, and " +
  "manage_memory to remember durable facts and preferences the user shares, to correct a " +
  "memory that changed, or to forget one that is wrong.";

/** Builds the runtime. */
export function createAgentRuntime(deps: AgentRuntimeDeps): AgentRuntime {
  const registry = deps.registry ?? createAgentRegistry();
  const loaded = new Map<string, LoadedAgent>();

  const attach = deps.attach ?? {};
  for (const [agentId, names] of Object.entries(attach)) {
    if (registry.get(agentId) === undefined) {
      throw new Error(`TOOL_MODULES attach tools to "${agentId}", which is not an agent.`);
    }
    deps.tools.enabled(names); // throws on an unknown tool name
  }
  // Disabled and unavailable tools (no key, memory off) are left out.
  const toolsOf = (definition: AgentDefinition) =>
    deps.tools.enabled([...new Set([...definition.tools, ...(attach[definition.id] ?? [])])]);

  function infoOf(definition: AgentDefinition): AgentInfo {
    return {
      id: definition.id,
      name: definition.name,
      description: definition.description,
      model: modelName(deps.config.llm, definition.model),
      tools: toolsOf(definition),
      offline: isOffline(deps.config.llm),
    };
  }

  function find(id: string): LoadedAgent | undefined {
    const cached = loaded.get(id);
    if (cached) return cached;
    const definition = registry.get(id);
    if (definition === undefined) return undefined;
    const tools = toolsOf(definition);
    const remembers = tools.some((name) => MEMORY_TOOL_NAMES.has(name));
    const graph = definition.createGraph({
      model: createChatModel(deps.config.llm, definition.model),
      tools: deps.tools.forAgent(definition.id, tools),
      systemPrompt: remembers
        ? `${definition.systemPrompt}\n\n${MEMORY_PROMPT}`
        : definition.systemPrompt,
      checkpointer: deps.checkpointer,
      agentId: definition.id,
      logger: deps.logger.child({ agent_type: definition.id }),
    });
    const agent = { info: infoOf(definition), definition, graph };
    loaded.set(id, agent);
    return agent;
  }

  function require(id: string): LoadedAgent {
    const agent = find(id);
    if (agent === undefined) {
      const known = registry.list().map((d) => `"${d.id}"`).join(", ");
      throw new NotFoundError(`Agent "${id}" was not found; known agents: ${known}.`);
    }
    return agent;
  }

  return {
    defaultId: registry.defaultId,
    list: () => registry.list().map(infoOf),
    find,
    require,
    get stateReader() {
      return require(registry.defaultId).graph;
    },
  };
}
