/**
 * Plans, phases and tasks as the store returns them.
 *
 * @module
 */
import type { TaskDocument } from "./plan_document.ts";

/** A plan's own row. */
export interface PlanRecord {
  id: string;
  /** Listing order; the keyset of plan cursors. */
  seq: number;
  ownerId: string;
  /** True for the deployment's shared default plan. */
  isDefault: boolean;
  name: string;
  description: string;
  /** YYYY-MM-DD. */
  baseDate: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A phase of a plan. */
export interface PhaseRecord {
  planId: string;
  id: string;
  position: number;
  name: string;
  description: string;
  /** First day of the window, YYYY-MM-DD. */
  startDate: string;
  /** Last day of the window, YYYY-MM-DD. */
  targetEndDate: string;
}

/**
 * A task of a plan: the fields a plan document writes (its dates as instants
 * rather than ISO text), with its place in the plan and which of its
 * dependencies are unfinished.
 */
export interface TaskRecord extends Omit<TaskDocument, "startDate" | "endDate"> {
  planId: string;
  /** Order within the plan; the keyset of task cursors. */
  position: number;
  /** The dependencies not yet completed. */
  unfinishedDependencies: string[];
  startDate: Date | null;
  endDate: Date | null;
  updatedAt: Date;
}

/** A whole plan, read at one moment. */
export interface PlanSnapshot {
  plan: PlanRecord;
  phases: PhaseRecord[];
  tasks: TaskRecord[];
}
