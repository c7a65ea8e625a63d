/**
 * The state every agent's graph shares: the conversation, plus whether the
 * current turn waits for a human's approval before its reply is final.
 * Sharing one shape lets a thread switch agents between runs and lets the
 * thread service read any agent's checkpoints the same way.
 *
 * @module
 */
import { Annotation, MessagesAnnotation } from "@langchain/langgraph";

/** The LangGraph state annotation of every agent. */
export const AgentState = Annotation.Root({
  ...MessagesAnnotation.spec,
  /** Set by each `sendMessage`: when true, the reply waits for approval. */
  requireApproval: Annotation<boolean>({
    reducer: (_previous, next) => next,
    default: () => false,
  }),
});

/** One state value of {@linkcode AgentState}. */
export type AgentStateValue = typeof AgentState.State;

/** An update a node returns. */
export type AgentStateUpdate = typeof AgentState.Update;
