/**
 * Executes one run's graph and turns it into run events: token deltas come
 * from the chat model's callbacks (see token_handler.ts), LangGraph's
 * `updates` mode gives per-node state updates, completed messages and
 * interrupts, and its `checkpoints` mode the final state and checkpoint.
 * Everything goes to the event bus only; nothing here touches the database
 * per token.
 *
 * @module
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { BaseStore, Command } from "@langchain/langgraph";
import type { AgentGraph } from "../agents/mod.ts";
import type { AgentStateUpdate } from "../agents/mod.ts";
import { isMessage, toJsonState, toMessageView } from "../threads/mod.ts";
import { threadConfig } from "../threads/mod.ts";
import type { EventBus } from "./event_bus.ts";
import { createTokenHandler } from "./token_handler.ts";
import { createToolEventHandler } from "./tool_event_handler.ts";

/** What one execution needs. */
export interface ExecutionRequest {
  runId: string;
  threadId: string;
  userId: string;
  /** The caller's tool permissions, which the registry's tools check. */
  permissions?: readonly string[] | undefined;
  graph: AgentGraph;
  /** The input, or null to resume from the thread's last checkpoint. */
  input: AgentStateUpdate | Command | null;
  signal: AbortSignal;
  bus: EventBus;
  /** The user's long-term store, handed to nodes and tools; absent when memory is off. */
  store?: BaseStore | undefined;
  /** Called on every streamed token, for metrics. */
  onToken(): void;
}

/** How an execution ended, when it did not throw. */
export interface ExecutionOutcome {
  status: "success" | "interrupted";
  tokenCount: number;
  checkpointId: string | null;
  /** The thread's messages at the end. */
  messages: BaseMessage[];
}

/** The most steps a run may take: a runaway tool loop fails instead of spinning. */
const RECURSION_LIMIT = 50;

/** Runs the graph to its end or first interrupt; throws when it fails or is aborted. */
export async function executeGraph(request: ExecutionRequest): Promise<ExecutionOutcome> {
  const { bus, runId } = request;
  // The run's user owns its thread: their id stamps and scopes the checkpoints.
  const config = threadConfig({ id: request.threadId, ownerId: request.userId }, {}, {
    run_id: runId,
    user_id: request.userId,
    ...(request.permissions === undefined ? {} : { permissions: request.permissions }),
  });
  let tokenCount = 0;
  const tokens = createTokenHandler((text, messageId, node) => {
    tokenCount++;
    request.onToken();
    bus.publish(runId, { type: "token", text, messageId, node });
  });
  const stream = await request.graph.stream(request.input, {
    ...config,
    callbacks: [tokens, createToolEventHandler((event) => bus.publish(runId, event))],
    // `checkpoints` hands over each step's checkpoint as the graph saves it,
    // so the end needs no read of the final state before the last event.
    streamMode: ["updates", "checkpoints"] as const,
    signal: request.signal,
    recursionLimit: RECURSION_LIMIT,
    ...(request.store === undefined ? {} : { store: request.store }),
  });
  let last: CheckpointChunk | undefined;
  let interrupted = false;
  for await (const [mode, chunk] of stream as AsyncIterable<[string, unknown]>) {
    if (mode === "checkpoints") last = chunk as CheckpointChunk;
    else if (publishUpdates(bus, runId, chunk as Record<string, unknown>)) interrupted = true;
  }
  // The stream ends once every checkpoint it saved is written, so the last
  // one it handed over is the thread's head. A graph compiled without a
  // checkpointer hands over none: its head is read instead.
  if (last === undefined) {
    const state = await request.graph.getState(config);
    return {
      status: state.tasks.some((task) => (task.interrupts?.length ?? 0) > 0)
        ? "interrupted"
        : "success",
      tokenCount,
      checkpointId: (state.config.configurable?.checkpoint_id as string | undefined) ?? null,
      messages: (state.values as { messages?: BaseMessage[] }).messages ?? [],
    };
  }
  return {
    // An interrupt stops the graph, so a run that raised one ends interrupted.
    status: interrupted ? "interrupted" : "success",
    tokenCount,
    checkpointId: last.config.configurable?.checkpoint_id ?? null,
    messages: last.values.messages ?? [],
  };
}

/** What LangGraph's `checkpoints` stream mode hands over per saved checkpoint (the part used here). */
interface CheckpointChunk {
  config: { configurable?: { checkpoint_id?: string } };
  values: { messages?: BaseMessage[] };
}

/** Publishes one step's updates; true when they carry an interrupt. */
function publishUpdates(bus: EventBus, runId: string, updates: Record<string, unknown>): boolean {
  let interrupted = false;
  for (const [node, update] of Object.entries(updates)) {
    if (node === "__interrupt__") {
      for (const pending of (update ?? []) as { id?: string; value?: unknown }[]) {
        interrupted = true;
        bus.publish(runId, {
          type: "interrupt",
          interruptId: pending.id ?? "",
          value: pending.value ?? null,
          node: null,
        });
      }
      continue;
    }
    bus.publish(runId, { type: "state_update", node, update: toJsonState(update ?? null) });
    const messages = (update as { messages?: unknown } | null)?.messages;
    for (const message of Array.isArray(messages) ? messages : [messages]) {
      if (isMessage(message)) {
        bus.publish(runId, { type: "message", message: toMessageView(message), node });
      }
    }
  }
  return interrupted;
}
