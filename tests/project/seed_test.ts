import assert from "node:assert/strict";
import { migrate } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createProjectService } from "../../src/project/service.ts";
import {
  createThrowawayDatabase,
  localPostgres,
  withReplicaPools,
} from "../support/local_postgres.ts";
import { dataOf, day, signUsers, startProjectApp, today } from "./support.ts";

const quiet = createLogger({ level: "error", name: "test", write: () => {} });
const local = await localPostgres();
const SEEDED = "seeded the default project plan";

Deno.test("the default plan is seeded on first start, dated from that day, not started", async () => {
  const app = await startProjectApp();
  const users = await signUsers();
  try {
    const data = dataOf(
      await app.graphql(
        `{ plan { id name isDefault baseDate }
         phases { id startDate targetEndDate }
         tasks(first: 100) { edges { node { id status assignee startDate endDate } } } }`,
        {},
        users.bob,
      ),
    );
    assert.deepEqual(data.plan, {
      id: "default",
      name: "Graphmind delivery",
      isDefault: true,
      baseDate: today(),
    });
    assert.deepEqual(data.phases, [
      { id: "phase_1", startDate: day(0), targetEndDate: day(14) },
      { id: "phase_2", startDate: day(14), targetEndDate: day(35) },
      { id: "phase_3", startDate: day(35), targetEndDate: day(49) },
      { id: "phase_4", startDate: day(49), targetEndDate: day(63) },
      { id: "phase_5", startDate: day(63), targetEndDate: day(77) },
    ]);
    const tasks = (data.tasks as { edges: { node: Record<string, unknown> }[] }).edges;
    assert.equal(tasks.length, 22);
    for (const { node } of tasks) {
      assert.deepEqual(
        [node.status, node.assignee, node.startDate, node.endDate],
        ["NOT_STARTED", null, null, null],
        String(node.id),
      );
    }
    assert.equal(app.logs.filter((l) => l.message === SEEDED).length, 1);
  } finally {
    await app.close();
  }
});

Deno.test("a restart keeps the existing default plan and its progress", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // The tokenless local user changes a task: an admin only with DEV_LOCAL_ADMIN.
    const first = await startProjectApp({ PGLITE_DATA_DIR: dir, DEV_LOCAL_ADMIN: "true" });
    try {
      dataOf(
        await first.graphql(
          `mutation { updateTaskStatus(input: { taskId: "arch_001", status: IN_PROGRESS }) { id } }`,
        ),
      );
    } finally {
      await first.close();
    }
    const second = await startProjectApp({ PGLITE_DATA_DIR: dir });
    try {
      assert.equal(second.logs.filter((l) => l.message === SEEDED).length, 0);
      const data = dataOf(
        await second.graphql(
          `{ task(id: "arch_001") { status } plans { edges { node { id } } } }`,
        ),
      );
      assert.deepEqual(data, {
        task: { status: "IN_PROGRESS" },
        plans: { edges: [{ node: { id: "default" } }] },
      });
    } finally {
      await second.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "replicas starting at once on one real Postgres seed exactly one default plan",
  ignore: local.ignore,
  async fn() {
    assert.ok(local.available, local.reason);
    await withReplicaPools(4, async (pools) => {
      await migrate(pools[0]!, { logger: quiet });
      const services = pools.map((sql) => createProjectService({ sql, logger: quiet }));
      const seeded = await Promise.all(services.map((s) => s.seedDefaultPlan()));
      assert.deepEqual(seeded.filter(Boolean).length, 1, `seeded: ${seeded}`);
      const [row] = await pools[0]!`
        SELECT (SELECT count(*) FROM project_plans)::int AS plans,
          (SELECT count(*) FROM project_phases)::int AS phases,
          (SELECT count(*) FROM project_tasks)::int AS tasks,
          (SELECT count(*) FROM project_task_dependencies)::int AS dependencies`;
      assert.deepEqual({ ...row }, { plans: 1, phases: 5, tasks: 22, dependencies: 9 });
    });
  },
});

Deno.test({
  name: "two apps starting together on a fresh real Postgres share one default plan",
  ignore: local.ignore,
  async fn() {
    assert.ok(local.available, local.reason);
    const database = await createThrowawayDatabase();
    try {
      const apps = await Promise.all([
        startProjectApp({ DATABASE_URL: database.url }),
        startProjectApp({ DATABASE_URL: database.url }),
      ]);
      try {
        const seeds = apps.flatMap((a) => a.logs.filter((l) => l.message === SEEDED));
        assert.equal(seeds.length, 1);
        for (const app of apps) {
          const data = dataOf(await app.graphql("{ projectStatus { totalTasks planId } }"));
          assert.deepEqual(data.projectStatus, { totalTasks: 22, planId: "default" });
        }
      } finally {
        await Promise.all(apps.map((a) => a.close()));
      }
    } finally {
      await database.drop();
    }
  },
});
