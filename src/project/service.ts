/**
 * The project service: delivery plans as the viewer may see them, their
 * status, and every change to them. Each change is announced on
 * {@linkcode StatusEvents} after it commits.
 *
 * `planId` is optional everywhere: without it, the shared default plan.
 *
 * @example
 * ```ts
 * const project = createProjectService({ sql: db.sql, logger });
 * await project.seedDefaultPlan();
 * const status = await project.status(viewer);
 * console.log(status.overallCompletion);
 * ```
 * @module
 */
import type { Sql } from "postgres";
import type { Viewer } from "../auth/mod.ts";
import { BadUserInputError, NotFoundError } from "../core/errors.ts";
import type { Logger } from "../observability/logger.ts";
import { canReadPlan, planNotFound, taskNotFound } from "./access.ts";
import { utcDay } from "./calendar.ts";
import { type Connection, type ConnectionArgs, keysetConnection } from "../core/pagination.ts";
import { DEFAULT_PLAN_ID, DEFAULT_PLAN_OWNER, defaultPlanDocument } from "./plan_data.ts";
import type { PlanDocument } from "./plan_document.ts";
import { toPlanDocument } from "./plan_export.ts";
import { findPlan, insertPlan, listVisiblePlans, loadSnapshot } from "./plan_store.ts";
import type { PlanRecord, PlanSnapshot, TaskRecord } from "./records.ts";
import {
  currentPhaseOf,
  nextTasks,
  type PhaseProgress,
  phaseProgress,
  type ProjectStatus,
  projectStatus,
} from "./status.ts";
import { createStatusEvents, type StatusEvents } from "./status_events.ts";
import { createTaskChanges, type TaskChanges } from "./task_changes.ts";
import { findTask, selectTasks, type TaskFilter } from "./task_store.ts";

/** A plan's `seq` or a task's position, as cursors carry them. */
const KEY = /^\d{1,9}$/;

/** What {@linkcode createProjectService} needs. */
export interface ProjectServiceOptions {
  sql: Sql;
  logger: Logger;
  events?: StatusEvents;
  /** The clock; "today" is its UTC day. */
  now?: () => Date;
}

/** Options of {@linkcode ProjectService.nextTasks}. */
export interface NextTasksOptions {
  planId?: string | null | undefined;
  limit?: number | null | undefined;
  phaseId?: string | null | undefined;
  allPhases?: boolean | null | undefined;
}

/** The project service. */
export interface ProjectService extends TaskChanges {
  events: StatusEvents;
  /** Seeds the shared default plan unless one exists; true when this call seeded it. */
  seedDefaultPlan(): Promise<boolean>;
  /** The plan, or NOT_FOUND when it is missing or not the viewer's. */
  plan(viewer: Viewer, planId?: string | null): Promise<PlanRecord>;
  /** The default plan and the viewer's own plans, as a connection. */
  plans(viewer: Viewer, args: ConnectionArgs): Promise<Connection<PlanRecord>>;
  status(viewer: Viewer, planId?: string | null): Promise<ProjectStatus>;
  phases(viewer: Viewer, planId?: string | null): Promise<PhaseProgress[]>;
  currentPhase(viewer: Viewer, planId?: string | null): Promise<PhaseProgress | null>;
  task(viewer: Viewer, planId: string | null | undefined, taskId: string): Promise<TaskRecord>;
  tasks(
    viewer: Viewer,
    planId: string | null | undefined,
    filter: TaskFilter,
    args: ConnectionArgs,
  ): Promise<Connection<TaskRecord>>;
  nextTasks(viewer: Viewer, options: NextTasksOptions): Promise<TaskRecord[]>;
  /** Creates a plan owned by the viewer from a validated document. */
  importPlan(viewer: Viewer, doc: PlanDocument): Promise<PlanRecord>;
  exportPlan(viewer: Viewer, planId?: string | null): Promise<PlanDocument>;
  /**
   * Notifications of the plan's changes (with `initial`, one straight away too);
   * NOT_FOUND when the viewer cannot read the plan.
   */
  statusChanges(
    viewer: Viewer,
    planId?: string | null,
    options?: { initial?: boolean },
  ): Promise<AsyncIterableIterator<string>>;
}

/** Default and most `nextTasks` returns. */
export const NEXT_TASKS_LIMIT = { default: 5, max: 50 } as const;

