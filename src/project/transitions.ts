/**
 * What a status change does to a task's dates:
 * - `in_progress` sets the start date (kept when work had already started,
 *   so resuming a blocked or reopened task keeps when work began) and
 *   clears the end date;
 * - `completed` sets the end date, and the start date too when the task
 *   was never started;
 * - `not_started` clears both: the task is back to untouched;
 * - `blocked` keeps the start date and clears the end date.
 *
 * @example
 * ```ts
 * const change = statusChange(task, "completed", new Date());
 * console.log(change.endDate !== null); // true
 * ```
 * @module
 */
import type { TaskStatus } from "./plan_document.ts";
import type { TaskRecord } from "./records.ts";
import type { TaskStatusChange } from "./task_store.ts";

/** The row values after moving `task` to `status` at `at`. */
export function statusChange(
  task: Pick<TaskRecord, "status" | "startDate" | "endDate">,
  status: TaskStatus,
  at: Date,
): TaskStatusChange {
  switch (status) {
    case "in_progress":
      return { status, startDate: task.startDate ?? at, endDate: null, updatedAt: at };
    case "completed":
      return {
        status,
        startDate: task.startDate ?? at,
        endDate: task.status === "completed" ? task.endDate ?? at : at,
        updatedAt: at,
      };
    case "not_started":
      return { status, startDate: null, endDate: null, updatedAt: at };
    case "blocked":
      return { status, startDate: task.startDate, endDate: null, updatedAt: at };
  }
}
