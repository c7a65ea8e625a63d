/**
 * What a tool is, declared once: its name, what it does (the model reads
 * this), a zod input schema, the permission a caller needs, and the code
 * that runs it. The registry (src/tools/registry.ts) turns definitions into LangChain
 * tools for each agent, enforcing the permission and logging and metering
 * every call, so a tool file holds nothing but the tool.
 *
 * @example
 * ```ts
 * export const echo = defineTool({
 *   name: "echo",
 *   description: "Repeats the text.",
 *   permission: "basic",
 *   schema: z.object({ text: z.string() }),
 *   run: ({ text }) => text,
 *   offlineArgs: (said) => ({ text: said }),
 * });
 * ```
 * @module
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { z } from "zod";
import type { Config } from "../config.ts";
import type { Logger } from "../observability/logger.ts";

/**
 * What a caller must hold to use a tool. Users hold every permission unless
 * their token's `scope` claim narrows them (see src/auth/permissions.ts).
 */
export type ToolPermission =
  | "basic"
  | "human:ask"
  | "memory:read"
  | "memory:write"
  | "documents:read"
  | "web:search"
  | "code:execute"
  | "chart:render";

/** Every permission, for checks and documentation. */
export const TOOL_PERMISSIONS: readonly ToolPermission[] = Object.freeze([
  "basic",
  "human:ask",
  "memory:read",
  "memory:write",
  "documents:read",
  "web:search",
  "code:execute",
  "chart:render",
]);

/**
 * A tool's result: text for the model, or text plus a structured artifact
 * (a chart specification, citations) that is kept on the tool message for
 * clients but never sent to the model.
 */
export type ToolResult = string | { content: string; artifact: unknown };

/** Services a tool may use. Optional ones are absent when their feature is off. */
export interface ToolServices {
  config: Config;
  logger: Logger;
  /** Semantic search over the caller's uploaded documents. */
  documents?: DocumentSearch;
}

/** One passage of an uploaded document, as search returns it. */
export interface DocumentPassage {
  documentId: string;
  filename: string;
  chunkIndex: number;
  content: string;
  score: number;
}

/** Search over one owner's documents (the documents domain implements it). */
export interface DocumentSearch {
  search(ownerId: string, query: string, options?: { limit?: number }): Promise<DocumentPassage[]>;
}

/** What a tool's `run` receives beside its parsed input. */
export interface ToolCallContext {
  /** The user the run belongs to: every read and write is theirs. */
  userId: string;
  threadId: string | undefined;
  runId: string | undefined;
  agentId: string;
  /** Aborted when the run is cancelled or times out. */
  signal: AbortSignal | undefined;
  /** The LangChain config of the call (the graph's store, interrupts). */
  config: RunnableConfig;
  services: ToolServices;
}

/** One tool. */
export interface ToolDefinition<Input extends Record<string, unknown> = Record<string, unknown>> {
  /** snake_case, unique; models call it by this name. */
  name: string;
  /** For the model: what the tool does and when to use it. */
  description: string;
  /** The input; the registry validates every call against it. */
  schema: z.ZodType<Input>;
  permission: ToolPermission;
  /**
   * Why the tool cannot run in this deployment (a missing API key, a
   * disabled feature), or undefined when it can. Unavailable tools are left
   * out of every agent.
   */
  unavailable?(services: ToolServices): string | undefined;
  run(input: Input, context: ToolCallContext): ToolResult | Promise<ToolResult>;
  /**
   * The arguments the offline model (no OPENAI_API_KEY) calls this tool with
   * to demonstrate it, derived from the user's last message; undefined when
   * the message gives it nothing to do.
   */
  offlineArgs?(said: string): Input | undefined;
}

/** Declares a tool with its input type inferred from the schema. */
export function defineTool<Input extends Record<string, unknown>>(
  definition: ToolDefinition<Input>,
): ToolDefinition {
  return definition as unknown as ToolDefinition;
}
