/**
 * Changes to a task: its status (with the dates that go with it) and its
 * assignee. Each runs in one transaction with the task's row locked, checks
 * who may change it, and announces the change once committed. A change to
 * the value a task already has writes and announces nothing.
 *
 * @example
 * ```ts
 * const task = await changes.updateTaskStatus(viewer, { taskId: "arch_001", status: "in_progress" });
 * console.log(task.startDate);
 * ```
 * @module
 */
import type { Sql } from "postgres";
import type { Viewer } from "../auth/mod.ts";
import { ConflictError, ForbiddenError } from "../core/errors.ts";
import type { Logger } from "../observability/logger.ts";
import { canChangeTask, isAdmin, taskNotFound } from "./access.ts";
import type { TaskStatus } from "./plan_document.ts";
import { touchPlan } from "./plan_store.ts";
import type { PlanRecord, TaskRecord } from "./records.ts";
import type { Queryable } from "../db/sql.ts";
import type { StatusEvents } from "./status_events.ts";
import { findTask, updateTaskAssignee, updateTaskStatus } from "./task_store.ts";
import { statusChange } from "./transitions.ts";

/** Input of {@linkcode TaskChanges.updateTaskStatus}. */
export interface UpdateTaskStatusInput {
  planId?: string | null | undefined;
  taskId: string;
  status: TaskStatus;
  /** Complete despite unfinished dependencies; admins only. */
  force?: boolean | null | undefined;
}

/** Input of {@linkcode TaskChanges.assignTask}. */
export interface AssignTaskInput {
  planId?: string | null | undefined;
  taskId: string;
  /** The user id to assign, or null to unassign. */
  assignee: string | null;
}

/** The changes a task can see. */
export interface TaskChanges {
  updateTaskStatus(viewer: Viewer, input: UpdateTaskStatusInput): Promise<TaskRecord>;
  assignTask(viewer: Viewer, input: AssignTaskInput): Promise<TaskRecord>;
}

/** What {@linkcode createTaskChanges} needs from the service. */
export interface TaskChangesDeps {
  sql: Sql;
  logger: Logger;
  events: StatusEvents;
  now: () => Date;
  readablePlan(viewer: Viewer, planId?: string | null): Promise<PlanRecord>;
}

/** Creates the task changes. */
export function createTaskChanges(deps: TaskChangesDeps): TaskChanges {
  const { sql, logger, events, now } = deps;

  /**
   * Runs `change` on the locked task after the permission check; `change`
   * returns false when there was nothing to do.
   */
  async function changeTask(
    viewer: Viewer,
    planId: string | null | undefined,
    taskId: string,
    change: (tx: Queryable, task: TaskRecord, plan: PlanRecord, at: Date) => Promise<boolean>,
  ): Promise<{ task: TaskRecord; changed: boolean; plan: PlanRecord }> {
    const plan = await deps.readablePlan(viewer, planId);
    const at = now();
    const result = await sql.begin(async (tx) => {
      const task = await findTask(tx, plan.id, taskId, { lock: true });
      if (!task) throw taskNotFound(plan.id, taskId);
      if (!canChangeTask(viewer, plan, task)) {
        throw new ForbiddenError(
          `You may not change task ${JSON.stringify(taskId)}: in the shared plan only admins ` +
            "and the task's assignee may change it.",
        );
      }
      if (!await change(tx, task, plan, at)) return { task, changed: false };
      await touchPlan(tx, plan.id, at);
      return { task: await findTask(tx, plan.id, taskId) as TaskRecord, changed: true };
    });
    if (result.changed) events.publish(plan.id);
    return { ...result, plan };
  }

  return {
    async updateTaskStatus(viewer, input) {
      const { task, changed, plan } = await changeTask(
        viewer,
        input.planId,
        input.taskId,
        async (tx, task, plan, at) => {
          if (task.status === input.status) return false;
          if (input.status === "completed" && task.unfinishedDependencies.length > 0) {
            refuseUnfinished(viewer, task, input.force ?? false);
          }
          await updateTaskStatus(tx, plan.id, task.id, statusChange(task, input.status, at));
          return true;
        },
      );
      if (changed) {
        logger.info("task status changed", {
          plan_id: plan.id,
          task_id: task.id,
          status: task.status,
          forced: input.force === true && task.unfinishedDependencies.length > 0,
        });
      }
      return task;
    },
    async assignTask(viewer, input) {
      const { task, changed, plan } = await changeTask(
        viewer,
        input.planId,
        input.taskId,
        async (tx, task, plan, at) => {
          if (task.assignee === input.assignee) return false;
          await updateTaskAssignee(tx, plan.id, task.id, input.assignee, at);
          return true;
        },
      );
      if (changed) {
        logger.info("task assigned", {
          plan_id: plan.id,
          task_id: task.id,
          assignee: task.assignee,
        });
      }
      return task;
    },
  };
}

/**
 * Throws unless an admin forces completing a task whose dependencies are
 * unfinished: CONFLICT without force, FORBIDDEN when a non-admin forces.
 */
function refuseUnfinished(viewer: Viewer, task: TaskRecord, force: boolean): void {
  const unfinished = task.unfinishedDependencies.map((id) => JSON.stringify(id)).join(", ");
  if (!force) {
    throw new ConflictError(
      `Task ${JSON.stringify(task.id)} cannot be completed: its dependencies ${unfinished} ` +
        "are not completed. Complete them first, or ask an admin to pass force: true.",
      { unfinishedDependencies: task.unfinishedDependencies },
    );
  }
  if (!isAdmin(viewer)) {
    throw new ForbiddenError(
      `Only an admin may force task ${JSON.stringify(task.id)} to completed while ` +
        `${unfinished} are not completed.`,
    );
  }
}
