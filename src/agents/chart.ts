/**
 * The chart agent: turns data (pasted by the user or found earlier in the
 * conversation) into a Vega-Lite specification through `render_chart`,
 * which validates it and returns it as a structured artifact on the tool
 * message, where clients render it. It is a tool-calling loop, so an
 * invalid specification goes back to the model to fix; it is also the
 * supervisor's chart worker.
 *
 * @module
 */
import type { AgentDefinition } from "./definition.ts";
import { createToolCallingGraph } from "./assistant.ts";

/** The chart agent's definition. */
export const chart: AgentDefinition = {
  id: "chart",
  name: "Chart",
  description: "Turns data into a chart: it writes a Vega-Lite specification, validates it and " +
    "returns it as an artifact your client can render.",
  systemPrompt: "You are Graphmind's chart agent. Turn the data the user gives, or data found " +
    "earlier in the conversation, into a chart with render_chart: the simple form (records, " +
    "mark, x and y fields) for plain bar, line, point, area or pie charts, or a full Vega-Lite " +
    "v6 specification with inline data (`data.values`) for anything richer. Pick the chart " +
    "type that suits the data and label the axes. If render_chart reports an error, fix the " +
    "chart and call it again. Once it succeeds, describe the chart in a sentence or two; do not repeat the JSON.",
  tools: ["render_chart"],
  createGraph: createToolCallingGraph,
};
