/**
 * Human review of a reply, with LangGraph's `interrupt()`: when a turn was
 * sent with `requireApproval`, the run pauses after the model answers and
 * the thread shows the draft. `resumeRun` then approves it, replaces it with
 * an edit, or sends feedback that makes the agent revise it.
 *
 * Resume values: `true` or `{approved: true}` approve; `{edit: "text"}`
 * replaces the reply; `false`, a string, or `{approved: false, feedback}`
 * asks for a revision.
 *
 * @module
 */
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { Command, END, interrupt } from "@langchain/langgraph";
import type { AgentStateValue } from "./state.ts";

/** What the client sees as the pending interrupt's value. */
export interface ReviewRequest {
  type: "approval";
  question: string;
  messageId: string | undefined;
  draft: string;
}

/** The decision a resume value stands for. */
export type ReviewDecision =
  | { kind: "approve" }
  | { kind: "edit"; text: string }
  | { kind: "revise"; feedback: string };

/** Reads a resume value; anything unrecognised is treated as feedback. */
export function readDecision(value: unknown): ReviewDecision {
  if (value === true) return { kind: "approve" };
  if (typeof value === "string") return { kind: "revise", feedback: value };
  if (typeof value === "object" && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v.edit === "string") return { kind: "edit", text: v.edit };
    if (v.approved === true) return { kind: "approve" };
    if (typeof v.feedback === "string") return { kind: "revise", feedback: v.feedback };
  }
  return { kind: "revise", feedback: "Please revise your reply." };
}

/** The node: interrupts, then routes on the decision. */
export function reviewNode(state: AgentStateValue): Command {
  const draft = state.messages.at(-1);
  const request: ReviewRequest = {
    type: "approval",
    question: "Approve this reply, edit it, or send feedback to revise it.",
    messageId: draft?.id,
    draft: draft?.text ?? "",
  };
  const decision = readDecision(interrupt(request));
  switch (decision.kind) {
    case "approve":
      return new Command({ goto: END });
    case "edit":
      return new Command({ goto: END, update: { messages: [edited(draft, decision.text)] } });
    case "revise":
      return new Command({
        goto: "agent",
        update: { messages: [new HumanMessage(decision.feedback)] },
      });
  }
}

/** The same message id with new content, so the reducer replaces the draft. */
function edited(draft: BaseMessage | undefined, text: string): AIMessage {
  return new AIMessage({ content: text, ...(draft?.id === undefined ? {} : { id: draft.id }) });
}
