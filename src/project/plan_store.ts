/**
 * SQL for plans and their phases: reading a plan, listing the plans a user
 * may see, reading a whole plan at once, and writing a plan document.
 *
 * @example
 * ```ts
 * const plan = await findPlan(sql, "default");
 * const snapshot = plan && await loadSnapshot(sql, plan);
 * ```
 * @module
 */
import type { Sql } from "postgres";
import type { PlanDocument } from "./plan_document.ts";
import type { PhaseRecord, PlanRecord, PlanSnapshot } from "./records.ts";
import type { Queryable } from "../db/sql.ts";
import { selectTasks } from "./task_store.ts";
import type { KeysetPage } from "../db/sql.ts";

const PLAN_COLUMNS = (sql: Queryable) =>
  sql`id, seq, owner_id AS "ownerId", is_default AS "isDefault", name, description,
    base_date::text AS "baseDate", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The plan with this id, whoever owns it; access is the caller's to check. */
export async function findPlan(sql: Queryable, planId: string): Promise<PlanRecord | undefined> {
  const [plan] = await sql<PlanRecord[]>`
    SELECT ${PLAN_COLUMNS(sql)} FROM project_plans WHERE id = ${planId}`;
  return plan;
}

/** The shared default plan and the viewer's own plans, in creation order. */
export async function listVisiblePlans(
  sql: Queryable,
  viewerId: string,
  page: KeysetPage,
): Promise<PlanRecord[]> {
  const rows = await sql<PlanRecord[]>`
    SELECT ${PLAN_COLUMNS(sql)} FROM project_plans
    WHERE (is_default OR owner_id = ${viewerId})
      ${page.after === undefined ? sql`` : sql`AND seq > ${page.after}`}
      ${page.before === undefined ? sql`` : sql`AND seq < ${page.before}`}
    ORDER BY seq ${page.inverted ? sql`DESC` : sql`ASC`}
    LIMIT ${page.limit}`;
  return rows;
}

/** The phases of a plan, in plan order. */
export async function selectPhases(sql: Queryable, planId: string): Promise<PhaseRecord[]> {
  return await sql<PhaseRecord[]>`
    SELECT plan_id AS "planId", id, position, name, description,
      start_date::text AS "startDate", target_end_date::text AS "targetEndDate"
    FROM project_phases WHERE plan_id = ${planId} ORDER BY position`;
}

/**
 * The whole plan. Phases and tasks are read in one transaction, so the
 * snapshot never mixes two states of the plan.
 */
export async function loadSnapshot(sql: Sql, plan: PlanRecord): Promise<PlanSnapshot> {
  return await sql.begin("ISOLATION LEVEL REPEATABLE READ READ ONLY", async (tx) => {
    const phases = await selectPhases(tx, plan.id);
    const tasks = await selectTasks(tx, plan.id);
    return { plan, phases, tasks };
  });
}

/** Plans with at least this many tasks refresh the tasks table's statistics on import. */
export const ANALYZE_AFTER_TASKS = 200;

/** Who a new plan belongs to and how it is known. */
export interface NewPlan {
  id: string;
  ownerId: string;
  isDefault: boolean;
}

/**
 * Writes a validated plan document. Call it inside a transaction, so a
 * failure writes nothing. Returns false, writing nothing, when the plan
 * conflicts with an existing one (same id, or a second default plan), which
 * is how concurrent seeding by several replicas settles on one plan.
 */
export async function insertPlan(
  sql: Queryable,
  doc: PlanDocument,
  plan: NewPlan,
): Promise<boolean> {
  const inserted = await sql`
    INSERT INTO project_plans (id, owner_id, is_default, name, description, base_date)
    VALUES (${plan.id}, ${plan.ownerId}, ${plan.isDefault}, ${doc.name}, ${doc.description},
      ${doc.baseDate})
    ON CONFLICT DO NOTHING
    RETURNING id`;
  if (inserted.length === 0) return false;
  // Each list travels as one JSON parameter: a plan's thousands of rows would
  // otherwise exceed the protocol's limit on bind parameters.
  const phases = doc.phases.map((p, position) => ({ ...p, position }));
  await sql`
    INSERT INTO project_phases
      (plan_id, id, owner_id, position, name, description, start_date, target_end_date)
    SELECT ${plan.id}, p.id, ${plan.ownerId}, p.position, p.name, p.description,
      p."startDate", p."targetEndDate"
    FROM jsonb_to_recordset(${sql.json(phases as never)}) AS p(
      id text, position int, name text, description text, "startDate" date,
      "targetEndDate" date)`;
  const tasks = doc.tasks.map((t, position) => ({ ...t, position }));
  await sql`
    INSERT INTO project_tasks (plan_id, id, phase_id, owner_id, position, name, description,
      priority, estimated_hours, status, assignee, start_date, end_date)
    SELECT ${plan.id}, t.id, t."phaseId", ${plan.ownerId}, t.position, t.name, t.description,
      t.priority, t."estimatedHours", t.status, t.assignee, t."startDate", t."endDate"
    FROM jsonb_to_recordset(${sql.json(tasks as never)}) AS t(
      id text, "phaseId" text, position int, name text, description text, priority text,
      "estimatedHours" float8, status text, assignee text, "startDate" timestamptz,
      "endDate" timestamptz)`;
  if (doc.tasks.length >= ANALYZE_AFTER_TASKS) {
    // Each dependency row is checked against project_tasks by a foreign key.
    // With statistics from when the table was small, those checks scan the
    // table instead of its primary key, which makes a large import quadratic
    // (seconds for 2000 tasks). Fresh statistics, which see this
    // transaction's rows, make them index lookups again. ANALYZE's lock lasts
    // until commit, so two large imports at once take turns; small ones never
    // take it.
    await sql`ANALYZE project_tasks`;
  }
  const dependencies = doc.tasks.flatMap((t) =>
    t.dependencies.map((dependsOn, position) => ({ taskId: t.id, dependsOn, position }))
  );
  if (dependencies.length > 0) {
    await sql`
      INSERT INTO project_task_dependencies (plan_id, task_id, depends_on, owner_id, position)
      SELECT ${plan.id}, d."taskId", d."dependsOn", ${plan.ownerId}, d.position
      FROM jsonb_to_recordset(${sql.json(dependencies as never)}) AS d(
        "taskId" text, "dependsOn" text, position int)`;
  }
  if (doc.tasks.length >= ANALYZE_AFTER_TASKS) {
    // Reads join the dependencies too; embedded Postgres has no autovacuum
    // to refresh these statistics later.
    await sql`ANALYZE project_task_dependencies`;
  }
  return true;
}

/** Marks a plan as changed now. */
export async function touchPlan(sql: Queryable, planId: string, at: Date): Promise<void> {
  await sql`UPDATE project_plans SET updated_at = ${at} WHERE id = ${planId}`;
}
