/**
 * Events for a finished run whose event log was pruned (after
 * RUN_EVENT_RETENTION_SECONDS): its messages come from the checkpoints, as
 * `MessageEvent`s, then its final status. They are numbered after the run's
 * last live sequence, so they never collide with events a client already
 * has; a client that had seen the whole run gets nothing.
 *
 * @module
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { AgentGraph } from "../agents/mod.ts";
import { toMessageView } from "../threads/mod.ts";
import { toStateView } from "../threads/mod.ts";
import { threadConfig } from "../threads/mod.ts";
import { eventId, type RunEvent, type RunEventPayload, TERMINAL_STATUSES } from "./events.ts";
import type { RunRecord } from "./store.ts";

/** What {@linkcode replayFromCheckpoints} needs. */
export interface ReplayRequest {
  /** A finished run. */
  run: RunRecord;
  after: number;
  graph: AgentGraph;
}

/** Rebuilds a finished run's events from its checkpoints. */
export async function* replayFromCheckpoints(request: ReplayRequest): AsyncGenerator<RunEvent> {
  const finished = request.run;
  if (!TERMINAL_STATUSES.has(finished.status) || request.after >= finished.lastSequence) return;
  let sequence = finished.lastSequence;
  const make = (payload: RunEventPayload): RunEvent => {
    sequence++;
    return {
      ...payload,
      id: eventId(finished.id, sequence),
      runId: finished.id,
      sequence,
      at: new Date(),
    };
  };
  const before = new Set(
    (await messagesAt(request.graph, finished, finished.preCheckpointId)).map((m) => m.id),
  );
  if (finished.checkpointId !== null) {
    const snapshot = await request.graph.getState(configAt(finished, finished.checkpointId));
    const view = toStateView(snapshot);
    for (const message of view.messages) {
      if (!before.has(message.id)) yield make({ type: "message", message, node: null });
    }
    if (finished.status === "interrupted") {
      for (const pending of view.interrupts) {
        yield make({
          type: "interrupt",
          interruptId: pending.id,
          value: pending.value,
          node: pending.node,
        });
      }
    }
  }
  yield make({ type: "status", status: finished.status, error: finished.error });
}

function configAt(run: RunRecord, checkpointId: string) {
  return threadConfig({ id: run.threadId, ownerId: run.ownerId }, {
    checkpointNs: "",
    checkpointId,
  });
}

async function messagesAt(graph: AgentGraph, run: RunRecord, checkpointId: string | null) {
  if (checkpointId === null) return [];
  const snapshot = await graph.getState(configAt(run, checkpointId));
  const messages = (snapshot.values as { messages?: BaseMessage[] } | undefined)?.messages ?? [];
  return messages.map(toMessageView);
}
