/**
 * The plan as JSON: what `importPlan` accepts and `exportPlan` returns. An
 * exported document imports back into an identical plan, so every field the
 * database keeps is in it: phases with their windows, and tasks with their
 * status, assignee, dependencies and dates.
 *
 * @example
 * ```ts
 * const parsed = planDocumentSchema.safeParse({
 *   name: "Launch",
 *   phases: [{ id: "p1", name: "Build", startDate: "2026-03-02", targetEndDate: "2026-03-16" }],
 *   tasks: [{ id: "t1", phaseId: "p1", name: "Write it", priority: "high", estimatedHours: 8 }],
 * });
 * console.log(parsed.success && parsed.data.tasks[0]?.status); // "not_started"
 * ```
 * @module
 */
import { z } from "zod";
import { findPlanProblems } from "./plan_checks.ts";

/** The `format` tag of an exported plan. */
export const PLAN_FORMAT = "graphmind.project-plan";
/** The version of the format this code writes and reads. */
export const PLAN_FORMAT_VERSION = 1;

/** Task priorities, most urgent first. */
export const TASK_PRIORITIES = ["high", "medium", "low"] as const;
/** One of {@linkcode TASK_PRIORITIES}. */
export type TaskPriority = typeof TASK_PRIORITIES[number];

/** Task statuses as stored and as written in plan documents. */
export const TASK_STATUSES = ["not_started", "in_progress", "completed", "blocked"] as const;
/** One of {@linkcode TASK_STATUSES}. */
export type TaskStatus = typeof TASK_STATUSES[number];

/** Size limits of one plan, so an import cannot exhaust the server. */
export const PLAN_LIMITS = { phases: 100, tasks: 2000, dependencies: 100 } as const;

/** Phase and task ids: short, URL-safe, readable in error messages. */
export const planIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
  error: "expected 1 to 64 letters, digits, `_`, `.` or `-`, starting with a letter or digit",
});

const title = z.string().trim().min(1, { error: "must not be empty" }).max(200, {
  error: "must be at most 200 characters",
});
const description = z.string().max(5000, { error: "must be at most 5000 characters" })
  .default("");
const day = z.iso.date({ error: "expected a calendar day as YYYY-MM-DD" });
const instant = z.iso.datetime({
  offset: true,
  error: "expected an ISO 8601 date-time such as 2026-03-02T09:00:00Z",
}).transform((value) => new Date(value).toISOString()).nullable().default(null);

const phaseSchema = z.strictObject({
  id: planIdSchema,
  name: title,
  description,
  startDate: day,
  targetEndDate: day,
}).refine((phase) => phase.targetEndDate >= phase.startDate, {
  error: "targetEndDate must not be before startDate",
  path: ["targetEndDate"],
});

const taskSchema = z.strictObject({
  id: planIdSchema,
  phaseId: planIdSchema,
  name: title,
  description,
  priority: z.enum(TASK_PRIORITIES, { error: "expected high, medium or low" }),
  estimatedHours: z.number().min(0, { error: "must not be negative" }).max(10000, {
    error: "must be at most 10000",
  }),
  status: z.enum(TASK_STATUSES, {
    error: "expected not_started, in_progress, completed or blocked",
  }).default("not_started"),
  assignee: z.string().trim().min(1, { error: "must not be empty; use null for nobody" })
    .max(200, { error: "must be at most 200 characters" }).nullable().default(null),
  dependencies: z.array(planIdSchema).max(PLAN_LIMITS.dependencies, {
    error: `at most ${PLAN_LIMITS.dependencies} dependencies per task`,
  }).default([]),
  startDate: instant,
  endDate: instant,
});

/** Validates and normalises a plan document, checking ids and dependencies. */
export const planDocumentSchema = z.strictObject({
  format: z.literal(PLAN_FORMAT, { error: `expected "${PLAN_FORMAT}"` }).optional(),
  version: z.literal(PLAN_FORMAT_VERSION, {
    error: `expected ${PLAN_FORMAT_VERSION}, the only version this server reads`,
  }).optional(),
  name: title,
  description,
  baseDate: day.optional(),
  phases: z.array(phaseSchema).min(1, { error: "a plan needs at least one phase" })
    .max(PLAN_LIMITS.phases, { error: `at most ${PLAN_LIMITS.phases} phases` }),
  tasks: z.array(taskSchema).max(PLAN_LIMITS.tasks, {
    error: `at most ${PLAN_LIMITS.tasks} tasks`,
  }),
}, { error: "expected a plan object with name, phases and tasks" }).superRefine((plan, ctx) => {
  for (const problem of findPlanProblems(plan)) {
    ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
  }
}).transform((plan): PlanDocument => ({
  format: PLAN_FORMAT,
  version: PLAN_FORMAT_VERSION,
  name: plan.name,
  description: plan.description,
  // Without a base date the plan starts when its first phase does.
  baseDate: plan.baseDate ?? plan.phases.map((p) => p.startDate).sort()[0] as string,
  phases: plan.phases,
  tasks: plan.tasks,
}));

/** A phase as written in a plan document. */
export interface PhaseDocument {
  id: string;
  name: string;
  description: string;
  /** First day of the window, YYYY-MM-DD. */
  startDate: string;
  /** Last day of the window, YYYY-MM-DD. */
  targetEndDate: string;
}

/** A task as written in a plan document. */
export interface TaskDocument {
  id: string;
  phaseId: string;
  name: string;
  description: string;
  priority: TaskPriority;
  estimatedHours: number;
  status: TaskStatus;
  assignee: string | null;
  dependencies: string[];
  /** ISO 8601 instant, or null. */
  startDate: string | null;
  /** ISO 8601 instant, or null. */
  endDate: string | null;
}

/** A whole, valid plan: the output of {@linkcode planDocumentSchema}. */
export interface PlanDocument {
  format: typeof PLAN_FORMAT;
  version: typeof PLAN_FORMAT_VERSION;
  name: string;
  description: string;
  /** The day the plan counts its weeks from, YYYY-MM-DD. */
  baseDate: string;
  phases: PhaseDocument[];
  tasks: TaskDocument[];
}
