import assert from "node:assert/strict";
import { createProjectService } from "../../src/project/service.ts";
import type { PlanDocument } from "../../src/project/plan_document.ts";
import { createLogger } from "../../src/observability/logger.ts";
import {
  dataOf,
  day,
  errorCode,
  importAs,
  largePlan,
  signUsers,
  smallPlan,
  startProjectApp,
} from "./support.ts";

const IMPORT = "mutation ($plan: JSON!) { importPlan(input: { plan: $plan }) { id name } }";
const EXPORT = "query ($p: ID) { exportPlan(planId: $p) }";

Deno.test("plan import, export and ownership", async (t) => {
  const app = await startProjectApp();
  const users = await signUsers();
  const as = (who: Record<string, string>, q: string, variables: Record<string, unknown> = {}) =>
    app.graphql(q, variables, who);
  const rowCounts = async () => {
    const [row] = await app.database.sql`
      SELECT (SELECT count(*) FROM project_plans)::int AS plans,
        (SELECT count(*) FROM project_phases)::int AS phases,
        (SELECT count(*) FROM project_tasks)::int AS tasks,
        (SELECT count(*) FROM project_task_dependencies)::int AS dependencies`;
    return row;
  };
  try {
    const planId = await importAs(app, users.alice);

    await t.step("an imported plan belongs to its importer", async () => {
      const data = dataOf(
        await as(
          users.alice,
          `query ($p: ID) {
          plan(id: $p) { name isDefault ownedByViewer baseDate }
          projectStatus(planId: $p) { totalPhases completedPhases totalTasks completedTasks
            currentPhase { id } currentPhaseBasis }
          nextTasks(planId: $p) { id }
        }`,
          { p: planId },
        ),
      );
      assert.deepEqual(data, {
        plan: { name: "Small plan", isDefault: false, ownedByViewer: true, baseDate: day(-20) },
        projectStatus: {
          totalPhases: 3,
          completedPhases: 1,
          totalTasks: 5,
          completedTasks: 1,
          currentPhase: { id: "build" },
          currentPhaseBasis: "SCHEDULE",
        },
        // Medium before low, though the low task is shorter; b waits for a.
        nextTasks: [{ id: "a" }, { id: "d" }],
      });
    });

    await t.step("to anyone else, admins included, it is NOT_FOUND", async () => {
      for (const who of [users.bob, users.admin]) {
        for (
          const q of [
            `query ($p: ID) { plan(id: $p) { id } }`,
            `query ($p: ID) { projectStatus(planId: $p) { totalTasks } }`,
            `query ($p: ID) { phases(planId: $p) { id } }`,
            `query ($p: ID) { tasks(planId: $p) { edges { cursor } } }`,
            `query ($p: ID) { nextTasks(planId: $p) { id } }`,
            `query ($p: ID) { exportPlan(planId: $p) }`,
            `mutation ($p: ID) { updateTaskStatus(input: { planId: $p, taskId: "a", status: COMPLETED }) { id } }`,
            `mutation ($p: ID) { assignTask(input: { planId: $p, taskId: "a", assignee: "bob" }) { id } }`,
          ]
        ) {
          assert.equal(errorCode(await as(who, q, { p: planId })), "NOT_FOUND", q);
        }
      }
      const unchanged = dataOf(
        await as(users.alice, `query ($p: ID) { task(planId: $p, id: "a") { status assignee } }`, {
          p: planId,
        }),
      );
      assert.deepEqual(unchanged.task, { status: "NOT_STARTED", assignee: null });
    });

    await t.step(
      "its owner changes any task without being assigned, but cannot force",
      async () => {
        const update = (taskId: string, status: string, force = false) =>
          as(
            users.alice,
            `mutation ($p: ID, $t: ID!, $s: TaskStatus!, $f: Boolean) {
            updateTaskStatus(input: { planId: $p, taskId: $t, status: $s, force: $f }) { id status }
          }`,
            { p: planId, t: taskId, s: status, f: force },
          );
        assert.deepEqual(dataOf(await update("a", "IN_PROGRESS")).updateTaskStatus, {
          id: "a",
          status: "IN_PROGRESS",
        });
        assert.equal(errorCode(await update("c", "COMPLETED")), "CONFLICT");
        assert.equal(errorCode(await update("c", "COMPLETED", true)), "FORBIDDEN");
      },
    );

    const invalid: [string, unknown, RegExp][] = [
      [
        "an unknown dependency",
        {
          ...smallPlan(),
          tasks: [{
            id: "a",
            phaseId: "build",
            name: "A",
            priority: "high",
            estimatedHours: 1,
            dependencies: ["ghost"],
          }],
        },
        /input\.plan\.tasks\.0\.dependencies\.0: task "a" depends on unknown task "ghost"/,
      ],
      [
        "a dependency cycle",
        {
          ...smallPlan(),
          tasks: [
            {
              id: "a",
              phaseId: "build",
              name: "A",
              priority: "high",
              estimatedHours: 1,
              dependencies: ["b"],
            },
            {
              id: "b",
              phaseId: "build",
              name: "B",
              priority: "high",
              estimatedHours: 1,
              dependencies: ["a"],
            },
          ],
        },
        /dependency cycle: a → b → a/,
      ],
      [
        "a duplicate task id",
        {
          ...smallPlan(),
          tasks: [
            { id: "a", phaseId: "build", name: "A", priority: "high", estimatedHours: 1 },
            { id: "a", phaseId: "ship", name: "A again", priority: "low", estimatedHours: 1 },
          ],
        },
        /input\.plan\.tasks\.1\.id: duplicate task id "a"/,
      ],
      [
        "a duplicate phase id",
        {
          ...smallPlan(),
          phases: [...(smallPlan().phases as unknown[]), (smallPlan().phases as unknown[])[0]],
        },
        /input\.plan\.phases\.3\.id: duplicate phase id "done"/,
      ],
      [
        "a task outside any phase",
        {
          ...smallPlan(),
          tasks: [{ id: "a", phaseId: "limbo", name: "A", priority: "high", estimatedHours: 1 }],
        },
        /task "a" is outside any phase: phase "limbo" is not in phases/,
      ],
      ["a plan that is not an object", [1, 2], /expected a plan object/],
    ];
    for (const [problem, plan, message] of invalid) {
      await t.step(`an import with ${problem} is BAD_USER_INPUT and writes nothing`, async () => {
        const before = await rowCounts();
        const body = await as(users.alice, IMPORT, { plan });
        assert.equal(errorCode(body), "BAD_USER_INPUT");
        assert.match(body.errors?.[0]?.message ?? "", message);
        assert.deepEqual(await rowCounts(), before);
      });
    }

    await t.step("a plan that fails while being written leaves nothing behind", async () => {
      const before = await rowCounts();
      const service = createProjectService({
        sql: app.database.sql,
        logger: createLogger({ level: "error", name: "test", write: () => {} }),
      });
      // Skips validation on purpose: the dependency row is the last insert and fails.
      const unchecked = {
        ...smallPlan(),
        format: "graphmind.project-plan",
        version: 1,
        baseDate: day(0),
      } as Record<string, unknown>;
      unchecked.tasks = [{
        id: "a",
        phaseId: "build",
        name: "A",
        description: "",
        priority: "high",
        estimatedHours: 1,
        status: "not_started",
        assignee: null,
        dependencies: ["ghost"],
        startDate: null,
        endDate: null,
      }];
      unchecked.phases = (unchecked.phases as Record<string, unknown>[]).map((p) => ({
        description: "",
        ...p,
      }));
      await assert.rejects(
        service.importPlan(
          { id: "alice", roles: [], anonymous: false },
          unchecked as unknown as PlanDocument,
        ),
        /foreign key/,
      );
      assert.deepEqual(await rowCounts(), before);
    });

    await t.step("the default plan exports and imports back identically", async () => {
      const original = dataOf(await as(users.alice, EXPORT)).exportPlan as PlanDocument;
      assert.equal(original.tasks.length, 22);
      const copy = dataOf(await as(users.alice, IMPORT, { plan: original })).importPlan as {
        id: string;
      };
      const exported = dataOf(await as(users.alice, EXPORT, { p: copy.id })).exportPlan;
      assert.deepEqual(exported, original);
      assert.equal(JSON.stringify(exported), JSON.stringify(original));
    });

    await t.step(
      "statuses, assignees, dates and dependency order survive the round trip",
      async () => {
        const plan = smallPlan();
        (plan.tasks as Record<string, unknown>[])[3]!.dependencies = ["b", "a"];
        (plan.tasks as Record<string, unknown>[])[1]!.assignee = "carol";
        const id = await importAs(app, users.alice, plan);
        dataOf(
          await as(
            users.alice,
            `mutation ($p: ID) { updateTaskStatus(input: { planId: $p, taskId: "d", status: IN_PROGRESS }) { id } }`,
            { p: id },
          ),
        );
        const first = dataOf(await as(users.alice, EXPORT, { p: id })).exportPlan as PlanDocument;
        const byId = new Map(first.tasks.map((x) => [x.id, x]));
        assert.deepEqual(byId.get("c")?.dependencies, ["b", "a"]);
        assert.equal(byId.get("a")?.assignee, "carol");
        assert.equal(byId.get("z")?.endDate, `${day(-12)}T17:00:00.000Z`);
        assert.equal(byId.get("d")?.status, "in_progress");
        assert.match(byId.get("d")?.startDate ?? "", /^\d{4}-\d\d-\d\dT/);
        const second = await importAs(app, users.alice, first);
        assert.deepEqual(dataOf(await as(users.alice, EXPORT, { p: second })).exportPlan, first);
      },
    );

    await t.step("a plan at the size limit imports and exports back identically", async () => {
      const id = await importAs(app, users.alice, largePlan());
      const first = dataOf(await as(users.alice, EXPORT, { p: id })).exportPlan as PlanDocument;
      assert.equal(first.tasks.length, 2000);
      const again = await importAs(app, users.alice, first);
      assert.deepEqual(dataOf(await as(users.alice, EXPORT, { p: again })).exportPlan, first);
      const over = {
        ...largePlan(),
        tasks: [...(largePlan().tasks as unknown[]), (largePlan().tasks as unknown[])[0]],
      };
      const body = await as(users.alice, IMPORT, { plan: over });
      assert.equal(errorCode(body), "BAD_USER_INPUT");
      assert.match(body.errors?.[0]?.message ?? "", /input\.plan\.tasks: at most 2000 tasks/);
    });

    await t.step("without a base date, a plan starts when its first phase does", async () => {
      const plan = smallPlan();
      delete plan.baseDate;
      const id = await importAs(app, users.bob, plan);
      const data = dataOf(
        await as(users.bob, `query ($p: ID) { plan(id: $p) { baseDate } }`, { p: id }),
      );
      assert.deepEqual(data.plan, { baseDate: day(-20) });
    });
  } finally {
    await app.close();
  }
});
