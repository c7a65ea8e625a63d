/**
 * Delivery plans across tenants: alice imports a plan (bob is even the
 * assignee of one of its tasks); bob and the admin reach for it through
 * every query, mutation and subscription of the project domain. An imported
 * plan is its owner's alone, admins included (src/project/access.ts), so
 * each attempt must answer like a plan that never existed. The shared
 * default plan stays readable by everyone and must carry nothing of alice's.
 */
import assert from "node:assert/strict";
import { createClient } from "graphql-ws";
import { crossTenant } from "../support/tally.ts";
import { startTenants, type TenantName } from "../support/tenants.ts";
import { ok, refuses } from "./helpers.ts";
import { secretPlan } from "./secret_plan.ts";

const INTRUDERS: TenantName[] = ["bob", "admin"];
const EXPORT = "query ($p: ID) { exportPlan(planId: $p) plan(id: $p) { updatedAt } }";
const UPDATE =
  "mutation ($i: UpdateTaskStatusInput!) { updateTaskStatus(input: $i) { id status } }";
const ASSIGN = "mutation ($i: AssignTaskInput!) { assignTask(input: $i) { id assignee } }";
const CHANGED = `subscription ($p: ID, $initial: Boolean) {
  projectStatusChanged(planId: $p, initial: $initial) {
    planId planName totalTasks inProgressTasks phases { id name } } }`;

