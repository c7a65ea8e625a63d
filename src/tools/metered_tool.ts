/**
 * Turns a {@linkcode ToolDefinition} into the LangChain tool an agent binds:
 * the schema validates every call, the caller's permissions are checked,
 * and every call, whatever its outcome, is logged as `tool_usage` and
 * metered. Results with an artifact become a tool message's `artifact`,
 * which clients see and the model never does.
 *
 * @module
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  DynamicStructuredTool,
  type StructuredToolInterface,
  ToolInputParsingException,
} from "@langchain/core/tools";
import { withOfflineArgs } from "../llm/offline_plan.ts";
import type { ToolCallContext, ToolDefinition, ToolServices } from "../core/tool.ts";
import type { ToolCallStatus } from "./metrics.ts";
import { recordToolUsage, type ToolUsageSink } from "./usage.ts";

/** What a metered tool needs beside its definition. */
export interface MeteredToolOptions extends ToolUsageSink {
  agentId: string;
  services: ToolServices;
}

/** The caller lacks the permission a tool needs. */
export class ToolPermissionError extends Error {
  override name = "ToolPermissionError";
}

/** The metered LangChain tool of `definition` for one agent. */
export function createMeteredTool(
  definition: ToolDefinition,
  options: MeteredToolOptions,
): StructuredToolInterface {
  const tool = new MeteredTool(definition, options);
  return definition.offlineArgs === undefined
    ? tool
    : withOfflineArgs(tool, (said) => definition.offlineArgs?.(said));
}

/**
 * The permissions a run's caller holds, from `configurable.permissions`;
 * undefined (a run started before scopes existed, or a direct call in a
 * test) grants everything, as an unscoped token does.
 */
function isPermitted(definition: ToolDefinition, config: RunnableConfig | undefined) {
  const granted = config?.configurable?.permissions as readonly string[] | undefined;
  return granted === undefined || granted.includes(definition.permission);
}

class MeteredTool extends DynamicStructuredTool {
  readonly #options: MeteredToolOptions;

  constructor(definition: ToolDefinition, options: MeteredToolOptions) {
    super({
      name: definition.name,
      description: definition.description,
      // deno-lint-ignore no-explicit-any
      schema: definition.schema as any,
      responseFormat: "content_and_artifact",
      func: async (input: Record<string, unknown>, _runManager, config) => {
        // Checked inside the call, so tool callbacks (the run's ToolEvents) see the refusal.
        if (!isPermitted(definition, config)) {
          throw new ToolPermissionError(
            `You lack the "${definition.permission}" permission that ${definition.name} ` +
              "needs; ask an administrator for a token whose scope includes it.",
          );
        }
        const result = await definition.run(input, contextOf(definition, options, config));
        return typeof result === "string" ? [result, undefined] : [result.content, result.artifact];
      },
    });
    this.#options = options;
  }

  // deno-lint-ignore no-explicit-any
  override async invoke(input: any, config?: RunnableConfig): Promise<any> {
    const started = performance.now();
    let status: ToolCallStatus = "success";
    let reason: string | undefined;
    try {
      return await super.invoke(input, config);
    } catch (error) {
      status = error instanceof ToolPermissionError
        ? "denied"
        : error instanceof ToolInputParsingException
        ? "invalid_input"
        : "error";
      reason = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      recordToolUsage(this.#options, {
        tool: this.name,
        agentId: this.#options.agentId,
        status,
        seconds: (performance.now() - started) / 1000,
        config,
        error: reason,
      });
    }
  }
}

function contextOf(
  definition: ToolDefinition,
  options: MeteredToolOptions,
  config: RunnableConfig | undefined,
): ToolCallContext {
  const configurable = config?.configurable ?? {};
  const userId = configurable.user_id;
  if (typeof userId !== "string" || userId === "") {
    // Every tool acts for a user; outside a run there is none to act for.
    throw new Error(`${definition.name} runs only inside a run, which names its user.`);
  }
  return {
    userId,
    threadId: typeof configurable.thread_id === "string" ? configurable.thread_id : undefined,
    runId: typeof configurable.run_id === "string" ? configurable.run_id : undefined,
    agentId: options.agentId,
    signal: config?.signal,
    config: config ?? {},
    services: options.services,
  };
}
