import assert from "node:assert/strict";
import { dataOf, errorCode, signUsers, startProjectApp } from "./support.ts";

const UPDATE = `mutation ($taskId: ID!, $status: TaskStatus!, $force: Boolean) {
  updateTaskStatus(input: { taskId: $taskId, status: $status, force: $force }) {
    id status startDate endDate assignee updatedAt
  }
}`;
const ASSIGN = `mutation ($taskId: ID!, $assignee: String) {
  assignTask(input: { taskId: $taskId, assignee: $assignee }) { id assignee }
}`;
const TASK =
  `query ($id: ID!) { task(id: $id) { id status startDate endDate assignee updatedAt } }`;

interface Task {
  id: string;
  status: string;
  startDate: string | null;
  endDate: string | null;
  assignee: string | null;
  updatedAt: string;
}

Deno.test("task mutations on the shared default plan", async (t) => {
  // One step acts as the tokenless local user, which needs DEV_LOCAL_ADMIN to be an admin.
  const app = await startProjectApp({ DEV_LOCAL_ADMIN: "true" });
  const users = await signUsers();
  const update = (who: Record<string, string>, taskId: string, status: string, force?: boolean) =>
    app.graphql(UPDATE, { taskId, status, force }, who);
  const assign = (who: Record<string, string>, taskId: string, assignee: string | null) =>
    app.graphql(ASSIGN, { taskId, assignee }, who);
  const task = async (id: string) =>
    dataOf(await app.graphql(TASK, { id }, users.bob)).task as Task;
  try {
    await t.step("a user who is not the assignee may not change a task", async () => {
      const body = await update(users.alice, "arch_001", "IN_PROGRESS");
      assert.equal(errorCode(body), "FORBIDDEN");
      assert.match(body.errors?.[0]?.message ?? "", /only admins and the task's assignee/);
      assert.equal((await task("arch_001")).status, "NOT_STARTED");
      assert.equal(errorCode(await assign(users.alice, "arch_001", "alice")), "FORBIDDEN");
      assert.equal((await task("arch_001")).assignee, null);
    });

    await t.step("an admin assigns; the assignee may then change the task", async () => {
      assert.deepEqual(dataOf(await assign(users.admin, "arch_001", "alice")).assignTask, {
        id: "arch_001",
        assignee: "alice",
      });
      const before = Date.now();
      const started = dataOf(await update(users.alice, "arch_001", "IN_PROGRESS"))
        .updateTaskStatus as Task;
      assert.equal(started.status, "IN_PROGRESS");
      assert.ok(started.startDate !== null && Date.parse(started.startDate) >= before - 1000);
      assert.equal(started.endDate, null);
      assert.equal(errorCode(await update(users.bob, "arch_001", "COMPLETED")), "FORBIDDEN");
      assert.equal(errorCode(await assign(users.bob, "arch_001", "bob")), "FORBIDDEN");

      const done = dataOf(await update(users.alice, "arch_001", "COMPLETED"))
        .updateTaskStatus as Task;
      assert.equal(done.status, "COMPLETED");
      assert.equal(done.startDate, started.startDate, "completing keeps the start date");
      assert.ok(
        done.endDate !== null && Date.parse(done.endDate) >= Date.parse(started.startDate!),
      );
    });

    await t.step("setting the status a task already has changes nothing", async () => {
      const before = await task("arch_001");
      const again = dataOf(await update(users.alice, "arch_001", "COMPLETED")).updateTaskStatus;
      assert.deepEqual(again, before);
    });

    await t.step("status reflects the change", async () => {
      const data = dataOf(
        await app.graphql(
          "{ projectStatus { completedTasks overallCompletion phases { id completion } } }",
          {},
          users.bob,
        ),
      );
      const status = data.projectStatus as {
        completedTasks: number;
        overallCompletion: number;
        phases: { id: string; completion: number }[];
      };
      assert.equal(status.completedTasks, 1);
      assert.equal(status.overallCompletion, 4.55);
      assert.equal(status.phases[0]?.completion, 25);
    });

    await t.step("completing with unfinished dependencies is a CONFLICT naming them", async () => {
      dataOf(await assign(users.admin, "agent_001", "alice"));
      const body = await update(users.alice, "agent_001", "COMPLETED");
      assert.equal(errorCode(body), "CONFLICT");
      assert.match(body.errors?.[0]?.message ?? "", /"arch_002" are not completed/);
      assert.deepEqual(body.errors?.[0]?.extensions?.unfinishedDependencies, ["arch_002"]);
      assert.equal((await task("agent_001")).status, "NOT_STARTED");
    });

    await t.step("only an admin may force it: FORBIDDEN for the assignee", async () => {
      const body = await update(users.alice, "agent_001", "COMPLETED", true);
      assert.equal(errorCode(body), "FORBIDDEN");
      assert.match(body.errors?.[0]?.message ?? "", /Only an admin may force/);
      assert.equal((await task("agent_001")).status, "NOT_STARTED");
      const forced = dataOf(await update(users.admin, "agent_001", "COMPLETED", true))
        .updateTaskStatus as Task;
      assert.equal(forced.status, "COMPLETED");
      assert.ok(forced.startDate !== null && forced.endDate !== null);
    });

    await t.step(
      "going back to NOT_STARTED clears both dates; BLOCKED keeps the start",
      async () => {
        const blocked = dataOf(await update(users.admin, "arch_002", "IN_PROGRESS"))
          .updateTaskStatus as Task;
        const kept = dataOf(await update(users.admin, "arch_002", "BLOCKED"))
          .updateTaskStatus as Task;
        assert.equal(kept.startDate, blocked.startDate);
        const reset = dataOf(await update(users.admin, "agent_001", "NOT_STARTED"))
          .updateTaskStatus as Task;
        assert.deepEqual([reset.startDate, reset.endDate], [null, null]);
      },
    );

    await t.step("an assignee may hand a task over, and then loses it", async () => {
      dataOf(await assign(users.alice, "arch_001", "bob"));
      assert.equal(errorCode(await update(users.alice, "arch_001", "IN_PROGRESS")), "FORBIDDEN");
      dataOf(await update(users.bob, "arch_001", "COMPLETED"));
      assert.deepEqual(dataOf(await assign(users.admin, "arch_001", null)).assignTask, {
        id: "arch_001",
        assignee: null,
      });
    });

    await t.step(
      "with DEV_LOCAL_ADMIN=true, development's tokenless local user is an admin",
      async () => {
        const body = await app.graphql(UPDATE, { taskId: "arch_003", status: "COMPLETED" });
        assert.equal((dataOf(body).updateTaskStatus as Task).status, "COMPLETED");
      },
    );

    await t.step("with phase 1 done, phase 2 is current as the earliest unfinished", async () => {
      for (const id of ["arch_002", "arch_004"]) dataOf(await update(users.admin, id, "COMPLETED"));
      const data = dataOf(
        await app.graphql(
          "{ projectStatus { currentPhase { id } currentPhaseBasis completedPhases } nextTasks { id } }",
          {},
          users.bob,
        ),
      );
      assert.deepEqual(data.projectStatus, {
        currentPhase: { id: "phase_2" },
        currentPhaseBasis: "EARLIEST_UNFINISHED",
        completedPhases: 1,
      });
      assert.deepEqual(data.nextTasks, [
        { id: "agent_004" },
        { id: "agent_002" },
        { id: "agent_001" },
      ]);
    });

    await t.step("unknown tasks and plans are NOT_FOUND", async () => {
      assert.equal(errorCode(await update(users.admin, "ghost_001", "COMPLETED")), "NOT_FOUND");
      assert.equal(errorCode(await assign(users.admin, "ghost_001", "alice")), "NOT_FOUND");
      const body = await app.graphql(
        `mutation { updateTaskStatus(input: { planId: "nope", taskId: "arch_001", status: BLOCKED }) { id } }`,
        {},
        users.admin,
      );
      assert.equal(errorCode(body), "NOT_FOUND");
    });

    await t.step(
      "invalid inputs are BAD_USER_INPUT naming the field, and change nothing",
      async () => {
        const empty = await update(users.admin, "", "COMPLETED");
        assert.equal(errorCode(empty), "BAD_USER_INPUT");
        assert.equal(empty.errors?.[0]?.extensions?.field, "input.taskId");
        const blank = await assign(users.admin, "doc_002", "   ");
        assert.equal(errorCode(blank), "BAD_USER_INPUT");
        assert.equal(blank.errors?.[0]?.extensions?.field, "input.assignee");
        assert.equal((await task("doc_002")).assignee, null);
        const status = await app.graphql(
          UPDATE,
          { taskId: "doc_002", status: "DONE" },
          users.admin,
        );
        assert.equal(errorCode(status), "BAD_USER_INPUT");
        assert.equal((await task("doc_002")).status, "NOT_STARTED");
      },
    );
  } finally {
    await app.close();
  }
});
