/**
 * The events a run emits, in the order a client receives them. Every event
 * carries the run's id, a sequence that increases by one per event, and an
 * id made of the two, so a client that reconnects passes the last sequence
 * it saw as `after` and misses nothing.
 *
 * @module
 */
import type { MessageView } from "../threads/mod.ts";

/** A run's lifecycle status. */
export type RunStatus = "pending" | "running" | "success" | "error" | "interrupted" | "cancelled";

/** Statuses a run never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set([
  "success",
  "error",
  "interrupted",
  "cancelled",
]);

/** One model token: the delta only, never the message so far. */
export interface TokenPayload {
  type: "token";
  text: string;
  messageId: string;
  node: string;
}

/** A completed message: the user's, the model's (with tool calls) or a tool's result. */
export interface MessagePayload {
  type: "message";
  message: MessageView;
  node: string | null;
}

/** What one node wrote to the state. */
export interface StateUpdatePayload {
  type: "state_update";
  node: string;
  update: unknown;
}

/** The graph paused for human input. */
export interface InterruptPayload {
  type: "interrupt";
  interruptId: string;
  value: unknown;
  node: string | null;
}

/** Where a tool call is. */
export type ToolPhase = "started" | "finished" | "failed";

/** A tool call started or ended: live progress between the model's messages. */
export interface ToolPayload {
  type: "tool";
  phase: ToolPhase;
  toolCallId: string;
  name: string;
  /** The arguments, on `started`. */
  input: unknown;
  /** The result's text or the error, on `finished` and `failed`. */
  output: string | null;
  /** The result's artifact (a chart, citations), on `finished`. */
  artifact: unknown;
  /** Milliseconds the call took, on `finished` and `failed`. */
  durationMs: number | null;
  node: string | null;
}

/** The run's status changed: sent when it is queued, when it starts and when it ends. */
export interface StatusPayload {
  type: "status";
  status: RunStatus;
  error: string | null;
  /** While `pending`: the run's place in the wait queue (1 = next). */
  queuePosition?: number | null;
}

/** What a publisher hands the bus. */
export type RunEventPayload =
  | TokenPayload
  | MessagePayload
  | StateUpdatePayload
  | InterruptPayload
  | ToolPayload
  | StatusPayload;

/** An event as subscribers receive it. */
export type RunEvent = RunEventPayload & {
  id: string;
  runId: string;
  sequence: number;
  at: Date;
};

/** The id of a run's `sequence`th event. */
export function eventId(runId: string, sequence: number): string {
  return `${runId}:${sequence}`;
}
