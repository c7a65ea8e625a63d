/**
 * Delivery plans over GraphQL: `projectStatus`, `phases`, `currentPhase`,
 * `tasks`, `task`, `nextTasks`, `plans`, `plan` and `exportPlan`; the
 * mutations `updateTaskStatus`, `assignTask` and `importPlan`; and the
 * `projectStatusChanged` subscription. Every `planId` defaults to the shared
 * default plan.
 *
 * @module
 */
import { z } from "zod";
import { builder } from "../graphql/builder.ts";
import { NEXT_TASKS_LIMIT } from "./service.ts";
import { planIdSchema } from "./plan_document.ts";
import {
  ProjectPhaseRef,
  ProjectPlanRef,
  ProjectStatusRef,
  ProjectTaskRef,
} from "./schema_types.ts";
import {
  AssignTaskInput,
  ImportPlanInput,
  ProjectTaskFilterInput,
  UpdateTaskStatusInput,
} from "./schema_inputs.ts";

const PLAN_ID_DESCRIPTION = "The plan; the shared default plan when omitted.";

builder.queryField("projectStatus", (t) =>
  t.field({
    type: ProjectStatusRef,
    description: "A plan's progress today: totals, completion, current phase and each phase.",
    args: { planId: t.arg.id({ description: PLAN_ID_DESCRIPTION }) },
    resolve: (_root, { planId }, { viewer, services }) =>
      services.project.status(viewer, planId?.toString()),
  }));

builder.queryField("phases", (t) =>
  t.field({
    type: [ProjectPhaseRef],
    description: "A plan's phases in plan order, each with its completion and `isCompleted`.",
    args: { planId: t.arg.id({ description: PLAN_ID_DESCRIPTION }) },
    resolve: (_root, { planId }, { viewer, services }) =>
      services.project.phases(viewer, planId?.toString()),
  }));

builder.queryField("currentPhase", (t) =>
  t.field({
    type: ProjectPhaseRef,
    nullable: true,
    description: "The phase whose window contains today (UTC) and that is not completed. " +
      "When none does, the earliest unfinished phase in plan order; null only when every " +
      "phase is completed. `projectStatus.currentPhaseBasis` says which rule applied.",
    args: { planId: t.arg.id({ description: PLAN_ID_DESCRIPTION }) },
    resolve: (_root, { planId }, { viewer, services }) =>
      services.project.currentPhase(viewer, planId?.toString()),
  }));

builder.queryField("tasks", (t) =>
  t.connection(
    {
      type: ProjectTaskRef,
      description: "A plan's tasks in plan order, optionally filtered.",
      args: {
        planId: t.arg.id({ description: PLAN_ID_DESCRIPTION }),
        filter: t.arg({ type: ProjectTaskFilterInput, description: "Which tasks to return." }),
      },
      resolve: (_root, args, { viewer, services }) =>
        services.project.tasks(viewer, args.planId?.toString(), {
          phaseId: args.filter?.phaseId?.toString() ?? undefined,
          status: args.filter?.status ?? undefined,
          priority: args.filter?.priority ?? undefined,
          assignee: args.filter?.assignee ?? undefined,
        }, args),
    },
    { name: "ProjectTaskConnection", description: "A page of tasks." },
    { name: "ProjectTaskEdge", description: "A task and its cursor." },
  ));

builder.queryField("task", (t) =>
  t.field({
    type: ProjectTaskRef,
    description: "One task of a plan; NOT_FOUND when the plan has no such task.",
    args: {
      planId: t.arg.id({ description: PLAN_ID_DESCRIPTION }),
      id: t.arg.id({ required: true, description: "The task's id, e.g. `arch_001`." }),
    },
    resolve: (_root, { planId, id }, { viewer, services }) =>
      services.project.task(viewer, planId?.toString(), id.toString()),
  }));

