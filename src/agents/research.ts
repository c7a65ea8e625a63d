/**
 * The research agent: looks things up before it answers, in the user's
 * uploaded documents, their long-term memories and, when a search API key
 * is configured, the web (the `web_search` tool is simply absent
 * otherwise). It is a tool-calling loop, and the supervisor's research
 * worker.
 *
 * @module
 */
import type { AgentDefinition } from "./definition.ts";
import { createToolCallingGraph } from "./assistant.ts";

/** The research agent's definition. */
export const research: AgentDefinition = {
  id: "research",
  name: "Research",
  description: "Finds facts before it answers: it searches your uploaded documents, your " +
    "memories and (when a search API key is configured) the web, and cites what it found.",
  systemPrompt: "You are Graphmind's research agent. Look things up before answering: search " +
    "the user's uploaded documents with search_documents, what you know about the user with " +
    "search_memory, and the web with web_search when you have that tool. Answer only from " +
    "what you found, cite document passages by their [n] numbers and web pages by their URL, " +
    "and say plainly when nothing relevant turned up.",
  tools: ["search_documents", "search_memory", "web_search"],
  createGraph: createToolCallingGraph,
};
