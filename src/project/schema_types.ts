/**
 * The GraphQL output types of delivery plans: enums and objects. Inputs are
 * in `schema_inputs.ts`, the fields that use them in `schema.ts`.
 *
 * @module
 */
import { builder } from "../graphql/builder.ts";
import { lowerCaseEnum } from "../graphql/enums.ts";
import type { PlanRecord, TaskRecord } from "./records.ts";
import type { PhaseProgress, ProjectStatus } from "./status.ts";

/** `TaskStatus`: NOT_STARTED, IN_PROGRESS, COMPLETED, BLOCKED. */
export const TaskStatusEnum = lowerCaseEnum("TaskStatus", "Where a task stands.", {
  NOT_STARTED: "No work has begun.",
  IN_PROGRESS: "Work has begun; `startDate` is set.",
  COMPLETED: "Done; `endDate` is set.",
  BLOCKED: "Work cannot go on for now.",
});

/** `TaskPriority`: HIGH, MEDIUM, LOW. */
export const TaskPriorityEnum = lowerCaseEnum(
  "TaskPriority",
  "How urgent a task is. `nextTasks` puts HIGH first, then MEDIUM, then LOW.",
  {
    HIGH: "Do first.",
    MEDIUM: "Do after the high-priority tasks.",
    LOW: "Do last.",
  },
);

/** `CurrentPhaseBasis`: why a phase is current. */
export const CurrentPhaseBasisEnum = lowerCaseEnum(
  "CurrentPhaseBasis",
  "Why a phase is the current phase.",
  {
    SCHEDULE: "Its window (start to target end day, inclusive, UTC) contains today and " +
      "it is not completed.",
    EARLIEST_UNFINISHED:
      "No unfinished phase's window contains today, so the earliest unfinished " +
      "phase in plan order is current: the first phase before the plan starts, the overdue " +
      "one when work runs late, the next one when work runs early.",
  },
);

/** `ProjectPlan`. */
export const ProjectPlanRef = builder.objectRef<PlanRecord>("ProjectPlan").implement({
  description: "A delivery plan: phases with date windows, and tasks with dependencies. " +
    "The shared default plan is readable by everyone; an imported plan only by its owner.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The plan's id; `default` for the shared plan." }),
    name: t.exposeString("name", { description: "The plan's name." }),
    description: t.exposeString("description", { description: "What the plan delivers." }),
    isDefault: t.exposeBoolean("isDefault", {
      description: "True for the deployment's shared default plan.",
    }),
    ownedByViewer: t.boolean({
      description: "True when the viewer imported this plan.",
      resolve: (plan, _args, { viewer }) => !plan.isDefault && plan.ownerId === viewer.id,
    }),
    baseDate: t.exposeString("baseDate", {
      description: "The day the plan counts its weeks from (YYYY-MM-DD, UTC).",
    }),
    createdAt: t.field({
      type: "DateTime",
      description: "When the plan was created.",
      resolve: (p) => p.createdAt,
    }),
    updatedAt: t.field({
      type: "DateTime",
      description: "When any task of the plan last changed.",
      resolve: (p) => p.updatedAt,
    }),
  }),
});

/** `ProjectPhase`: a phase with its progress. */
export const ProjectPhaseRef = builder.objectRef<PhaseProgress>("ProjectPhase").implement({
  description: "A phase of a plan, with its progress.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The phase's id within its plan, e.g. `phase_1`." }),
    planId: t.exposeID("planId", { description: "The plan it belongs to." }),
    name: t.exposeString("name", { description: "The phase's name." }),
    description: t.exposeString("description", { description: "What the phase covers." }),
    startDate: t.exposeString("startDate", {
      description: "First day of the phase's window (YYYY-MM-DD, UTC).",
    }),
    targetEndDate: t.exposeString("targetEndDate", {
      description: "Last day of the phase's window (YYYY-MM-DD, UTC).",
    }),
    totalTasks: t.exposeInt("totalTasks", { description: "How many tasks the phase has." }),
    completedTasks: t.exposeInt("completedTasks", {
      description: "How many of its tasks are completed.",
    }),
    completion: t.exposeFloat("completion", {
      description: "Percent of the phase's tasks completed, 0 to 100 (100 with no tasks).",
    }),
    isCompleted: t.exposeBoolean("isCompleted", {
      description: "True when every task of the phase is completed.",
    }),
    isOverdue: t.exposeBoolean("isOverdue", {
      description: "True when the phase is not completed and its target end day has passed.",
    }),
  }),
});

