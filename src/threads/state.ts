/**
 * Reads a thread's conversation from its checkpoints: the current state,
 * pending interrupts, and the checkpoint history newest first.
 *
 * @module
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { StateSnapshot } from "@langchain/langgraph";
import type { AgentGraph } from "../agents/mod.ts";
import { type MessageView, toJsonState, toMessageView } from "./messages.ts";
import { threadConfig, type ThreadKey } from "./thread_config.ts";

/** An interrupt waiting for `resumeRun`. */
export interface InterruptView {
  id: string;
  value: unknown;
  /** The node that interrupted. */
  node: string;
}

/** A thread's state at one checkpoint. */
export interface StateView {
  /** The checkpoint's id; null for a thread with no checkpoint yet. */
  checkpointId: string | null;
  parentId: string | null;
  createdAt: string | null;
  step: number | null;
  /** What wrote the checkpoint: `input`, `loop`, `update` or `fork`. */
  source: string | null;
  /** The nodes that would run next; empty when the graph is done. */
  next: string[];
  messages: MessageView[];
  values: unknown;
  interrupts: InterruptView[];
}

/** Reads the state at a snapshot. */
export function toStateView(snapshot: StateSnapshot): StateView {
  const values = (snapshot.values ?? {}) as Record<string, unknown>;
  const messages = Array.isArray(values.messages) ? values.messages as BaseMessage[] : [];
  const metadata = snapshot.metadata as { step?: number; source?: string } | undefined;
  return {
    checkpointId: (snapshot.config.configurable?.checkpoint_id as string | undefined) ?? null,
    parentId: (snapshot.parentConfig?.configurable?.checkpoint_id as string | undefined) ?? null,
    createdAt: snapshot.createdAt ?? null,
    step: metadata?.step ?? null,
    source: metadata?.source ?? null,
    next: [...snapshot.next],
    messages: messages.map(toMessageView),
    values: toJsonState(values),
    interrupts: snapshot.tasks.flatMap((task) =>
      (task.interrupts ?? []).map((i) => ({
        id: i.id ?? task.id,
        value: i.value ?? null,
        node: task.name,
      }))
    ),
  };
}

/** The thread's current state. */
export async function readState(graph: AgentGraph, thread: ThreadKey): Promise<StateView> {
  return toStateView(await graph.getState(threadConfig(thread)));
}

/** Up to `limit` checkpoints older than `before` (or the newest), newest first. */
export async function readHistory(
  graph: AgentGraph,
  thread: ThreadKey,
  options: { limit: number; before: string | undefined },
): Promise<StateView[]> {
  const views: StateView[] = [];
  const before = options.before === undefined
    ? undefined
    : threadConfig(thread, { checkpointNs: "", checkpointId: options.before });
  const history = graph.getStateHistory(
    threadConfig(thread, { checkpointNs: "" }),
    { limit: options.limit, ...(before ? { before } : {}) },
  );
  for await (const snapshot of history) views.push(toStateView(snapshot));
  return views;
}
