/**
 * The tool registry: the catalogue checked once, with each tool's state in
 * this deployment (enabled, switched off by TOOLS_DISABLED, or unavailable
 * because something it needs is missing), and the metered LangChain tools
 * each agent binds.
 *
 * @example
 * ```ts
 * const tools = createToolRegistry({ services: { config, logger }, logger, metrics });
 * const bound = tools.forAgent("research", ["search_memory", "web_search"]);
 * ```
 * @module
 */
import type { StructuredToolInterface } from "@langchain/core/tools";
import type { Logger } from "../observability/logger.ts";
import { assertKnownTools, TOOL_CATALOGUE } from "./catalogue.ts";
import type { ToolDefinition, ToolPermission, ToolServices } from "../core/tool.ts";
import { createMeteredTool } from "./metered_tool.ts";
import type { ToolMetrics } from "./metrics.ts";

/** A tool as clients and operators see it. */
export interface ToolInfo {
  name: string;
  description: string;
  permission: ToolPermission;
  enabled: boolean;
  /** Why it is not enabled; null when it is. */
  disabledReason: string | null;
}

/** The registry. */
export interface ToolRegistry {
  list(): ToolInfo[];
  /** The enabled names among `names`, in their order; unknown names throw. */
  enabled(names: readonly string[]): string[];
  /** Metered tools for one agent: the enabled ones among `names`. */
  forAgent(agentId: string, names: readonly string[]): StructuredToolInterface[];
}

/** What {@linkcode createToolRegistry} needs. */
export interface ToolRegistryOptions {
  services: ToolServices;
  logger: Logger;
  metrics?: ToolMetrics;
  /** The catalogue; the shipped one by default. */
  definitions?: readonly ToolDefinition[];
}

const NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** Builds the registry; throws on a bad catalogue or an unknown name in TOOLS_DISABLED. */
export function createToolRegistry(options: ToolRegistryOptions): ToolRegistry {
  const definitions = options.definitions ?? TOOL_CATALOGUE;
  const byName = new Map<string, ToolDefinition>();
  for (const definition of definitions) {
    if (!NAME_PATTERN.test(definition.name)) {
      throw new Error(`Tool name "${definition.name}" must be snake_case.`);
    }
    if (byName.has(definition.name)) {
      throw new Error(`Two tools share the name "${definition.name}".`);
    }
    byName.set(definition.name, definition);
  }
  const disabled = options.services.config.tools.disabled;
  try {
    assertKnownTools(disabled, definitions);
  } catch (error) {
    throw new Error(`TOOLS_DISABLED: ${(error as Error).message}`);
  }

  const infos = new Map(definitions.map((d) => [d.name, infoOf(d)]));
  function infoOf(definition: ToolDefinition): ToolInfo {
    const reason = disabled.includes(definition.name)
      ? "Switched off by TOOLS_DISABLED."
      : definition.unavailable?.(options.services) ?? null;
    return {
      name: definition.name,
      description: definition.description,
      permission: definition.permission,
      enabled: reason === null,
      disabledReason: reason,
    };
  }

  function enabled(names: readonly string[]): string[] {
    assertKnownTools(names, definitions);
    return names.filter((name) => infos.get(name)?.enabled);
  }

  return {
    list: () => [...infos.values()],
    enabled,
    forAgent: (agentId, names) =>
      enabled(names).map((name) =>
        createMeteredTool(byName.get(name) as ToolDefinition, {
          agentId,
          services: options.services,
          logger: options.logger,
          metrics: options.metrics,
        })
      ),
  };
}
