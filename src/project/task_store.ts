/**
 * SQL for tasks: filtered, paged reads with each task's dependencies, and
 * the two writes a task sees after import (status with its dates, and the
 * assignee).
 *
 * @example
 * ```ts
 * const blocked = await selectTasks(sql, "default", { status: "blocked" });
 * ```
 * @module
 */
import type { TaskPriority, TaskStatus } from "./plan_document.ts";
import type { TaskRecord } from "./records.ts";
import type { Queryable } from "../db/sql.ts";
import type { KeysetPage } from "../db/sql.ts";

/** Narrows a task list; every given field must match. */
export interface TaskFilter {
  phaseId?: string | undefined;
  status?: TaskStatus | undefined;
  priority?: TaskPriority | undefined;
  assignee?: string | undefined;
}

/** Tasks of a plan in plan order, filtered, and paged when `page` is given. */
export async function selectTasks(
  sql: Queryable,
  planId: string,
  filter: TaskFilter = {},
  page?: KeysetPage,
): Promise<TaskRecord[]> {
  const where = (column: string, value: string | undefined) =>
    value === undefined ? sql`` : sql`AND ${sql(column)} = ${value}`;
  return await sql<TaskRecord[]>`
    SELECT ${TASK_FROM(sql, planId)}
    WHERE t.plan_id = ${planId}
      ${where("t.phase_id", filter.phaseId)}
      ${where("t.status", filter.status)}
      ${where("t.priority", filter.priority)}
      ${where("t.assignee", filter.assignee)}
      ${page?.after === undefined ? sql`` : sql`AND t.position > ${page.after}`}
      ${page?.before === undefined ? sql`` : sql`AND t.position < ${page.before}`}
    ORDER BY t.position ${page?.inverted ? sql`DESC` : sql`ASC`}
    ${page === undefined ? sql`` : sql`LIMIT ${page.limit}`}`;
}

/**
 * One task. With `lock`, its row stays locked until the surrounding
 * transaction ends, so a concurrent change waits instead of interleaving.
 */
export async function findTask(
  sql: Queryable,
  planId: string,
  taskId: string,
  options: { lock?: boolean } = {},
): Promise<TaskRecord | undefined> {
  if (options.lock) {
    await sql`SELECT 1 FROM project_tasks WHERE plan_id = ${planId} AND id = ${taskId} FOR UPDATE`;
  }
  const [task] = await sql<TaskRecord[]>`
    SELECT ${TASK_FROM(sql, planId, taskId)} WHERE t.plan_id = ${planId} AND t.id = ${taskId}`;
  return task;
}

/** The values a status change writes. */
export interface TaskStatusChange {
  status: TaskStatus;
  startDate: Date | null;
  endDate: Date | null;
  updatedAt: Date;
}

/** Writes a task's status and dates. */
export async function updateTaskStatus(
  sql: Queryable,
  planId: string,
  taskId: string,
  change: TaskStatusChange,
): Promise<void> {
  await sql`
    UPDATE project_tasks
    SET status = ${change.status}, start_date = ${change.startDate}, end_date = ${change.endDate},
      updated_at = ${change.updatedAt}
    WHERE plan_id = ${planId} AND id = ${taskId}`;
}

/** Writes a task's assignee (null for nobody). */
export async function updateTaskAssignee(
  sql: Queryable,
  planId: string,
  taskId: string,
  assignee: string | null,
  at: Date,
): Promise<void> {
  await sql`
    UPDATE project_tasks SET assignee = ${assignee}, updated_at = ${at}
    WHERE plan_id = ${planId} AND id = ${taskId}`;
}

/**
 * A task with its dependency ids in written order, and those not completed.
 * The dependencies of the whole plan (or of one task) are aggregated once
 * and hash-joined: a per-task subquery would rescan the plan's dependencies
 * for every task when the planner misjudges their number, as it does right
 * after an import.
 */
const TASK_FROM = (sql: Queryable, planId: string, taskId?: string) =>
  sql`t.plan_id AS "planId", t.id, t.phase_id AS "phaseId", t.position, t.name,
    t.description, t.priority, t.estimated_hours AS "estimatedHours", t.status, t.assignee,
    t.start_date AS "startDate", t.end_date AS "endDate", t.updated_at AS "updatedAt",
    coalesce(d.dependencies, '{}') AS dependencies,
    coalesce(d.unfinished, '{}') AS "unfinishedDependencies"
  FROM project_tasks t
  LEFT JOIN (
    SELECT dep.task_id,
      array_agg(dep.depends_on ORDER BY dep.position) AS dependencies,
      array_agg(dep.depends_on ORDER BY dep.position)
        FILTER (WHERE other.status <> 'completed') AS unfinished
    FROM project_task_dependencies dep
    JOIN project_tasks other ON other.plan_id = dep.plan_id AND other.id = dep.depends_on
    WHERE dep.plan_id = ${planId}
      ${taskId === undefined ? sql`` : sql`AND dep.task_id = ${taskId}`}
    GROUP BY dep.task_id
  ) d ON d.task_id = t.id`;
