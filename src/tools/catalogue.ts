/**
 * The shipped tools. A tool joins the catalogue here, once; agents then
 * attach it by name, and TOOLS_DISABLED can switch it off.
 *
 * @module
 */
import type { ToolDefinition } from "../core/tool.ts";
import { askHumanTool } from "./builtin/ask_human.ts";
import { clockTool } from "./builtin/clock.ts";
import { manageMemoryTool, searchMemoryTool } from "../memories/mod.ts";
import { webSearchTool } from "./builtin/web_search.ts";
import { searchDocumentsTool } from "../documents/mod.ts";
import { renderChart } from "./chart/render_chart.ts";
import { runCode } from "./code/run_code.ts";

/** Every tool Graphmind ships. */
export const TOOL_CATALOGUE: readonly ToolDefinition[] = Object.freeze([
  clockTool,
  askHumanTool,
  manageMemoryTool,
  searchMemoryTool,
  webSearchTool,
  searchDocumentsTool,
  runCode,
  renderChart,
]);

/** Throws when a name is not in the catalogue, so a bad agent fails at start, not mid-run. */
export function assertKnownTools(
  names: readonly string[],
  catalogue: readonly ToolDefinition[] = TOOL_CATALOGUE,
): void {
  const known = new Set(catalogue.map((tool) => tool.name));
  for (const name of names) {
    if (!known.has(name)) {
      throw new Error(`Unknown tool "${name}"; known tools: ${[...known].join(", ")}.`);
    }
  }
}
