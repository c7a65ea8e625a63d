/**
 * Records one tool call: the design's `tool_usage` log event (tool name,
 * execution time) and the tool metrics. The registry's tools and the tool
 * node (for calls to tools that do not exist) share it, so every call a
 * model makes is accounted for the same way.
 *
 * @module
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { Logger } from "../observability/logger.ts";
import type { ToolCallStatus, ToolMetrics } from "./metrics.ts";

/** Where usage goes. */
export interface ToolUsageSink {
  logger: Logger;
  metrics?: ToolMetrics | undefined;
}

/** One finished call. */
export interface ToolUsage {
  tool: string;
  /** For `unknown_tool`: the name the model asked for (logged, never a label). */
  requestedName?: string;
  agentId: string;
  status: ToolCallStatus;
  seconds: number;
  config: RunnableConfig | undefined;
  error?: string | undefined;
}

/** Logs `tool_usage` and updates the metrics. */
export function recordToolUsage(sink: ToolUsageSink, usage: ToolUsage): void {
  const configurable = usage.config?.configurable ?? {};
  sink.logger.info("tool_usage", {
    event: "tool_usage",
    tool_name: usage.requestedName ?? usage.tool,
    execution_time: usage.seconds,
    status: usage.status,
    agent_type: usage.agentId,
    thread_id: configurable.thread_id,
    user_id: configurable.user_id,
    run_id: configurable.run_id,
    ...(usage.error === undefined ? {} : { reason: usage.error }),
  });
  sink.metrics?.calls.inc({ tool: usage.tool, agent_type: usage.agentId, status: usage.status });
  sink.metrics?.duration.observe({ tool: usage.tool }, usage.seconds);
}
