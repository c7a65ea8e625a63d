/**
 * A stored plan as a plan document, the inverse of an import: importing the
 * result creates a plan whose export is the same document.
 *
 * @example
 * ```ts
 * const doc = toPlanDocument(await loadSnapshot(sql, plan));
 * console.log(JSON.stringify(doc).length);
 * ```
 * @module
 */
import { PLAN_FORMAT, PLAN_FORMAT_VERSION, type PlanDocument } from "./plan_document.ts";
import type { PlanSnapshot } from "./records.ts";

/** The snapshot as a plan document, in plan order. */
export function toPlanDocument(snapshot: PlanSnapshot): PlanDocument {
  return {
    format: PLAN_FORMAT,
    version: PLAN_FORMAT_VERSION,
    name: snapshot.plan.name,
    description: snapshot.plan.description,
    baseDate: snapshot.plan.baseDate,
    phases: snapshot.phases.map((phase) => ({
      id: phase.id,
      name: phase.name,
      description: phase.description,
      startDate: phase.startDate,
      targetEndDate: phase.targetEndDate,
    })),
    tasks: snapshot.tasks.map((task) => ({
      id: task.id,
      phaseId: task.phaseId,
      name: task.name,
      description: task.description,
      priority: task.priority,
      estimatedHours: task.estimatedHours,
      status: task.status,
      assignee: task.assignee,
      dependencies: task.dependencies,
      startDate: task.startDate?.toISOString() ?? null,
      endDate: task.endDate?.toISOString() ?? null,
    })),
  };
}
