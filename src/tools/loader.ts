/**
 * Dynamic tool loading: TOOL_MODULES names local modules that are imported
 * at start, each exporting `tools` (ToolDefinitions, see src/core/tool.ts)
 * and, optionally, `attach` (agent id → tool names it adds to that agent).
 * A deployment adds its own tools without forking Graphmind; every loaded
 * tool goes through the same registry, permissions, logs and metrics.
 * A module that does not fit stops the start with what to fix.
 *
 * @example
 * ```ts
 * // my_tools.ts, loaded with TOOL_MODULES=./my_tools.ts
 * export const tools = [defineTool({ name: "lookup_order", ... })];
 * export const attach = { research: ["lookup_order"] };
 * ```
 * @module
 */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { TOOL_PERMISSIONS, type ToolDefinition } from "../core/tool.ts";

/** What the modules add. */
export interface LoadedTools {
  definitions: ToolDefinition[];
  /** Agent id → tool names to attach. */
  attach: Record<string, string[]>;
}

/** Imports each module and checks what it exports. */
export async function loadToolModules(paths: readonly string[]): Promise<LoadedTools> {
  const loaded: LoadedTools = { definitions: [], attach: {} };
  for (const path of paths) {
    const where = `TOOL_MODULES: ${path}`;
    let module: Record<string, unknown>;
    try {
      module = await import(pathToFileURL(resolve(path)).href);
    } catch (error) {
      throw new Error(`${where} could not be imported: ${(error as Error).message}`);
    }
    if (!Array.isArray(module.tools)) {
      throw new Error(`${where} must export \`tools\`, an array of tool definitions.`);
    }
    for (const tool of module.tools) loaded.definitions.push(checkDefinition(tool, where));
    const attach = module.attach ?? {};
    if (typeof attach !== "object" || attach === null || Array.isArray(attach)) {
      throw new Error(`${where}: \`attach\` must map agent ids to arrays of tool names.`);
    }
    for (const [agentId, names] of Object.entries(attach)) {
      if (!Array.isArray(names) || names.some((n) => typeof n !== "string")) {
        throw new Error(`${where}: attach.${agentId} must be an array of tool names.`);
      }
      (loaded.attach[agentId] ??= []).push(...names);
    }
  }
  return loaded;
}

function checkDefinition(value: unknown, where: string): ToolDefinition {
  const tool = value as Partial<ToolDefinition> | null;
  const name = typeof tool?.name === "string" ? tool.name : "(unnamed)";
  const problems = [
    typeof tool?.name !== "string" && "`name` must be a string",
    typeof tool?.description !== "string" && "`description` must be a string",
    typeof (tool?.schema as { safeParse?: unknown })?.safeParse !== "function" &&
    "`schema` must be a zod schema",
    !TOOL_PERMISSIONS.includes(tool?.permission as never) &&
    `\`permission\` must be one of ${TOOL_PERMISSIONS.join(", ")}`,
    typeof tool?.run !== "function" && "`run` must be a function",
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new Error(`${where}: tool ${name}: ${problems.join("; ")}.`);
  }
  return tool as ToolDefinition;
}
