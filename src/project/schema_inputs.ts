/**
 * The GraphQL inputs of delivery plans. Every mutation input is validated
 * with zod before a resolver runs; failures are BAD_USER_INPUT naming each
 * field (see src/core/validation.ts).
 *
 * @module
 */
import { z } from "zod";
import { builder } from "../graphql/builder.ts";
import {
  planDocumentSchema,
  planIdSchema,
  TASK_PRIORITIES,
  TASK_STATUSES,
} from "./plan_document.ts";
import { TaskPriorityEnum, TaskStatusEnum } from "./schema_types.ts";

const planIdField = z.string().min(1, { error: "must not be empty" }).max(100, {
  error: "must be at most 100 characters",
}).nullish();

/** A user id as tasks name their assignee; `blank` says what to send instead of a blank one. */
const assigneeRule = (blank: string) =>
  z.string().trim().min(1, { error: blank }).max(200, { error: "must be at most 200 characters" });

/** `ProjectTaskFilter`, validated with zod. */
export const ProjectTaskFilterInput = builder.inputType("ProjectTaskFilter", {
  description: "Narrows `tasks`; every given field must match.",
  fields: (t) => ({
    phaseId: t.id({ description: "Only tasks of this phase." }),
    status: t.field({ type: TaskStatusEnum, description: "Only tasks with this status." }),
    priority: t.field({ type: TaskPriorityEnum, description: "Only tasks with this priority." }),
    assignee: t.string({ description: "Only tasks assigned to this user id." }),
  }),
}).validate(z.object({
  // A filter answers an unknown value with an empty list, so a malformed one is refused here.
  phaseId: planIdSchema.nullish(),
  status: z.enum(TASK_STATUSES).nullish(),
  priority: z.enum(TASK_PRIORITIES).nullish(),
  assignee: assigneeRule("must not be blank").nullish(),
}));

/** `UpdateTaskStatusInput`, validated with zod. */
export const UpdateTaskStatusInput = builder.inputType("UpdateTaskStatusInput", {
  description: "Moves a task to a new status.",
  fields: (t) => ({
    planId: t.id({ description: "The plan; the shared default plan when omitted." }),
    taskId: t.id({ required: true, description: "The task, e.g. `arch_001`." }),
    status: t.field({ type: TaskStatusEnum, required: true, description: "The new status." }),
    force: t.boolean({
      description: "Admins only: complete the task even though dependencies are unfinished.",
    }),
  }),
}).validate(z.object({
  planId: planIdField,
  taskId: planIdSchema,
  status: z.enum(TASK_STATUSES),
  force: z.boolean().nullish(),
}));

/** `AssignTaskInput`, validated with zod; `assignee` becomes null when omitted. */
export const AssignTaskInput = builder.inputType("AssignTaskInput", {
  description: "Assigns a task to a user, or unassigns it.",
  fields: (t) => ({
    planId: t.id({ description: "The plan; the shared default plan when omitted." }),
    taskId: t.id({ required: true, description: "The task, e.g. `arch_001`." }),
    assignee: t.string({
      description: "The user id (a token's `sub`) to assign; null or omitted unassigns.",
    }),
  }),
}).validate(z.object({
  planId: planIdField,
  taskId: planIdSchema,
  assignee: assigneeRule("must not be empty; pass null to unassign").nullish()
    .transform((value) => value ?? null),
}));

/** `ImportPlanInput`: its `plan` is parsed into a plan document. */
export const ImportPlanInput = builder.inputType("ImportPlanInput", {
  description: "A plan document to import as a new plan owned by the viewer.",
  fields: (t) => ({
    plan: t.field({
      type: "JSON",
      required: true,
      description: "The plan document, as `exportPlan` returns it: `{name, description, " +
        "baseDate, phases: [{id, name, description, startDate, targetEndDate}], tasks: [{id, " +
        "phaseId, name, description, priority, estimatedHours, status, assignee, " +
        "dependencies, startDate, endDate}]}`. Statuses and priorities are lower case " +
        "(`not_started`, `high`).",
    }),
  }),
}).validate(z.object({ plan: planDocumentSchema }));