/** `ProjectTask`. */
export const ProjectTaskRef = builder.objectRef<TaskRecord>("ProjectTask").implement({
  description: "A task of a plan.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The task's id within its plan, e.g. `arch_001`." }),
    planId: t.exposeID("planId", { description: "The plan it belongs to." }),
    phaseId: t.exposeID("phaseId", { description: "The phase it belongs to." }),
    name: t.exposeString("name", { description: "The task's name." }),
    description: t.exposeString("description", { description: "What the task involves." }),
    priority: t.field({
      type: TaskPriorityEnum,
      description: "How urgent it is.",
      resolve: (task) => task.priority,
    }),
    status: t.field({
      type: TaskStatusEnum,
      description: "Where it stands.",
      resolve: (task) => task.status,
    }),
    estimatedHours: t.exposeFloat("estimatedHours", { description: "Estimated effort in hours." }),
    assignee: t.exposeString("assignee", {
      nullable: true,
      description: "The user id it is assigned to; null when nobody.",
    }),
    dependencies: t.exposeIDList("dependencies", {
      description: "Ids of the tasks that must be completed before this one.",
    }),
    unfinishedDependencies: t.exposeIDList("unfinishedDependencies", {
      description: "The dependencies not yet completed.",
    }),
    startDate: t.field({
      type: "DateTime",
      nullable: true,
      description: "When work began: set when the task first goes IN_PROGRESS.",
      resolve: (task) => task.startDate,
    }),
    endDate: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the task was completed.",
      resolve: (task) => task.endDate,
    }),
    updatedAt: t.field({
      type: "DateTime",
      description: "When the task last changed.",
      resolve: (task) => task.updatedAt,
    }),
  }),
});

/** `ProjectStatus`: the shape DESIGN.md names, and more. */
export const ProjectStatusRef = builder.objectRef<ProjectStatus>("ProjectStatus").implement({
  description: "A plan's progress today: totals, completion, the current phase, each phase.",
  fields: (t) => ({
    planId: t.exposeID("planId", { description: "The plan." }),
    planName: t.exposeString("planName", { description: "The plan's name." }),
    asOf: t.exposeString("asOf", {
      description: "The UTC day (YYYY-MM-DD) the status was computed for.",
    }),
    totalPhases: t.exposeInt("totalPhases", { description: "How many phases the plan has." }),
    completedPhases: t.exposeInt("completedPhases", {
      description: "How many phases have every task completed.",
    }),
    totalTasks: t.exposeInt("totalTasks", { description: "How many tasks the plan has." }),
    completedTasks: t.exposeInt("completedTasks", { description: "How many tasks are completed." }),
    inProgressTasks: t.exposeInt("inProgressTasks", {
      description: "How many tasks are in progress.",
    }),
    blockedTasks: t.exposeInt("blockedTasks", { description: "How many tasks are blocked." }),
    notStartedTasks: t.exposeInt("notStartedTasks", {
      description: "How many tasks are not started.",
    }),
    overallCompletion: t.exposeFloat("overallCompletion", {
      description: "Percent of all tasks completed, 0 to 100.",
    }),
    currentPhase: t.field({
      type: ProjectPhaseRef,
      nullable: true,
      description: "The current phase (see `currentPhaseBasis`); null when every phase is " +
        "completed.",
      resolve: (s) => s.currentPhase,
    }),
    currentPhaseBasis: t.field({
      type: CurrentPhaseBasisEnum,
      nullable: true,
      description: "Why `currentPhase` is current; null when there is none.",
      resolve: (s) => s.currentPhaseBasis,
    }),
    phases: t.field({
      type: [ProjectPhaseRef],
      description: "Every phase in plan order, with its completion.",
      resolve: (s) => s.phases,
    }),
  }),
});
