/**
 * GraphQL types of conversation content shared by threads and run events:
 * `Message`, `ToolCall`, `Interrupt` and `Checkpoint`.
 *
 * @module
 */
import { builder } from "../graphql/builder.ts";
import { lowerCaseEnum } from "../graphql/enums.ts";
import type { MessageView, ToolCallView } from "./messages.ts";
import type { InterruptView, StateView } from "./state.ts";

/** `MessageRole`. */
export const MessageRoleRef = lowerCaseEnum("MessageRole", "Who wrote a message.", {
  USER: "The person using the agent.",
  ASSISTANT: "The agent's model.",
  SYSTEM: "Instructions to the model.",
  TOOL: "A tool's result.",
});

/** `ToolCall`. */
export const ToolCallRef = builder.objectRef<ToolCallView>("ToolCall").implement({
  description: "A tool call an assistant message asks for.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The call's id; the tool result's `toolCallId`." }),
    name: t.exposeString("name", { description: "The tool's name." }),
    args: t.field({
      type: "JSON",
      description: "The arguments, as a JSON object.",
      resolve: (c) => c.args,
    }),
  }),
});

/** `Message`. */
export const MessageRef = builder.objectRef<MessageView>("Message").implement({
  description: "One message of a conversation.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Stable id; token events carry it as `messageId`." }),
    role: t.field({ type: MessageRoleRef, description: "Who wrote it.", resolve: (m) => m.role }),
    content: t.exposeString("content", { description: "Its text." }),
    toolCalls: t.field({
      type: [ToolCallRef],
      description: "The tools an assistant message calls; empty otherwise.",
      resolve: (m) => m.toolCalls,
    }),
    toolCallId: t.exposeString("toolCallId", {
      nullable: true,
      description: "On a tool result: the id of the call it answers.",
    }),
    name: t.exposeString("name", {
      nullable: true,
      description: "On a tool result: the tool. On an assistant message: the agent or step that " +
        "wrote it when it is not the thread's agent itself (e.g. `research` for a supervisor's " +
        "worker, `outline` or `draft` for the content agent).",
    }),
    artifact: t.field({
      type: "JSON",
      nullable: true,
      description: "On a tool result: the structured output of the tool, e.g. a Vega-Lite " +
        'chart specification (`{type: "vega-lite", spec}`); never sent to the model.',
      resolve: (m) => m.artifact ?? null,
    }),
  }),
});

/** `Interrupt`. */
export const InterruptRef = builder.objectRef<InterruptView>("Interrupt").implement({
  description: "A pause for human input: answer it with `resumeRun`.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The interrupt's id." }),
    node: t.exposeString("node", { description: "The graph node that paused." }),
    value: t.field({
      type: "JSON",
      nullable: true,
      description: 'What the agent asks, e.g. `{type: "approval", draft}` or ' +
        '`{type: "question", question}`.',
      resolve: (i) => i.value,
    }),
  }),
});

/** `Checkpoint`. */
export const CheckpointRef = builder.objectRef<StateView>("Checkpoint").implement({
  description: "The thread's state after one step of a run; pass its id to `forkThread`.",
  fields: (t) => ({
    id: t.id({ description: "The checkpoint's id.", resolve: (c) => c.checkpointId ?? "" }),
    parentId: t.id({
      nullable: true,
      description: "The checkpoint before it.",
      resolve: (c) => c.parentId,
    }),
    createdAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it was written.",
      resolve: (c) => c.createdAt,
    }),
    step: t.int({ nullable: true, description: "The step: -1 for input.", resolve: (c) => c.step }),
    source: t.exposeString("source", {
      nullable: true,
      description: "What wrote it: `input`, `loop`, `update` or `fork`.",
    }),
    next: t.exposeStringList("next", { description: "The nodes due to run next." }),
    messages: t.field({
      type: [MessageRef],
      description: "The conversation at this point.",
      resolve: (c) => c.messages,
    }),
    values: t.field({
      type: "JSON",
      description: "The whole state at this point.",
      resolve: (c) => c.values,
    }),
    interrupts: t.field({
      type: [InterruptRef],
      description: "Interrupts pending at this point.",
      resolve: (c) => c.interrupts,
    }),
  }),
});
