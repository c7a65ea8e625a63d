/**
 * Tool metrics: every call counted by tool, agent and outcome, and timed by
 * tool, so operators see which tools agents lean on and which fail.
 *
 * @module
 */
import { Counter, Histogram, type Registry } from "prom-client";

/** How a tool call ended. */
export type ToolCallStatus = "success" | "error" | "invalid_input" | "denied" | "unknown_tool";

/** The tool metrics. */
export interface ToolMetrics {
  calls: Counter<"tool" | "agent_type" | "status">;
  duration: Histogram<"tool">;
}

/** Registers the tool metrics on `registry`. */
export function createToolMetrics(registry: Registry): ToolMetrics {
  const registers = [registry];
  return {
    calls: new Counter({
      name: "agent_tool_calls_total",
      help: "Tool calls by tool, agent and outcome " +
        "(success, error, invalid_input, denied, unknown_tool).",
      labelNames: ["tool", "agent_type", "status"],
      registers,
    }),
    duration: new Histogram({
      name: "agent_tool_duration_seconds",
      help: "Tool call duration in seconds, by tool.",
      labelNames: ["tool"],
      buckets: [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
  };
}