/** Creates the service. */
export function createProjectService(options: ProjectServiceOptions): ProjectService {
  const { sql, logger } = options;
  const events = options.events ?? createStatusEvents();
  const now = options.now ?? (() => new Date());
  const today = () => utcDay(now());

  async function readablePlan(viewer: Viewer, planId?: string | null): Promise<PlanRecord> {
    const id = planId ?? DEFAULT_PLAN_ID;
    const plan = await findPlan(sql, id);
    if (!plan || !canReadPlan(viewer, plan)) throw planNotFound(id);
    return plan;
  }

  async function snapshot(viewer: Viewer, planId?: string | null): Promise<PlanSnapshot> {
    return await loadSnapshot(sql, await readablePlan(viewer, planId));
  }

  const changes = createTaskChanges({ sql, logger, events, now, readablePlan });

  return {
    ...changes,
    events,
    async seedDefaultPlan() {
      const doc = defaultPlanDocument(today());
      const seeded = await sql.begin((tx) =>
        insertPlan(tx, doc, { id: DEFAULT_PLAN_ID, ownerId: DEFAULT_PLAN_OWNER, isDefault: true })
      );
      if (seeded) {
        logger.info("seeded the default project plan", {
          plan_id: DEFAULT_PLAN_ID,
          base_date: doc.baseDate,
          tasks: doc.tasks.length,
        });
      }
      return seeded;
    },
    plan: readablePlan,
    plans(viewer, args) {
      return keysetConnection({
        kind: "plan",
        args,
        keyOf: (p) => p.seq,
        keyPattern: KEY,
        fetch: (page) => listVisiblePlans(sql, viewer.id, page),
      });
    },
    async status(viewer, planId) {
      return projectStatus(await snapshot(viewer, planId), today());
    },
    async phases(viewer, planId) {
      return phaseProgress(await snapshot(viewer, planId), today());
    },
    async currentPhase(viewer, planId) {
      const day = today();
      return currentPhaseOf(phaseProgress(await snapshot(viewer, planId), day), day)?.phase ??
        null;
    },
    async task(viewer, planId, taskId) {
      const plan = await readablePlan(viewer, planId);
      const task = await findTask(sql, plan.id, taskId);
      if (!task) throw taskNotFound(plan.id, taskId);
      return task;
    },
    async tasks(viewer, planId, filter, args) {
      const plan = await readablePlan(viewer, planId);
      return await keysetConnection({
        kind: "task",
        args,
        keyOf: (t) => t.position,
        keyPattern: KEY,
        fetch: (page) => selectTasks(sql, plan.id, filter, page),
      });
    },
    async nextTasks(viewer, { planId, limit, phaseId, allPhases }) {
      const count = limit ?? NEXT_TASKS_LIMIT.default;
      if (!Number.isInteger(count) || count < 1 || count > NEXT_TASKS_LIMIT.max) {
        throw new BadUserInputError(
          `limit must be from 1 to ${NEXT_TASKS_LIMIT.max}; got ${limit}.`,
          { field: "limit" },
        );
      }
      if (allPhases && phaseId) {
        throw new BadUserInputError(
          "Pass either phaseId or allPhases: true, not both.",
          { field: "allPhases" },
        );
      }
      const plan = await snapshot(viewer, planId);
      if (allPhases) return nextTasks(plan.tasks, { limit: count });
      if (phaseId) {
        if (!plan.phases.some((p) => p.id === phaseId)) {
          throw new NotFoundError(
            `Phase ${JSON.stringify(phaseId)} was not found in plan ` +
              `${JSON.stringify(plan.plan.id)}; list its phases with \`phases\`.`,
          );
        }
        return nextTasks(plan.tasks, { limit: count, phaseIds: new Set([phaseId]) });
      }
      const day = today();
      const current = currentPhaseOf(phaseProgress(plan, day), day);
      if (!current) return [];
      return nextTasks(plan.tasks, { limit: count, phaseIds: new Set([current.phase.id]) });
    },
    async importPlan(viewer, doc) {
      const id = crypto.randomUUID();
      await sql.begin((tx) => insertPlan(tx, doc, { id, ownerId: viewer.id, isDefault: false }));
      logger.info("imported a project plan", { plan_id: id, tasks: doc.tasks.length });
      events.publish(id);
      return await readablePlan(viewer, id);
    },
    async exportPlan(viewer, planId) {
      return toPlanDocument(await snapshot(viewer, planId));
    },
    async statusChanges(viewer, planId, options = {}) {
      const plan = await readablePlan(viewer, planId);
      return events.subscribe(plan.id, options);
    },
  };
}
