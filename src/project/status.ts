/**
 * Progress of a plan, computed from one snapshot: completion per phase and
 * overall, the current phase, and the tasks that can start next. Pure
 * functions of the snapshot and the day, so every rule is tested directly.
 *
 * Rules:
 * - A phase is completed when all its tasks are; a phase with no tasks has
 *   nothing left to do and counts as completed (100%).
 * - The current phase is the first phase, in plan order, whose window
 *   (start and target end days, both inclusive) contains today and that is
 *   not completed. When no phase qualifies, it falls back to the earliest
 *   unfinished phase in plan order: the first phase before the plan starts,
 *   the overdue one when work runs late, the next one when work runs early.
 *   Only when every phase is completed is there no current phase.
 * - Next tasks are not started, have every dependency completed, and are
 *   ordered by priority rank (high, medium, low), then by fewer estimated
 *   hours, then by plan order.
 *
 * @example
 * ```ts
 * const status = projectStatus(snapshot, "2026-03-02");
 * console.log(status.overallCompletion, status.currentPhase?.id);
 * ```
 * @module
 */
import type { TaskPriority } from "./plan_document.ts";
import type { PhaseRecord, PlanSnapshot, TaskRecord } from "./records.ts";

/** Sort rank of each priority: lower comes first. */
export const PRIORITY_RANK: Readonly<Record<TaskPriority, number>> = { high: 0, medium: 1, low: 2 };

/** A phase with its progress. */
export interface PhaseProgress extends PhaseRecord {
  totalTasks: number;
  completedTasks: number;
  /** Percent of the phase's tasks completed, 0 to 100. */
  completion: number;
  isCompleted: boolean;
  /** Not completed and past its target end day. */
  isOverdue: boolean;
}

/** Why a phase is current: its window contains today, or the fallback. */
export type CurrentPhaseBasis = "schedule" | "earliest_unfinished";

/** The current phase and why. */
export interface CurrentPhase {
  phase: PhaseProgress;
  basis: CurrentPhaseBasis;
}

/** A plan's status on one day. */
export interface ProjectStatus {
  planId: string;
  planName: string;
  /** The UTC day the status was computed for, YYYY-MM-DD. */
  asOf: string;
  totalPhases: number;
  completedPhases: number;
  totalTasks: number;
  completedTasks: number;
  inProgressTasks: number;
  blockedTasks: number;
  notStartedTasks: number;
  /** Percent of all tasks completed, 0 to 100. */
  overallCompletion: number;
  currentPhase: PhaseProgress | null;
  currentPhaseBasis: CurrentPhaseBasis | null;
  phases: PhaseProgress[];
}

/** `done` of `total` as a percent rounded to two decimals; 100 when there is nothing to do. */
export function percent(done: number, total: number): number {
  return total === 0 ? 100 : Math.round((done / total) * 10000) / 100;
}

/** Every phase of the snapshot with its progress, in plan order. */
export function phaseProgress(snapshot: PlanSnapshot, today: string): PhaseProgress[] {
  return snapshot.phases.map((phase) => {
    const tasks = snapshot.tasks.filter((t) => t.phaseId === phase.id);
    const completedTasks = tasks.filter((t) => t.status === "completed").length;
    const isCompleted = completedTasks === tasks.length;
    return {
      ...phase,
      totalTasks: tasks.length,
      completedTasks,
      completion: percent(completedTasks, tasks.length),
      isCompleted,
      isOverdue: !isCompleted && phase.targetEndDate < today,
    };
  });
}

/** The current phase on `today`, or null when every phase is completed. */
export function currentPhaseOf(phases: PhaseProgress[], today: string): CurrentPhase | null {
  const scheduled = phases.find((p) =>
    !p.isCompleted && p.startDate <= today && today <= p.targetEndDate
  );
  if (scheduled) return { phase: scheduled, basis: "schedule" };
  const unfinished = phases.find((p) => !p.isCompleted);
  return unfinished ? { phase: unfinished, basis: "earliest_unfinished" } : null;
}

/** The whole status of the snapshot's plan on `today`. */
export function projectStatus(snapshot: PlanSnapshot, today: string): ProjectStatus {
  const phases = phaseProgress(snapshot, today);
  const current = currentPhaseOf(phases, today);
  const count = (status: TaskRecord["status"]) =>
    snapshot.tasks.filter((t) => t.status === status).length;
  const completedTasks = count("completed");
  return {
    planId: snapshot.plan.id,
    planName: snapshot.plan.name,
    asOf: today,
    totalPhases: phases.length,
    completedPhases: phases.filter((p) => p.isCompleted).length,
    totalTasks: snapshot.tasks.length,
    completedTasks,
    inProgressTasks: count("in_progress"),
    blockedTasks: count("blocked"),
    notStartedTasks: count("not_started"),
    overallCompletion: percent(completedTasks, snapshot.tasks.length),
    currentPhase: current?.phase ?? null,
    currentPhaseBasis: current?.basis ?? null,
    phases,
  };
}

/**
 * Orders tasks by priority rank, then fewer estimated hours, then plan
 * order. Ranks, not the priority strings: sorting the strings would put
 * "low" before "medium".
 */
export function compareByUrgency(a: TaskRecord, b: TaskRecord): number {
  return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    a.estimatedHours - b.estimatedHours ||
    a.position - b.position;
}

/** True when a task is not started and every dependency is completed. */
export function canStart(task: TaskRecord): boolean {
  return task.status === "not_started" && task.unfinishedDependencies.length === 0;
}

/**
 * The first `limit` tasks that can start, most urgent first, from the
 * phases in `phaseIds` (every phase when it is absent).
 */
export function nextTasks(
  tasks: readonly TaskRecord[],
  options: { limit: number; phaseIds?: ReadonlySet<string> },
): TaskRecord[] {
  return tasks
    .filter((t) => canStart(t) && (options.phaseIds?.has(t.phaseId) ?? true))
    .sort(compareByUrgency)
    .slice(0, options.limit);
}
