/**
 * Threads in GraphQL: the `Thread` type, `thread`, `threads`, and the
 * create, update, delete, copy and fork mutations.
 *
 * @module
 */
import { builder } from "../graphql/builder.ts";
import { lowerCaseEnum } from "../graphql/enums.ts";
import { AgentRef } from "../agents/schema.ts";
import type { ThreadFilter, ThreadRecord, ThreadStatus } from "./store.ts";
import { CheckpointRef, InterruptRef, MessageRef } from "./schema_types.ts";
import { idRule } from "../core/rules.ts";
import {
  createThreadRule,
  forkThreadRule,
  threadFilterRule,
  threadIdRule,
  updateThreadRule,
} from "./inputs.ts";

/** `ThreadStatus`. */
export const ThreadStatusRef = lowerCaseEnum("ThreadStatus", "What a thread is doing.", {
  IDLE: "No run is active; send a message.",
  BUSY: "A run is pending or running.",
  INTERRUPTED: "Waiting for `resumeRun`.",
  ERROR: "The last run failed; the thread is still usable.",
});

/** `Thread`. */
export const ThreadRef = builder.objectRef<ThreadRecord>("Thread").implement({
  description: "A conversation with an agent. Its messages live in checkpoints.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The thread's id." }),
    agentId: t.exposeID("agentId", { description: "The agent runs use unless they name one." }),
    agent: t.field({
      type: AgentRef,
      nullable: true,
      description: "The thread's agent; null if it was removed from the registry.",
      resolve: (th, _a, { services }) => services.agents.find(th.agentId)?.info ?? null,
    }),
    title: t.exposeString("title", { nullable: true, description: "A title for lists." }),
    status: t.field({
      type: ThreadStatusRef,
      description: "Idle, busy, interrupted or error.",
      resolve: (th) => th.status,
    }),
    metadata: t.field({
      type: "JSON",
      description: "Free-form JSON object; filter `threads` by it.",
      resolve: (th) => th.metadata,
    }),
    createdAt: t.field({
      type: "DateTime",
      description: "Creation time.",
      resolve: (th) => th.createdAt,
    }),
    updatedAt: t.field({
      type: "DateTime",
      description: "Last change to the row (title, metadata, status).",
      resolve: (th) => th.updatedAt,
    }),
    messages: t.field({
      type: [MessageRef],
      description: "The conversation, oldest first, from the latest checkpoint.",
      resolve: async (th, _a, { services }) => (await services.threads.state(th)).messages,
    }),
    values: t.field({
      type: "JSON",
      description: "The whole graph state at the latest checkpoint.",
      resolve: async (th, _a, { services }) => (await services.threads.state(th)).values,
    }),
    checkpointId: t.id({
      nullable: true,
      description: "The latest checkpoint's id; null before the first run.",
      resolve: async (th, _a, { services }) => (await services.threads.state(th)).checkpointId,
    }),
    interrupts: t.field({
      type: [InterruptRef],
      description: "Pending interrupts: answer them with `resumeRun`.",
      resolve: async (th, _a, { services }) => (await services.threads.state(th)).interrupts,
    }),
    history: t.connection(
      {
        type: CheckpointRef,
        description: "Checkpoints, newest first: the thread's past states, for time travel.",
        resolve: (th, args, { services }) => services.threads.history(th, args),
      },
      { name: "CheckpointConnection", description: "A page of checkpoints." },
      { name: "CheckpointEdge", description: "A checkpoint and its cursor." },
    ),
  }),
});

const ThreadFilterInput = builder.inputType("ThreadFilter", {
  description: "Narrows `threads`; every given field must match.",
  fields: (t) => ({
    agentId: t.id({ description: "Only this agent's threads." }),
    status: t.field({ type: ThreadStatusRef, description: "Only threads in this status." }),
    metadata: t.field({
      type: "JSON",
      description: "Only threads whose metadata contains these key/values.",
    }),
  }),
  validate: threadFilterRule,
});

builder.queryField("thread", (t) =>
  t.field({
    type: ThreadRef,
    description: "One of your threads; NOT_FOUND for an unknown id or another user's thread.",
    args: { id: t.arg.id({ required: true, description: "The thread's id.", validate: idRule }) },
    resolve: (_r, { id }, { services, viewer }) => services.threads.get(viewer, String(id)),
  }));

