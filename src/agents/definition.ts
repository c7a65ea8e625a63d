/**
 * What an agent is, declaratively: identity, prompt, model settings, tool
 * names and a graph factory. The registry holds these; the runtime turns
 * them into compiled graphs bound to the app's checkpointer and model.
 *
 * @module
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { StructuredToolInterface } from "@langchain/core/tools";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import type { CompiledStateGraph } from "@langchain/langgraph";
import type { ChatModelOptions } from "../llm/chat_model.ts";
import type { Logger } from "../observability/logger.ts";
import type { AgentStateUpdate, AgentStateValue } from "./state.ts";

/** A compiled agent graph over {@linkcode AgentStateValue}. */
// deno-lint-ignore no-explicit-any
export type AgentGraph = CompiledStateGraph<AgentStateValue, AgentStateUpdate, any>;

/** What a graph factory receives. */
export interface AgentGraphDeps {
  /** The chat model, already configured with the agent's overrides. */
  model: BaseChatModel;
  /** The agent's tools, resolved from their names. */
  tools: StructuredToolInterface[];
  systemPrompt: string;
  checkpointer: BaseCheckpointSaver;
  agentId: string;
  logger: Logger;
}

/** One agent of the registry. */
export interface AgentDefinition {
  /** Stable id clients pass as `agentId`; lower-case words joined by dashes or underscores. */
  id: string;
  name: string;
  description: string;
  systemPrompt: string;
  /** Overrides of the configured model, temperature and max tokens. */
  model?: ChatModelOptions;
  /** Names from the tool catalogue. */
  tools: readonly string[];
  /** Builds and compiles the graph. */
  createGraph(deps: AgentGraphDeps): AgentGraph;
}
