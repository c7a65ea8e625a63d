/**
 * Calls a tool definition the way the registry does: the input parsed by the
 * tool's schema, then `run` with a context built from a real configuration.
 */
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import type { ToolCallContext, ToolDefinition, ToolResult } from "../../src/core/tool.ts";

/** Options for {@linkcode callTool}. */
export interface CallOptions {
  /** Environment variables for the configuration. */
  env?: Record<string, string>;
  signal?: AbortSignal;
}

/** A context for one call by user `u1`. */
export function toolContext(options: CallOptions = {}): ToolCallContext {
  const config = loadConfig({ ENVIRONMENT: "development", ...options.env });
  return {
    userId: "u1",
    threadId: undefined,
    runId: undefined,
    agentId: "code",
    signal: options.signal,
    config: {},
    services: { config, logger: createLogger({ level: "error", name: "test", write: () => {} }) },
  };
}

/** Parses `input` with the tool's schema and runs it. */
export async function callTool(
  tool: ToolDefinition,
  input: unknown,
  options: CallOptions = {},
): Promise<ToolResult> {
  return await tool.run(tool.schema.parse(input), toolContext(options));
}