builder.queryField("nextTasks", (t) =>
  t.field({
    type: [ProjectTaskRef],
    description: "Tasks that can start now: not started, every dependency completed. By " +
      "default from the current phase; ordered by priority (HIGH, MEDIUM, LOW), then by " +
      "fewer estimated hours, then plan order.",
    args: {
      planId: t.arg.id({ description: PLAN_ID_DESCRIPTION }),
      limit: t.arg.int({
        description: `How many tasks at most, 1 to ${NEXT_TASKS_LIMIT.max}; ` +
          `${NEXT_TASKS_LIMIT.default} when omitted.`,
        validate: z.int().min(1).max(NEXT_TASKS_LIMIT.max).nullish(),
      }),
      phaseId: t.arg.id({
        description: "Take the tasks from this phase instead.",
        validate: planIdSchema.nullish(),
      }),
      allPhases: t.arg.boolean({ description: "Take the tasks from every phase." }),
    },
    resolve: (_root, args, { viewer, services }) =>
      services.project.nextTasks(viewer, {
        planId: args.planId?.toString(),
        limit: args.limit,
        phaseId: args.phaseId?.toString(),
        allPhases: args.allPhases,
      }),
  }));

builder.queryField("plans", (t) =>
  t.connection(
    {
      type: ProjectPlanRef,
      description: "The shared default plan and the plans the viewer imported, oldest first.",
      resolve: (_root, args, { viewer, services }) => services.project.plans(viewer, args),
    },
    { name: "ProjectPlanConnection", description: "A page of plans." },
    { name: "ProjectPlanEdge", description: "A plan and its cursor." },
  ));

builder.queryField("plan", (t) =>
  t.field({
    type: ProjectPlanRef,
    description: "One plan; NOT_FOUND when it is missing or not the viewer's.",
    args: { id: t.arg.id({ description: PLAN_ID_DESCRIPTION }) },
    resolve: (_root, { id }, { viewer, services }) => services.project.plan(viewer, id?.toString()),
  }));

builder.queryField("exportPlan", (t) =>
  t.field({
    type: "JSON",
    description: "A plan as a JSON document that `importPlan` turns back into the same plan.",
    args: { planId: t.arg.id({ description: PLAN_ID_DESCRIPTION }) },
    resolve: (_root, { planId }, { viewer, services }) =>
      services.project.exportPlan(viewer, planId?.toString()),
  }));

builder.mutationField("updateTaskStatus", (t) =>
  t.field({
    type: ProjectTaskRef,
    description: "Moves a task to a status. IN_PROGRESS sets its start date, COMPLETED its " +
      "end date. Completing a task whose dependencies are unfinished is a CONFLICT unless an " +
      "admin passes `force: true`. In the shared plan only admins and the task's assignee may " +
      "change it (FORBIDDEN otherwise).",
    args: {
      input: t.arg({ type: UpdateTaskStatusInput, required: true, description: "The change." }),
    },
    resolve: (_root, { input }, { viewer, services }) =>
      services.project.updateTaskStatus(viewer, input),
  }));

builder.mutationField("assignTask", (t) =>
  t.field({
    type: ProjectTaskRef,
    description: "Assigns a task to a user, or unassigns it. In the shared plan only admins " +
      "and the task's current assignee may do this.",
    args: { input: t.arg({ type: AssignTaskInput, required: true, description: "The change." }) },
    resolve: (_root, { input }, { viewer, services }) => services.project.assignTask(viewer, input),
  }));

builder.mutationField("importPlan", (t) =>
  t.field({
    type: ProjectPlanRef,
    description: "Creates a plan owned by the viewer from a plan document. Unknown " +
      "dependencies, dependency cycles, duplicate ids and tasks outside any phase are " +
      "BAD_USER_INPUT naming each problem, and nothing is written.",
    args: { input: t.arg({ type: ImportPlanInput, required: true, description: "The plan." }) },
    resolve: (_root, { input }, { viewer, services }) =>
      services.project.importPlan(viewer, input.plan),
  }));

builder.subscriptionField("projectStatusChanged", (t) =>
  t.field({
    type: ProjectStatusRef,
    description: "A plan's status after every change to it. Changes made in quick succession " +
      "may arrive as one status, which always reflects the latest change.",
    args: {
      planId: t.arg.id({ description: PLAN_ID_DESCRIPTION }),
      initial: t.arg.boolean({
        description: "Also send the current status first, before any change.",
      }),
    },
    subscribe: (_root, { planId, initial }, { viewer, services }) =>
      services.project.statusChanges(viewer, planId?.toString(), { initial: initial === true }),
    resolve: (changedPlanId: string, _args, { viewer, services }) =>
      services.project.status(viewer, changedPlanId),
  }));