Deno.test("tenancy: project plans", async (t) => {
  const tenants = await startTenants();
  const { marker } = tenants;
  try {
    const planId = (await ok(
      tenants,
      "alice",
      "mutation ($plan: JSON!) { importPlan(input: { plan: $plan }) { id } }",
      { plan: secretPlan(marker) },
    )).importPlan.id as string;
    const owned = await ok(tenants, "alice", EXPORT, { p: planId });
    assert.ok(JSON.stringify(owned).includes(marker));
    const unchanged = { as: "alice" as const, query: EXPORT, variables: { p: planId } };
    /** The same variables with the plan id replaced by one that never existed. */
    const withPlan = (id: string, rest: Record<string, unknown> = {}) => ({ p: id, ...rest });

    await t.step("every query on alice's plan", async () => {
      const queries: [string, string, Record<string, unknown>][] = [
        ["plan(id)", "query ($p: ID) { plan(id: $p) { id name description ownedByViewer } }", {}],
        [
          "projectStatus",
          `query ($p: ID) { projectStatus(planId: $p) { planId planName totalTasks
            phases { id name description } currentPhase { id name } } }`,
          {},
        ],
        ["phases", "query ($p: ID) { phases(planId: $p) { id name description } }", {}],
        ["currentPhase", "query ($p: ID) { currentPhase(planId: $p) { id name } }", {}],
        [
          "tasks",
          "query ($p: ID) { tasks(planId: $p, first: 20) { edges { node { id name assignee } } } }",
          {},
        ],
        [
          "tasks (filter on alice and a phase)",
          `query ($p: ID, $who: String, $phase: ID) { tasks(planId: $p, first: 20,
            filter: { assignee: $who, phaseId: $phase }) { edges { node { id name } } } }`,
          { who: "alice", phase: "alpha_phase" },
        ],
        [
          "task(id)",
          "query ($p: ID, $id: ID!) { task(planId: $p, id: $id) { id name description } }",
          { id: "alpha_task_1" },
        ],
        ["nextTasks", "query ($p: ID) { nextTasks(planId: $p) { id name } }", {}],
        [
          "nextTasks (allPhases)",
          "query ($p: ID) { nextTasks(planId: $p, allPhases: true) { id name } }",
          {},
        ],
        [
          "nextTasks (phaseId)",
          "query ($p: ID, $phase: ID) { nextTasks(planId: $p, phaseId: $phase) { id name } }",
          { phase: "beta_phase" },
        ],
        ["exportPlan", "query ($p: ID) { exportPlan(planId: $p) }", {}],
      ];
      for (const as of INTRUDERS) {
        for (const [what, query, rest] of queries) {
          await tenants.attempt(what, {
            as,
            query,
            variables: withPlan(planId, rest),
            missing: withPlan(crypto.randomUUID(), rest),
            transports: what === "projectStatus" ? ["http", "sse", "ws"] : ["http"],
          });
        }
      }
    });

    await t.step("updateTaskStatus and assignTask, even by the task's assignee", async () => {
      const changes: [string, string, Record<string, unknown>][] = [
        ["updateTaskStatus", UPDATE, { taskId: "alpha_task_2", status: "IN_PROGRESS" }],
        ["updateTaskStatus (blocked)", UPDATE, { taskId: "alpha_task_1", status: "BLOCKED" }],
        [
          "updateTaskStatus (forced completion)",
          UPDATE,
          { taskId: "alpha_task_2", status: "COMPLETED", force: true },
        ],
        ["assignTask (to self)", ASSIGN, { taskId: "alpha_task_1", assignee: "bob" }],
        ["assignTask (unassign)", ASSIGN, { taskId: "alpha_task_2", assignee: null }],
      ];
      for (const as of INTRUDERS) {
        for (const [what, query, input] of changes) {
          await tenants.attempt(what, {
            as,
            query,
            variables: { i: { planId, ...input } },
            missing: { i: { planId: crypto.randomUUID(), ...input } },
            unchanged,
          });
        }
      }
    });

    await t.step("projectStatusChanged on alice's plan over SSE and WebSocket", async () => {
      for (const as of INTRUDERS) {
        for (const initial of [true, false]) {
          await tenants.attempt(`projectStatusChanged (initial ${initial})`, {
            as,
            query: CHANGED,
            variables: { p: planId, initial },
            missing: { p: crypto.randomUUID(), initial },
            transports: ["sse", "ws"],
          });
        }
      }
    });

    await t.step("plans and the shared plan show nothing of alice's", async () => {
      const reads: [string, string][] = [
        ["plans", "{ plans(first: 20) { edges { node { id name description ownedByViewer } } } }"],
        [
          "tasks of the shared plan assigned to alice",
          '{ tasks(first: 50, filter: { assignee: "alice" }) { edges { node { id name } } } }',
        ],
        ["nextTasks of the shared plan", "{ nextTasks(allPhases: true, limit: 50) { id name } }"],
        ["the shared plan's status", "{ projectStatus { planId planName phases { id name } } }"],
      ];
      for (const as of INTRUDERS) {
        for (const [what, query] of reads) {
          await tenants.invisible(what, { as, query, markers: [planId, "alpha_"] });
        }
        const plans = await ok(tenants, as, "{ plans(first: 20) { edges { node { id } } } }");
        assert.deepEqual(plans.plans.edges.map((e: { node: { id: string } }) => e.node.id), [
          "default",
        ]);
      }
    });

    await t.step("a subscriber of the shared plan hears nothing of alice's changes", async () => {
      const client = createClient({
        url: tenants.url.replace("http", "ws"),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${tenants.bob.token}` },
      });
      const events = client.iterate({ query: CHANGED, variables: { initial: true } });
      try {
        const first = await events.next();
        assert.equal(
          (first.value?.data?.projectStatusChanged as { planId: string }).planId,
          "default",
        );
        crossTenant(
          "projectStatusChanged (shared plan) hears alice's plan changes, as bob over ws",
        );
        await ok(tenants, "alice", UPDATE, {
          i: { planId, taskId: "alpha_task_1", status: "IN_PROGRESS" },
        });
        await ok(tenants, "admin", UPDATE, { i: { taskId: "arch_001", status: "IN_PROGRESS" } });
        const next = await events.next();
        const text = JSON.stringify(next.value);
        assert.ok(!text.includes(marker) && !text.includes(planId), text);
        const status = next.value?.data?.projectStatusChanged as {
          planId: string;
          inProgressTasks: number;
        };
        assert.equal(status.planId, "default", text);
        assert.equal(status.inProgressTasks, 1, "the admin's change, not alice's");
      } finally {
        await events.return?.();
        await client.dispose();
      }
    });

    await t.step("bad inputs the project tests do not cover", async () => {
      const before = await ok(tenants, "alice", EXPORT, { p: planId });
      const cases: [string, string, Record<string, unknown>, RegExp][] = [
        ["updateTaskStatus empty planId", UPDATE, {
          i: { planId: "", taskId: "alpha_task_1", status: "COMPLETED" },
        }, /input\.planId/],
        ["updateTaskStatus planId too long", UPDATE, {
          i: { planId: "p".repeat(101), taskId: "alpha_task_1", status: "COMPLETED" },
        }, /input\.planId/],
        ["updateTaskStatus taskId with a path", UPDATE, {
          i: { planId, taskId: "../alpha_task_1", status: "COMPLETED" },
        }, /input\.taskId/],
        ["assignTask assignee too long", ASSIGN, {
          i: { planId, taskId: "alpha_task_1", assignee: "a".repeat(201) },
        }, /input\.assignee/],
        ["assignTask taskId too long", ASSIGN, {
          i: { planId, taskId: "t".repeat(65), assignee: "bob" },
        }, /input\.taskId/],
      ];
      for (const [what, query, variables, field] of cases) {
        await refuses(tenants, what, { as: "alice", query, variables, field });
      }
      assert.deepEqual(await ok(tenants, "alice", EXPORT, { p: planId }), before);
    });

    await t.step("alice still reads and changes her plan", async () => {
      const task = await ok(tenants, "alice", ASSIGN, {
        i: { planId, taskId: "alpha_task_2", assignee: "alice" },
      });
      assert.equal(task.assignTask.assignee, "alice");
      const plans = await ok(tenants, "alice", "{ plans(first: 20) { edges { node { id } } } }");
      assert.deepEqual(plans.plans.edges.map((e: { node: { id: string } }) => e.node.id), [
        "default",
        planId,
      ]);
    });
  } finally {
    await tenants.close();
  }
});
