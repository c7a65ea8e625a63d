/**
 * Who may read and change a plan.
 * - The shared default plan: every authenticated user reads it; admins and
 *   a task's assignee change that task (status and assignee).
 * - An imported plan: only its owner reads or changes it. To everyone else,
 *   admins included, it does not exist (NOT_FOUND, never FORBIDDEN, so its
 *   id reveals nothing).
 * - Forcing a task to completed past unfinished dependencies needs the
 *   admin role, in any plan.
 *
 * @example
 * ```ts
 * if (!canReadPlan(viewer, plan)) throw planNotFound(plan.id);
 * ```
 * @module
 */
import type { Viewer } from "../auth/mod.ts";
import { NotFoundError } from "../core/errors.ts";
import type { PlanRecord, TaskRecord } from "./records.ts";

/** The role that administers the default plan and may force completions. */
export const ADMIN_ROLE = "admin";

/** True when the viewer has the admin role. */
export function isAdmin(viewer: Viewer): boolean {
  return viewer.roles.includes(ADMIN_ROLE);
}

/** True when the viewer may see the plan at all. */
export function canReadPlan(viewer: Viewer, plan: PlanRecord): boolean {
  return plan.isDefault || plan.ownerId === viewer.id;
}

/** True when the viewer may change this task of a plan it can read. */
export function canChangeTask(
  viewer: Viewer,
  plan: PlanRecord,
  task: Pick<TaskRecord, "assignee">,
): boolean {
  if (!plan.isDefault) return plan.ownerId === viewer.id;
  return isAdmin(viewer) || (task.assignee !== null && task.assignee === viewer.id);
}

/** The error for a plan that is missing or not the viewer's. */
export function planNotFound(planId: string): NotFoundError {
  return new NotFoundError(
    `Project plan ${JSON.stringify(planId)} was not found; list yours with \`plans\`.`,
  );
}

/** The error for a task that is not in the plan. */
export function taskNotFound(planId: string, taskId: string): NotFoundError {
  return new NotFoundError(
    `Task ${JSON.stringify(taskId)} was not found in plan ${JSON.stringify(planId)}; ` +
      "list its tasks with `tasks`.",
  );
}
