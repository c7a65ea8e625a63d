/**
 * The content agent: long-form writing in an outline-then-write loop. A new
 * piece gets an outline first, then a draft that follows it, each streamed
 * as it is written; later turns in the thread edit the latest draft as the
 * user asks (shorter, another tone, a new section) instead of starting over.
 *
 * ```
 * START ─┬─ no draft yet ─► outline → write → END
 *        └─ a draft exists ─► edit ───────────► END
 * ```
 *
 * @module
 */
import { type BaseMessage, SystemMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { END, START, StateGraph } from "@langchain/langgraph";
import type { AgentDefinition, AgentGraph, AgentGraphDeps } from "./definition.ts";
import { named } from "./named_message.ts";
import { AgentState, type AgentStateValue } from "./state.ts";

/** The name the draft messages carry, so later turns find the latest draft. */
const DRAFT = "draft";
const OUTLINE = "outline";

/** The content agent's definition. */
export const content: AgentDefinition = {
  id: "content",
  name: "Content writer",
  description: "Drafts and edits long-form text: it outlines a new piece, writes it from the " +
    "outline, and then edits the draft as you ask in later messages.",
  systemPrompt: "You are Graphmind's content writer. You write clear, well-structured " +
    "long-form text (articles, posts, reports, documentation) in the user's language and tone.",
  tools: [],
  createGraph: createContentGraph,
};

const OUTLINE_PROMPT = "Step 1 of 2: write only the outline of the requested piece: a title, " +
  "then 3 to 7 section headings as a numbered list, each with one line on what it covers. " +
  "Do not write the piece yet.";
const WRITE_PROMPT = "Step 2 of 2: write the complete piece, following the outline you just " +
  "wrote section by section. Use Markdown headings for the sections. Write only the piece.";
const EDIT_PROMPT = "Edit your latest draft as the user's last message asks. Keep what they " +
  "did not ask to change. Return the whole revised piece, not a list of changes. If they ask " +
  "for a different piece altogether, write that instead.";

function createContentGraph(deps: AgentGraphDeps): AgentGraph {
  const system = new SystemMessage(deps.systemPrompt);

  /** One model call with a step instruction; the reply is named after the step. */
  function step(instruction: string, name: string) {
    return async (state: AgentStateValue, config: RunnableConfig) => {
      const prompt = [system, ...state.messages, new SystemMessage(instruction)];
      const reply = await deps.model.invoke(prompt, config);
      return { messages: [named(reply, name)] };
    };
  }

  function start(state: AgentStateValue): "outline" | "edit" {
    return latestDraft(state.messages) === undefined ? "outline" : "edit";
  }

  return new StateGraph(AgentState)
    .addNode("outline", step(OUTLINE_PROMPT, OUTLINE))
    .addNode("write", step(WRITE_PROMPT, DRAFT))
    .addNode("edit", step(EDIT_PROMPT, DRAFT))
    .addConditionalEdges(START, start, ["outline", "edit"])
    .addEdge("outline", "write")
    .addEdge("write", END)
    .addEdge("edit", END)
    .compile({ checkpointer: deps.checkpointer, name: deps.agentId }) as unknown as AgentGraph;
}

/** The last draft this agent wrote in the thread, if any. */
export function latestDraft(messages: BaseMessage[]): BaseMessage | undefined {
  return messages.findLast((m) => m.getType() === "ai" && m.name === DRAFT);
}