builder.queryField("threads", (t) =>
  t.connection(
    {
      type: ThreadRef,
      description: "Your threads, newest first.",
      args: { filter: t.arg({ type: ThreadFilterInput, description: "Narrows the list." }) },
      resolve: (_r, args, { services, viewer }) =>
        services.threads.list(viewer, {
          ...args,
          filter: args.filter as ThreadFilter | null | undefined,
        }),
    },
    { name: "ThreadConnection", description: "A page of threads." },
    { name: "ThreadEdge", description: "A thread and its cursor." },
  ));

const CreateThreadInput = builder.inputType("CreateThreadInput", {
  description: "A new thread.",
  fields: (t) => ({
    agentId: t.id({ description: "Its agent; the default agent (`supervisor`) when omitted." }),
    title: t.string({ description: "A title, up to 500 characters." }),
    metadata: t.field({ type: "JSON", description: "A JSON object, up to 16 KiB." }),
  }),
  validate: createThreadRule,
});

builder.mutationField("createThread", (t) =>
  t.field({
    type: ThreadRef,
    description: "Starts a thread; NOT_FOUND when `agentId` names no agent.",
    args: { input: t.arg({ type: CreateThreadInput, required: true, description: "The thread." }) },
    resolve: (_r, { input }, { services, viewer }) =>
      services.threads.create(viewer, {
        agentId: input.agentId === null || input.agentId === undefined
          ? null
          : String(input.agentId),
        title: input.title,
        metadata: input.metadata as Record<string, unknown> | null | undefined,
      }),
  }));

const UpdateThreadInput = builder.inputType("UpdateThreadInput", {
  description: "Changes to a thread; omitted fields stay as they are.",
  fields: (t) => ({
    threadId: t.id({ required: true, description: "The thread." }),
    title: t.string({ description: "The new title." }),
    metadata: t.field({
      type: "JSON",
      description: "Keys to set, merged into the existing metadata (top-level keys replaced).",
    }),
  }),
  validate: updateThreadRule,
});

builder.mutationField("updateThread", (t) =>
  t.field({
    type: ThreadRef,
    description: "Changes a thread's title or metadata.",
    args: {
      input: t.arg({ type: UpdateThreadInput, required: true, description: "The changes." }),
    },
    resolve: (_r, { input }, { services, viewer }) =>
      services.threads.update(viewer, {
        threadId: String(input.threadId),
        title: input.title,
        metadata: input.metadata as Record<string, unknown> | null | undefined,
      }),
  }));

const ThreadIdInput = builder.inputType("ThreadIdInput", {
  description: "Names one thread.",
  fields: (t) => ({ threadId: t.id({ required: true, description: "The thread." }) }),
  validate: threadIdRule,
});

builder.mutationField("deleteThread", (t) =>
  t.id({
    description: "Deletes a thread with its checkpoints, runs and events, stopping any active " +
      "run first. Returns the deleted thread's id.",
    args: { input: t.arg({ type: ThreadIdInput, required: true, description: "The thread." }) },
    resolve: (_r, { input }, { services, viewer }) =>
      services.threads.remove(viewer, String(input.threadId)),
  }));

builder.mutationField("copyThread", (t) =>
  t.field({
    type: ThreadRef,
    description: "A new thread with the same agent, title, metadata and whole checkpoint history.",
    args: { input: t.arg({ type: ThreadIdInput, required: true, description: "The thread." }) },
    resolve: (_r, { input }, { services, viewer }) =>
      services.threads.copy(viewer, String(input.threadId)),
  }));

const ForkThreadInput = builder.inputType("ForkThreadInput", {
  description: "Where to fork from.",
  fields: (t) => ({
    threadId: t.id({ required: true, description: "The thread." }),
    checkpointId: t.id({
      required: true,
      description: "A checkpoint from the thread's `history`.",
    }),
  }),
  validate: forkThreadRule,
});

builder.mutationField("forkThread", (t) =>
  t.field({
    type: ThreadRef,
    description: "Time travel: a new thread whose state is the given past checkpoint, so the " +
      "conversation can continue differently from there. The original is unchanged.",
    args: {
      input: t.arg({ type: ForkThreadInput, required: true, description: "The fork point." }),
    },
    resolve: (_r, { input }, { services, viewer }) =>
      services.threads.fork(viewer, {
        threadId: String(input.threadId),
        checkpointId: String(input.checkpointId),
      }),
  }));

/** The status type, re-exported for run schemas. */
export type { ThreadStatus };
