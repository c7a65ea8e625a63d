/**
 * Runs in GraphQL: the `Run` type, `run(id)`, `Thread.runs`, the
 * `sendMessage`, `resumeRun` and `cancelRun` mutations, and the `runEvents`
 * and `chat` subscriptions over SSE and WebSocket.
 *
 * @module
 */
import { z } from "zod";
import { builder } from "../graphql/builder.ts";
import { lowerCaseEnum } from "../graphql/enums.ts";
import { EVENT_IS_RESULT } from "../graphql/event_passthrough.ts";
import { ThreadRef } from "../threads/schema.ts";
import { idRule } from "../core/rules.ts";
import type { RunRecord } from "./store.ts";
import { RunEventRef, RunStatusRef } from "./schema_events.ts";
import { cancelRunRule, resumeRunRule, sendMessageRule } from "./inputs.ts";
import type { SendMessageInput } from "./service.ts";
import type { RunEvent } from "./events.ts";
import type { StreamItem } from "./subscribers.ts";

const MultitaskStrategyRef = lowerCaseEnum(
  "MultitaskStrategy",
  "What a new run does when its thread already has an active run.",
  {
    REJECT: "Refuse with CONFLICT naming the active run (default).",
    ENQUEUE: "Wait, then run after the active runs.",
    INTERRUPT: "Cancel the active run, keeping what it checkpointed, then run.",
    ROLLBACK: "Cancel the active run and remove its checkpoints, then run.",
  },
);

const CancelActionRef = lowerCaseEnum("CancelAction", "How `cancelRun` leaves the thread.", {
  INTERRUPT: "Stop; keep the steps already checkpointed.",
  ROLLBACK: "Stop; restore the thread to before the run.",
});

/** `Run`. */
export const RunRef = builder.objectRef<RunRecord>("Run").implement({
  description: "One execution of an agent on a thread.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The run's id; subscribe with `runEvents(runId)`." }),
    threadId: t.exposeID("threadId", { description: "The thread it runs on." }),
    agentId: t.exposeID("agentId", { description: "The agent it runs." }),
    status: t.field({ type: RunStatusRef, description: "Where it is.", resolve: (r) => r.status }),
    error: t.exposeString("error", {
      nullable: true,
      description: "Why it failed or was cancelled; null otherwise.",
    }),
    multitaskStrategy: t.field({
      type: MultitaskStrategyRef,
      description: "The strategy it was sent with.",
      resolve: (r) => r.multitaskStrategy,
    }),
    createdAt: t.field({
      type: "DateTime",
      description: "When it was sent.",
      resolve: (r) => r.createdAt,
    }),
    startedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it started running.",
      resolve: (r) => r.startedAt,
    }),
    endedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it ended.",
      resolve: (r) => r.endedAt,
    }),
    lastSequence: t.exposeInt("lastSequence", {
      description: "The sequence of its last event once ended; 0 before.",
    }),
    queuePosition: t.int({
      nullable: true,
      description: "While PENDING: its place in the wait queue shared by every replica " +
        "(1 = next to start). Null once it runs or ends.",
      resolve: (r, _args, { services }) => services.runs.queuePosition(r),
    }),
    attempts: t.exposeInt("attempts", {
      description: "How many times a worker claimed it: more than 1 when the replica running " +
        "it stopped and another resumed it from its last checkpoint (at most RUN_MAX_ATTEMPTS).",
    }),
  }),
});

builder.objectField(ThreadRef, "runs", (t) =>
  t.connection(
    {
      type: RunRef,
      description: "The thread's runs, newest first.",
      resolve: (thread, args, { services }) => services.runs.listForThread(thread, args),
    },
    { name: "RunConnection", description: "A page of runs." },
    { name: "RunEdge", description: "A run and its cursor." },
  ));

builder.queryField("run", (t) =>
  t.field({
    type: RunRef,
    description: "One of your runs; NOT_FOUND for an unknown id or another user's run.",
    args: { id: t.arg.id({ required: true, description: "The run's id.", validate: idRule }) },
    resolve: (_r, { id }, { services, viewer }) => services.runs.get(viewer, String(id)),
  }));

