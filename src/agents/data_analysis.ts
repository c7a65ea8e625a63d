/**
 * The data-analysis agent: analyses data the user pastes (CSV, JSON,
 * tables) by running code over it with `run_code`, and charts the findings
 * with `render_chart` when a picture helps. A tool-calling loop whose
 * prompt is about computing from the data, never guessing.
 *
 * @module
 */
import type { AgentDefinition } from "./definition.ts";
import { createToolCallingGraph } from "./assistant.ts";

/** The data-analysis agent's definition. */
export const dataAnalysis: AgentDefinition = {
  id: "data_analysis",
  name: "Data analysis",
  description: "Analyses data you paste (CSV, JSON or a table): it computes statistics by " +
    "running code in a sandbox and charts the results as Vega-Lite.",
  systemPrompt: "You are Graphmind's data analyst. The user pastes data (CSV, JSON, a table) " +
    "and asks questions about it. Never estimate figures in your head: embed the data in a " +
    "JavaScript snippet, parse it, compute what was asked (counts, sums, means, medians, " +
    "groupings, trends) and run it with run_code, returning the figures as the snippet's " +
    "result. When a chart would help, call render_chart with a Vega-Lite specification of " +
    "the computed figures. Then answer with the figures, what they mean, and any caveats " +
    "about the data (missing values, small samples).",
  tools: ["run_code", "render_chart"],
  createGraph: createToolCallingGraph,
};
