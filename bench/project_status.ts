/**
 * Latency of the project operations through the whole in-process app
 * (`app.fetch`, GraphQL, SQL): the seeded 22-task plan, and a 2000-task
 * plan (the import limit) with two dependencies per task. Embedded Postgres
 * in memory, and the local PostgreSQL server when it is up.
 *
 * @module
 */
import { startTestApp, type TestApp } from "../tests/support/app.ts";
import { createThrowawayDatabase, localPostgres } from "../tests/support/local_postgres.ts";
import { largePlan } from "../tests/project/support.ts";

/** One row of the table. */
export interface ProjectBenchRow {
  database: string;
  operation: string;
  runs: number;
  msMedian: number;
  msP95: number;
}

const RUNS = 100;
const IMPORT_RUNS = 5;

async function time(runs: number, run: () => Promise<void>): Promise<[number, number]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]! * 100) / 100;
  return [at(0.5), at(0.95)];
}

async function ok(app: TestApp, query: string, variables: Record<string, unknown> = {}) {
  const body = await app.graphql(query, variables);
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as Record<string, unknown>;
}

async function benchApp(database: string, app: TestApp): Promise<ProjectBenchRow[]> {
  const rows: ProjectBenchRow[] = [];
  const add = async (operation: string, runs: number, run: () => Promise<unknown>) => {
    const [msMedian, msP95] = await time(runs, async () => void await run());
    rows.push({ database, operation, runs, msMedian, msP95 });
  };
  const STATUS = `query ($p: ID) { projectStatus(planId: $p) {
    totalTasks completedTasks overallCompletion currentPhase { id } phases { id completion } } }`;
  await add("projectStatus (22 tasks)", RUNS, () => ok(app, STATUS));
  await add("nextTasks (22 tasks)", RUNS, () => ok(app, "{ nextTasks { id } }"));
  let toggle = false;
  await add("updateTaskStatus (22 tasks)", RUNS, () => {
    toggle = !toggle;
    return ok(
      app,
      `mutation ($s: TaskStatus!) {
      updateTaskStatus(input: { taskId: "arch_003", status: $s }) { id } }`,
      {
        s: toggle ? "IN_PROGRESS" : "NOT_STARTED",
      },
    );
  });
  const plan = largePlan();
  let planId = "";
  await add("importPlan (2000 tasks)", IMPORT_RUNS, async () => {
    const data = await ok(
      app,
      "mutation ($plan: JSON!) { importPlan(input: { plan: $plan }) { id } }",
      { plan },
    );
    planId = (data.importPlan as { id: string }).id;
  });
  await add("projectStatus (2000 tasks)", RUNS / 5, () => ok(app, STATUS, { p: planId }));
  await add(
    "nextTasks allPhases (2000 tasks)",
    RUNS / 5,
    () =>
      ok(app, "query ($p: ID) { nextTasks(planId: $p, allPhases: true) { id } }", { p: planId }),
  );
  await add(
    "tasks first 100 (2000 tasks)",
    RUNS / 5,
    () =>
      ok(app, "query ($p: ID) { tasks(planId: $p, first: 100) { edges { node { id } } } }", {
        p: planId,
      }),
  );
  await add(
    "exportPlan (2000 tasks)",
    RUNS / 5,
    () => ok(app, "query ($p: ID) { exportPlan(planId: $p) }", { p: planId }),
  );
  return rows;
}

/** Runs the benchmark on each available database. */
export async function benchProjectStatus(): Promise<ProjectBenchRow[]> {
  const rows: ProjectBenchRow[] = [];
  // The benchmark changes tasks as the tokenless local user, an admin only with DEV_LOCAL_ADMIN.
  const embedded = await startTestApp({ DEV_LOCAL_ADMIN: "true" });
  try {
    rows.push(...await benchApp("embedded (memory)", embedded));
  } finally {
    await embedded.close();
  }
  if ((await localPostgres()).available) {
    const database = await createThrowawayDatabase();
    const app = await startTestApp({ DATABASE_URL: database.url, DEV_LOCAL_ADMIN: "true" });
    try {
      rows.push(...await benchApp("server 127.0.0.1", app));
    } finally {
      await app.close();
      await database.drop();
    }
  }
  return rows;
}
