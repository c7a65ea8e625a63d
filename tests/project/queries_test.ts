import assert from "node:assert/strict";
import { dataOf, errorCode, importAs, signUsers, startProjectApp, today } from "./support.ts";

interface Task {
  id: string;
  priority: string;
  status: string;
  estimatedHours: number;
  dependencies: string[];
}

const TASK_FIELDS = "id name priority status estimatedHours dependencies";

Deno.test("project queries over GraphQL", async (t) => {
  const app = await startProjectApp();
  const users = await signUsers();
  const query = (q: string, variables: Record<string, unknown> = {}, who = users.alice) =>
    app.graphql(q, variables, who);
  try {
    await t.step("projectStatus has the contract's fields for the default plan", async () => {
      const data = dataOf(
        await query(`{ projectStatus {
          totalPhases completedPhases totalTasks completedTasks overallCompletion
          currentPhase { id name startDate targetEndDate } currentPhaseBasis asOf planId
          phases { id name completion isCompleted }
        } }`),
      );
      const status = data.projectStatus as Record<string, unknown>;
      assert.deepEqual(
        { ...status, phases: (status.phases as unknown[]).length },
        {
          totalPhases: 5,
          completedPhases: 0,
          totalTasks: 22,
          completedTasks: 0,
          overallCompletion: 0,
          currentPhase: {
            id: "phase_1",
            name: "Core architecture",
            startDate: today(),
            targetEndDate: (status.currentPhase as { targetEndDate: string }).targetEndDate,
          },
          currentPhaseBasis: "SCHEDULE",
          asOf: today(),
          planId: "default",
          phases: 5,
        },
      );
      assert.deepEqual((status.phases as unknown[])[0], {
        id: "phase_1",
        name: "Core architecture",
        completion: 0,
        isCompleted: false,
      });
    });

    await t.step("phases and currentPhase answer for the default plan", async () => {
      const data = dataOf(
        await query(`{
        phases { id completion isCompleted isOverdue totalTasks }
        currentPhase { id }
      }`),
      );
      assert.deepEqual(
        (data.phases as { id: string; totalTasks: number }[]).map((p) => [p.id, p.totalTasks]),
        [["phase_1", 4], ["phase_2", 4], ["phase_3", 4], ["phase_4", 5], ["phase_5", 5]],
      );
      assert.deepEqual(data.currentPhase, { id: "phase_1" });
    });

    await t.step(
      "nextTasks defaults to the current phase, by priority rank then hours",
      async () => {
        const data = dataOf(await query(`{ nextTasks { ${TASK_FIELDS} } }`));
        const tasks = data.nextTasks as Task[];
        assert.deepEqual(tasks.map((x) => [x.id, x.priority, x.estimatedHours]), [
          ["arch_004", "HIGH", 12],
          ["arch_001", "HIGH", 16],
          ["arch_002", "HIGH", 20],
          ["arch_003", "MEDIUM", 8],
        ]);
        assert.deepEqual(tasks[0], {
          id: "arch_004",
          name: "Database model design",
          priority: "HIGH",
          status: "NOT_STARTED",
          estimatedHours: 12,
          dependencies: [],
        });
      },
    );

    await t.step("nextTasks(allPhases) skips tasks with unfinished dependencies", async () => {
      const data = dataOf(
        await query(
          `{ nextTasks(allPhases: true, limit: 50) { id priority estimatedHours dependencies } }`,
        ),
      );
      const tasks = data.nextTasks as Task[];
      assert.ok(tasks.every((x) => x.dependencies.length === 0));
      assert.equal(tasks.length, 22 - 6, "six seeded tasks have dependencies");
      const ranks = tasks.map((x) => ({ HIGH: 0, MEDIUM: 1, LOW: 2 })[x.priority] as number);
      assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
      assert.deepEqual(tasks.slice(0, 3).map((x) => x.id), [
        "monitor_003",
        "deploy_001",
        "arch_004",
      ]);
    });

    await t.step("nextTasks(phaseId) takes one phase; limit caps the list", async () => {
      const data = dataOf(await query(`{ nextTasks(phaseId: "phase_4", limit: 2) { id } }`));
      assert.deepEqual(data.nextTasks, [{ id: "monitor_003" }, { id: "deploy_001" }]);
    });

    await t.step("nextTasks rejects bad arguments", async () => {
      assert.equal(errorCode(await query(`{ nextTasks(limit: 0) { id } }`)), "BAD_USER_INPUT");
      assert.equal(errorCode(await query(`{ nextTasks(limit: 51) { id } }`)), "BAD_USER_INPUT");
      const both = await query(`{ nextTasks(phaseId: "phase_1", allPhases: true) { id } }`);
      assert.equal(errorCode(both), "BAD_USER_INPUT");
      assert.match(both.errors?.[0]?.message ?? "", /either phaseId or allPhases/);
      const unknown = await query(`{ nextTasks(phaseId: "phase_9") { id } }`);
      assert.equal(errorCode(unknown), "NOT_FOUND");
      assert.match(unknown.errors?.[0]?.message ?? "", /phase_9/);
    });

    await t.step("tasks filters by phase, status, priority and assignee", async () => {
      const ids = async (filter: string) => {
        const data = dataOf(
          await query(`{ tasks(filter: ${filter}, first: 100) { edges { node { id } } } }`),
        );
        return (data.tasks as { edges: { node: { id: string } }[] }).edges.map((e) => e.node.id);
      };
      assert.deepEqual(await ids(`{ phaseId: "phase_3" }`), [
        "api_001",
        "api_002",
        "api_003",
        "api_004",
      ]);
      assert.deepEqual(await ids(`{ phaseId: "phase_3", priority: MEDIUM }`), [
        "api_003",
        "api_004",
      ]);
      assert.equal((await ids(`{ status: NOT_STARTED }`)).length, 22);
      assert.deepEqual(await ids(`{ status: COMPLETED }`), []);
      assert.deepEqual(await ids(`{ priority: LOW }`), []);
      dataOf(
        await app.graphql(
          `mutation { assignTask(input: { taskId: "doc_001", assignee: "alice" }) { id } }`,
          {},
          users.admin,
        ),
      );
      assert.deepEqual(await ids(`{ assignee: "alice" }`), ["doc_001"]);
      assert.deepEqual(await ids(`{ assignee: "bob" }`), []);
    });

    await t.step("tasks is a Relay connection that pages both ways", async () => {
      const page = async (args: string) =>
        dataOf(
          await query(`{ tasks(${args}) {
          edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
        } }`),
        ).tasks as {
          edges: { cursor: string; node: { id: string } }[];
          pageInfo: {
            hasNextPage: boolean;
            hasPreviousPage: boolean;
            endCursor: string;
            startCursor: string;
          };
        };
      const first = await page("first: 3");
      assert.deepEqual(first.edges.map((e) => e.node.id), ["arch_001", "arch_002", "arch_003"]);
      assert.equal(first.pageInfo.hasNextPage, true);
      const second = await page(`first: 3, after: "${first.pageInfo.endCursor}"`);
      assert.deepEqual(second.edges.map((e) => e.node.id), ["arch_004", "agent_001", "agent_002"]);
      assert.equal(second.pageInfo.hasPreviousPage, true);
      const back = await page(`last: 2, before: "${second.pageInfo.startCursor}"`);
      assert.deepEqual(back.edges.map((e) => e.node.id), ["arch_002", "arch_003"]);
      const all = await page("first: 100");
      assert.equal(all.edges.length, 22);
      assert.equal(all.pageInfo.hasNextPage, false);
    });

    await t.step("a foreign cursor or a negative page size is BAD_USER_INPUT", async () => {
      const foreign = await query(`{ tasks(after: "bm90LWEtY3Vyc29y") { edges { cursor } } }`);
      assert.equal(errorCode(foreign), "BAD_USER_INPUT");
      assert.match(foreign.errors?.[0]?.message ?? "", /Invalid cursor/);
      assert.equal(
        errorCode(await query(`{ tasks(first: -1) { edges { cursor } } }`)),
        "BAD_USER_INPUT",
      );
    });

    await t.step("task returns one task with its unfinished dependencies", async () => {
      const data = dataOf(
        await query(
          `{ task(id: "api_001") { id phaseId dependencies unfinishedDependencies startDate endDate assignee } }`,
        ),
      );
      assert.deepEqual(data.task, {
        id: "api_001",
        phaseId: "phase_3",
        dependencies: ["agent_001", "agent_002"],
        unfinishedDependencies: ["agent_001", "agent_002"],
        startDate: null,
        endDate: null,
        assignee: null,
      });
    });

    await t.step("unknown plans and tasks are NOT_FOUND in every query", async () => {
      for (
        const q of [
          `{ projectStatus(planId: "nope") { totalTasks } }`,
          `{ phases(planId: "nope") { id } }`,
          `{ currentPhase(planId: "nope") { id } }`,
          `{ tasks(planId: "nope") { edges { cursor } } }`,
          `{ nextTasks(planId: "nope") { id } }`,
          `{ plan(id: "nope") { id } }`,
          `{ exportPlan(planId: "nope") }`,
          `{ task(id: "nope") { id } }`,
        ]
      ) {
        assert.equal(errorCode(await query(q)), "NOT_FOUND", q);
      }
    });

    await t.step("plans lists the default plan and the viewer's own, as a connection", async () => {
      const planId = await importAs(app, users.alice);
      const names = async (who: Record<string, string>) =>
        (dataOf(await query(`{ plans { edges { node { id isDefault ownedByViewer } } } }`, {}, who))
          .plans as { edges: { node: Record<string, unknown> }[] }).edges.map((e) => e.node);
      assert.deepEqual(await names(users.alice), [
        { id: "default", isDefault: true, ownedByViewer: false },
        { id: planId, isDefault: false, ownedByViewer: true },
      ]);
      assert.deepEqual(await names(users.bob), [
        { id: "default", isDefault: true, ownedByViewer: false },
      ]);
    });

    await t.step("the current phase falls back to the earliest unfinished phase", async () => {
      const planId = await importAs(app, users.alice, {
        name: "Not yet started",
        phases: [
          { id: "later", name: "Later", startDate: "2999-01-01", targetEndDate: "2999-02-01" },
          { id: "last", name: "Last", startDate: "2999-02-01", targetEndDate: "2999-03-01" },
        ],
        tasks: [
          { id: "x", phaseId: "later", name: "X", priority: "low", estimatedHours: 3 },
          { id: "y", phaseId: "last", name: "Y", priority: "high", estimatedHours: 1 },
        ],
      });
      const data = dataOf(
        await query(
          `query ($p: ID) { projectStatus(planId: $p) { currentPhase { id } currentPhaseBasis }
          currentPhase(planId: $p) { id } nextTasks(planId: $p) { id } }`,
          { p: planId },
        ),
      );
      assert.deepEqual(data, {
        projectStatus: { currentPhase: { id: "later" }, currentPhaseBasis: "EARLIEST_UNFINISHED" },
        currentPhase: { id: "later" },
        nextTasks: [{ id: "x" }],
      });
    });
  } finally {
    await app.close();
  }
});

Deno.test("without a token, staging answers the project queries UNAUTHENTICATED", async () => {
  const app = await startProjectApp({ ENVIRONMENT: "staging" });
  try {
    const body = await app.graphql("{ projectStatus { totalTasks } }");
    assert.equal(errorCode(body), "UNAUTHENTICATED");
  } finally {
    await app.close();
  }
});