const SendMessageInputRef = builder.inputType("SendMessageInput", {
  description: "A message to an agent on a thread.",
  fields: (t) => ({
    threadId: t.id({ required: true, description: "The thread." }),
    content: t.string({
      required: true,
      description: "The message: not blank, at most MAX_MESSAGE_CHARS characters.",
    }),
    agentId: t.id({ description: "The agent for this run; the thread's agent when omitted." }),
    multitaskStrategy: t.field({
      type: MultitaskStrategyRef,
      description: "What to do if the thread is busy; REJECT when omitted.",
    }),
    requireApproval: t.boolean({
      description: "Pause for your approval of the reply before it is final (human in the loop).",
    }),
  }),
  validate: sendMessageRule,
});

function toSendInput(input: typeof SendMessageInputRef.$inferInput): SendMessageInput {
  return {
    threadId: String(input.threadId),
    content: input.content,
    agentId: input.agentId == null ? null : String(input.agentId),
    multitaskStrategy: input.multitaskStrategy,
    requireApproval: input.requireApproval,
  };
}

builder.mutationField("sendMessage", (t) =>
  t.field({
    type: RunRef,
    description:
      "Sends a message and starts a run; follow it with `runEvents`. CONFLICT when the " +
      "thread is busy under REJECT.",
    args: {
      input: t.arg({ type: SendMessageInputRef, required: true, description: "The message." }),
    },
    resolve: (_r, { input }, { services, viewer }) =>
      services.runs.sendMessage(viewer, toSendInput(input)),
  }));

const ResumeRunInput = builder.inputType("ResumeRunInput", {
  description: "The answer to a thread's pending interrupt.",
  fields: (t) => ({
    threadId: t.id({ required: true, description: "The interrupted thread." }),
    resume: t.field({
      type: "JSON",
      required: true,
      description: "The value `interrupt()` returns in the graph, e.g. `{approved: true}`, " +
        '`{edit: "..."}`, `{feedback: "..."}`, or the answer to an `ask_human` question.',
    }),
  }),
  validate: resumeRunRule,
});

builder.mutationField("resumeRun", (t) =>
  t.field({
    type: RunRef,
    description: "Continues an interrupted thread with `Command({resume})` in a new run.",
    args: { input: t.arg({ type: ResumeRunInput, required: true, description: "The answer." }) },
    resolve: (_r, { input }, { services, viewer }) =>
      services.runs.resumeRun(viewer, { threadId: String(input.threadId), resume: input.resume }),
  }));

const CancelRunInput = builder.inputType("CancelRunInput", {
  description: "A run to stop.",
  fields: (t) => ({
    runId: t.id({ required: true, description: "The run." }),
    action: t.field({ type: CancelActionRef, description: "INTERRUPT (default) or ROLLBACK." }),
  }),
  validate: cancelRunRule,
});

builder.mutationField("cancelRun", (t) =>
  t.field({
    type: RunRef,
    description: "Stops a pending or running run and returns it once stopped (status CANCELLED). " +
      "The model call is aborted. CONFLICT when the run already ended.",
    args: { input: t.arg({ type: CancelRunInput, required: true, description: "The run." }) },
    resolve: (_r, { input }, { services, viewer }) =>
      services.runs.cancelRun(viewer, { runId: String(input.runId), action: input.action }),
  }));

/**
 * A stream's items as results. Its last item may be the error that ended it
 * (too slow, or the server shutting down, with `resumeAfter`): GraphQL
 * reports an Error a resolver returns as that field's error, with its code.
 */
function passThrough(item: StreamItem): RunEvent {
  return item as RunEvent;
}

builder.subscriptionField("runEvents", (t) =>
  t.field({
    type: RunEventRef,
    description: "A run's events: those after `after`, then live ones; completes when the run " +
      "ends. Reconnect with the last `sequence` you saw as `after` to miss nothing.",
    args: {
      runId: t.arg.id({ required: true, description: "The run.", validate: idRule }),
      after: t.arg.int({
        description: "Only events with a greater sequence; 0 or omitted for all.",
        validate: z.number().int().min(0, { error: "must be 0 or more" }).nullish(),
      }),
    },
    extensions: EVENT_IS_RESULT,
    subscribe: (_r, { runId, after }, { services, viewer }) =>
      services.runs.events(viewer, String(runId), after ?? 0),
    resolve: passThrough,
  }));

builder.subscriptionField("chat", (t) =>
  t.field({
    type: RunEventRef,
    description: "`sendMessage` and `runEvents` in one: starts a run and streams it to its end.",
    args: {
      input: t.arg({ type: SendMessageInputRef, required: true, description: "The message." }),
    },
    extensions: EVENT_IS_RESULT,
    subscribe: (_r, { input }, { services, viewer }) =>
      services.runs.chat(viewer, toSendInput(input)),
    resolve: passThrough,
  }));
