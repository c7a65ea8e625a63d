/**
 * The agentic RAG agent, shaped like LangGraph's agentic RAG tutorial: the
 * model decides whether the question needs the user's documents (a
 * `search_documents` call) or can be answered directly; retrieved passages
 * are graded for relevance by a structured-output model call; an irrelevant
 * retrieval makes the agent rewrite the question and search once more; the
 * answer cites the passages by their [n] numbers.
 *
 * ```
 * START → agent ─┬─ search_documents ─► retrieve ─┬─ relevant ──────────► generate → END
 *                │                                ├─ irrelevant, 1st ──► rewrite → retrieve
 *                │                                └─ irrelevant again ─► generate
 *                └─ answers directly ─────────────────────────────────────────────► END
 * ```
 *
 * The grading and rewriting calls are tagged `nostream`: their JSON is not
 * part of the answer, so clients see only the answer's tokens.
 *
 * @module
 */
import {
  AIMessage,
  type BaseMessage,
  HumanMessage,
  SystemMessage,
  type ToolMessage,
} from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { END, START, StateGraph } from "@langchain/langgraph";
import { z } from "zod";
import type { AgentDefinition, AgentGraph, AgentGraphDeps } from "./definition.ts";
import { named } from "./named_message.ts";
import { AgentState, type AgentStateValue } from "./state.ts";
import { answerDanglingToolCalls, createToolNode, toolCallsOf } from "./tool_node.ts";
import { currentTurn } from "../llm/messages.ts";

/** The retrieval tool the agent calls. */
const SEARCH = "search_documents";
/** Rewrites per turn before the agent answers with what it has. */
const MAX_REWRITES = 1;

/** The RAG agent's definition. */
export const rag: AgentDefinition = {
  id: "rag",
  name: "Documents (RAG)",
  description: "Answers questions from your uploaded documents: it decides when to search " +
    "them, checks that the passages it found are relevant, rephrases the search when they are " +
    "not, and answers with [n] citations.",
  systemPrompt: "You are Graphmind's document assistant. The user has uploaded documents. " +
    "When a question may be answered by them, call search_documents with a focused query; " +
    "answer directly only greetings and questions about the conversation itself.",
  tools: [SEARCH],
  createGraph: createRagGraph,
};

const GradeSchema = z.object({
  relevant: z.enum(["yes", "no"]).describe(
    "yes when the passages contain keywords or meaning related to the question, else no",
  ),
});

const RewriteSchema = z.object({
  question: z.string().describe("The improved question, as a search query."),
});

const GRADE_PROMPT = "You grade the relevance of retrieved passages to a user question.\n" +
  "Passages:\n{context}\n\nQuestion: {question}\n\n" +
  "If the passages contain keywords or meaning related to the question, they are relevant. " +
  "Answer yes or no.";

const REWRITE_PROMPT = "A search of the user's documents for this question found nothing " +
  "relevant. Reason about the intent behind it and write a better search query: other " +
  "words, synonyms, the key terms alone.\n\nQuestion: {question}";

const GENERATE_PROMPT = "Answer the user's last question from the passages search_documents " +
  "returned above. Cite each fact with the passage's number, like [1]. If the passages do not " +
  "contain the answer, say so plainly and do not guess. Be concise.";

function createRagGraph(deps: AgentGraphDeps): AgentGraph {
  const model = deps.tools.length > 0 && deps.model.bindTools
    ? deps.model.bindTools(deps.tools)
    : deps.model;
  const system = new SystemMessage(deps.systemPrompt);
  const silent = { tags: ["nostream"] };
  const grader = deps.model.withStructuredOutput(GradeSchema, {
    name: "grade_documents",
    method: "functionCalling",
  });
  const rewriter = deps.model.withStructuredOutput(RewriteSchema, {
    name: "rewrite_question",
    method: "functionCalling",
  });

  /** Decides: search the documents, or answer. */
  async function agent(state: AgentStateValue, config: RunnableConfig) {
    const reply = await model.invoke([system, ...answerDanglingToolCalls(state.messages)], config);
    return { messages: [reply] };
  }

  function afterAgent(state: AgentStateValue): "retrieve" | typeof END {
    return toolCallsOf(state.messages.at(-1)).length > 0 ? "retrieve" : END;
  }

  /** Grades the latest retrieval; a failed or empty one needs no model to say it is useless. */
  async function grade(
    state: AgentStateValue,
    config: RunnableConfig,
  ): Promise<"generate" | "rewrite"> {
    const turn = currentTurn(state.messages);
    const found = latestResults(turn);
    let relevant = false;
    if (found.length > 0) {
      const prompt = GRADE_PROMPT.replace("{context}", found.join("\n\n"))
        .replace("{question}", question(state.messages));
      const score = await grader.invoke([new HumanMessage(prompt)], { ...config, ...silent });
      relevant = score.relevant === "yes";
    }
    const rewrites = turn.filter((m) => m.getType() === "ai" && m.name === "rewrite").length;
    return relevant || rewrites >= MAX_REWRITES ? "generate" : "rewrite";
  }

  /** Rewrites the question and searches again with it. */
  async function rewrite(state: AgentStateValue, config: RunnableConfig) {
    const original = question(state.messages);
    const prompt = REWRITE_PROMPT.replace("{question}", original);
    const better = await rewriter.invoke([new HumanMessage(prompt)], { ...config, ...silent });
    const query = better.question.trim() || original;
    const call = { id: `rewrite_${state.messages.length}`, name: SEARCH, args: { query } };
    return { messages: [new AIMessage({ content: "", name: "rewrite", tool_calls: [call] })] };
  }

  /** Answers from the passages, with citations. */
  async function generate(state: AgentStateValue, config: RunnableConfig) {
    const prompt = [system, ...state.messages, new SystemMessage(GENERATE_PROMPT)];
    const reply = await deps.model.invoke(prompt, config);
    return { messages: [named(reply, "rag")] };
  }

  return new StateGraph(AgentState)
    .addNode("agent", agent)
    .addNode("retrieve", createToolNode(deps))
    .addNode("rewrite", rewrite)
    .addNode("generate", generate)
    .addEdge(START, "agent")
    .addConditionalEdges("agent", afterAgent, ["retrieve", END])
    .addConditionalEdges("retrieve", grade, ["generate", "rewrite"])
    .addEdge("rewrite", "retrieve")
    .addEdge("generate", END)
    .compile({ checkpointer: deps.checkpointer, name: deps.agentId }) as unknown as AgentGraph;
}

/** The messages after the user's last one. */
function question(messages: BaseMessage[]): string {
  return messages.findLast((m) => m.getType() === "human")?.text ?? "";
}

/** The texts of the latest search's successful, non-empty results. */
function latestResults(turn: BaseMessage[]): string[] {
  const lastCall = turn.findLastIndex((m) => toolCallsOf(m).length > 0);
  return turn.slice(lastCall + 1)
    .filter((m): m is ToolMessage => m.getType() === "tool")
    .filter((m) => m.status !== "error" && m.text.trim() !== "" && !isEmptyArtifact(m.artifact))
    .map((m) => m.text);
}

/** A search artifact citing no passage: the search found nothing to grade. */
function isEmptyArtifact(artifact: unknown): boolean {
  const citations = (artifact as { citations?: unknown } | null | undefined)?.citations;
  return Array.isArray(citations) && citations.length === 0;
}
