/**
 * The GraphQL types of run events: the `RunEvent` interface and its six
 * implementations, and the `RunStatus` and `ToolEventPhase` enums.
 *
 * @module
 */
import { builder } from "../graphql/builder.ts";
import { lowerCaseEnum } from "../graphql/enums.ts";
import { MessageRef } from "../threads/schema_types.ts";
import type { RunEvent } from "./events.ts";

/** `RunStatus`. */
export const RunStatusRef = lowerCaseEnum("RunStatus", "Where a run is in its life.", {
  PENDING: "Queued: waiting for its thread's earlier runs or for a free worker on any replica.",
  RUNNING: "Executing.",
  SUCCESS: "Finished.",
  ERROR: "Failed; `error` says why. The thread stays usable.",
  INTERRUPTED: "Paused for human input: see `resumeRun`.",
  CANCELLED: "Stopped by `cancelRun` or a multitask strategy.",
});

const TYPE_NAMES = {
  token: "TokenEvent",
  message: "MessageEvent",
  state_update: "StateUpdateEvent",
  interrupt: "InterruptEvent",
  tool: "ToolEvent",
  status: "RunStatusEvent",
} as const;

/** `RunEvent`. */
export const RunEventRef = builder.interfaceRef<RunEvent>("RunEvent").implement({
  description: "One event of a run. Sequences start at 1 and grow by 1 per event.",
  resolveType: (event) => TYPE_NAMES[event.type],
  fields: (t) => ({
    id: t.exposeID("id", { description: "Unique: the run id and the sequence." }),
    runId: t.exposeID("runId", { description: "The run." }),
    sequence: t.exposeInt("sequence", { description: "Pass the last one you saw as `after`." }),
    at: t.field({ type: "DateTime", description: "When it happened.", resolve: (e) => e.at }),
  }),
});

type Of<K extends RunEvent["type"]> = Extract<RunEvent, { type: K }>;

builder.objectRef<Of<"token">>("TokenEvent").implement({
  description: "A model token: only the new text, never the message so far.",
  interfaces: [RunEventRef],
  fields: (t) => ({
    text: t.exposeString("text", { description: "The token's text, with its leading space." }),
    messageId: t.exposeID("messageId", { description: "The message it belongs to." }),
    // Nullable like every event's `node`, so fragments on several event types can select it.
    node: t.exposeString("node", { nullable: true, description: "The graph node streaming it." }),
  }),
});

builder.objectRef<Of<"message">>("MessageEvent").implement({
  description: "A completed message: yours, the model's (with tool calls) or a tool's result.",
  interfaces: [RunEventRef],
  fields: (t) => ({
    message: t.field({ type: MessageRef, description: "The message.", resolve: (e) => e.message }),
    node: t.exposeString("node", {
      nullable: true,
      description: "The node that wrote it; null for your input and replayed messages.",
    }),
  }),
});

builder.objectRef<Of<"state_update">>("StateUpdateEvent").implement({
  description: "What one graph node wrote to the state.",
  interfaces: [RunEventRef],
  fields: (t) => ({
    node: t.exposeString("node", { nullable: true, description: "The node." }),
    update: t.field({
      type: "JSON",
      nullable: true,
      description: "Its update, messages in `Message` form.",
      resolve: (e) => e.update,
    }),
  }),
});

builder.objectRef<Of<"interrupt">>("InterruptEvent").implement({
  description: "The graph paused for human input; answer with `resumeRun`.",
  interfaces: [RunEventRef],
  fields: (t) => ({
    interruptId: t.exposeID("interruptId", { description: "The interrupt's id." }),
    value: t.field({
      type: "JSON",
      nullable: true,
      description: "What the agent asks.",
      resolve: (e) => e.value,
    }),
    node: t.exposeString("node", { nullable: true, description: "The node, when known." }),
  }),
});

const ToolEventPhaseRef = lowerCaseEnum("ToolEventPhase", "Where a tool call is.", {
  STARTED: "The tool was called; `input` has the arguments.",
  FINISHED: "It returned; `output` and `artifact` hold it.",
  FAILED: "It failed or was refused; `output` says why.",
});

builder.objectRef<Of<"tool">>("ToolEvent").implement({
  description: "A tool call started or ended. Its result also arrives as a `MessageEvent` " +
    "with a `TOOL` message; these events show progress while it runs.",
  interfaces: [RunEventRef],
  fields: (t) => ({
    phase: t.field({
      type: ToolEventPhaseRef,
      description: "Started, finished or failed.",
      resolve: (e) => e.phase,
    }),
    toolCallId: t.exposeID("toolCallId", {
      description: "The call's id, as in the assistant message's `toolCalls`.",
    }),
    name: t.exposeString("name", { description: "The tool's name." }),
    input: t.field({
      type: "JSON",
      nullable: true,
      description: "The arguments, on STARTED.",
      resolve: (e) => e.input ?? null,
    }),
    output: t.exposeString("output", {
      nullable: true,
      description: "The result's text (at most 2000 characters) or the error, once ended.",
    }),
    artifact: t.field({
      type: "JSON",
      nullable: true,
      description: "Structured output (a Vega-Lite chart, citations), on FINISHED.",
      resolve: (e) => e.artifact ?? null,
    }),
    durationMs: t.exposeFloat("durationMs", {
      nullable: true,
      description: "How long the call took, once ended.",
    }),
    node: t.exposeString("node", { nullable: true, description: "The graph node running it." }),
  }),
});

builder.objectRef<Of<"status">>("RunStatusEvent").implement({
  description: "The run was queued, started or ended. The first and the last event of every " +
    "run are one of these.",
  interfaces: [RunEventRef],
  fields: (t) => ({
    status: t.field({
      type: RunStatusRef,
      description: "The new status.",
      resolve: (e) => e.status,
    }),
    error: t.exposeString("error", {
      nullable: true,
      description: "Why it failed or was cancelled.",
    }),
    queuePosition: t.int({
      nullable: true,
      description: "On PENDING: the run's place in the wait queue when it was queued " +
        "(1 = next); `Run.queuePosition` has the current one. Null otherwise.",
      resolve: (e) => e.queuePosition ?? null,
    }),
  }),
});
