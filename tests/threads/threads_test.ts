// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { startRunsApp } from "../runs/harness.ts";

const FIELDS = "id agentId title status metadata createdAt updatedAt";
const THREAD = `query($id: ID!) { thread(id: $id) { ${FIELDS} checkpointId
  messages { id role content toolCalls { id } toolCallId } values
  history(first: 50) { edges { cursor node { id parentId step source next
    messages { content } } } pageInfo { hasNextPage endCursor } }
  runs { edges { node { id status } } } } }`;
const LIST = `query($first: Int, $after: String, $filter: ThreadFilter) {
  threads(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id title } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;

Deno.test("threads: create, read, list, update, copy, fork and delete", async (t) => {
  const app = await startRunsApp();
  try {
    await t.step(
      "createThread defaults to the supervisor; state comes from checkpoints",
      async () => {
        const created = (await app.ok(
          "alice",
          `mutation { createThread(input: {title: "Trip",
        metadata: {topic: "travel"}}) { ${FIELDS} messages { id } } }`,
        )).createThread;
        assert.equal(created.agentId, "supervisor");
        assert.equal(created.status, "IDLE");
        assert.deepEqual(created.metadata, { topic: "travel" });
        assert.deepEqual(created.messages, []);
        const run = await app.sendMessage("alice", { threadId: created.id, content: "Paris?" });
        await app.waitForRun("alice", run.id);
        const thread = (await app.ok("alice", THREAD, { id: created.id })).thread;
        assert.deepEqual(thread.messages.map((m: any) => [m.role, m.content.slice(0, 14)]), [
          ["USER", "Paris?"],
          ["ASSISTANT", "Offline model,"],
        ]);
        assert.equal(thread.values.messages.length, 2);
        assert.equal(thread.values.requireApproval, false);
        const history = thread.history.edges.map((e: any) => e.node);
        assert.deepEqual(history.map((c: any) => c.step), [1, 0, -1], "newest first");
        assert.equal(history[0].id, thread.checkpointId);
        assert.equal(history[0].parentId, history[1].id);
        assert.deepEqual(history[1].messages.map((m: any) => m.content), ["Paris?"]);
        assert.deepEqual(thread.runs.edges.map((e: any) => e.node.status), ["SUCCESS"]);
      },
    );

    await t.step("history pages with first and after", async () => {
      const id = await app.createThread("alice");
      for (const content of ["a", "b"]) {
        await app.waitForRun(
          "alice",
          (await app.sendMessage("alice", { threadId: id, content })).id,
        );
      }
      const all = (await app.ok("alice", THREAD, { id })).thread.history.edges.map((e: any) =>
        e.node.id
      );
      assert.equal(all.length, 6);
      const page =
        `query($id: ID!, $after: String) { thread(id: $id) { history(first: 4, after: $after) {
        edges { node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }`;
      const one = (await app.ok("alice", page, { id })).thread.history;
      assert.equal(one.pageInfo.hasNextPage, true);
      const two =
        (await app.ok("alice", page, { id, after: one.pageInfo.endCursor })).thread.history;
      assert.equal(two.pageInfo.hasNextPage, false);
      assert.equal(two.pageInfo.hasPreviousPage, true);
      assert.deepEqual([...one.edges, ...two.edges].map((e: any) => e.node.id), all);
    });

    await t.step("threads is a keyset-paginated connection with filters", async () => {
      const bob = [];
      for (let i = 0; i < 5; i++) {
        bob.push(
          await app.createThread("bob", { title: `t${i}`, metadata: { n: i, even: i % 2 === 0 } }),
        );
      }
      const first = (await app.ok("bob", LIST, { first: 2 })).threads;
      assert.deepEqual(first.edges.map((e: any) => e.node.title), ["t4", "t3"]);
      assert.equal(first.pageInfo.hasNextPage, true);
      const second =
        (await app.ok("bob", LIST, { first: 2, after: first.pageInfo.endCursor })).threads;
      assert.deepEqual(second.edges.map((e: any) => e.node.title), ["t2", "t1"]);
      const third =
        (await app.ok("bob", LIST, { first: 2, after: second.pageInfo.endCursor })).threads;
      assert.deepEqual(third.edges.map((e: any) => e.node.title), ["t0"]);
      assert.equal(third.pageInfo.hasNextPage, false);
      const even = (await app.ok("bob", LIST, { filter: { metadata: { even: true } } })).threads;
      assert.deepEqual(even.edges.map((e: any) => e.node.title), ["t4", "t2", "t0"]);
      const byAgent = await app.ok("bob", LIST, {
        filter: { agentId: "supervisor", status: "IDLE" },
      });
      assert.equal(byAgent.threads.edges.length, 5);
      const busy = (await app.ok("bob", LIST, { filter: { status: "BUSY" } })).threads;
      assert.deepEqual(busy.edges, []);
      const none = (await app.ok("bob", LIST, { filter: { agentId: "nobody" } })).threads;
      assert.deepEqual(none.edges, []);

      // Backwards, as Relay pages: `last` reads the oldest end, `before` steps back.
      const BACK = `query($last: Int, $before: String) { threads(last: $last, before: $before) {
        edges { node { title } } pageInfo { hasNextPage hasPreviousPage startCursor } } }`;
      const oldest = (await app.ok("bob", BACK, { last: 2 })).threads;
      assert.deepEqual(oldest.edges.map((e: any) => e.node.title), ["t1", "t0"]);
      assert.equal(oldest.pageInfo.hasPreviousPage, true);
      assert.equal(oldest.pageInfo.hasNextPage, false);
      const newer = (await app.ok("bob", BACK, { last: 2, before: oldest.pageInfo.startCursor }))
        .threads;
      assert.deepEqual(newer.edges.map((e: any) => e.node.title), ["t3", "t2"]);
      assert.equal(newer.pageInfo.hasNextPage, true);
      const newest = (await app.ok("bob", BACK, { last: 2, before: newer.pageInfo.startCursor }))
        .threads;
      assert.deepEqual(newest.edges.map((e: any) => e.node.title), ["t4"]);
      assert.equal(newest.pageInfo.hasPreviousPage, false);
    });

    await t.step("updateThread changes the title and merges metadata", async () => {
      const id = await app.createThread("alice", { title: "old", metadata: { a: 1, b: 2 } });
      const updated = (await app.ok(
        "alice",
        `mutation($input: UpdateThreadInput!) {
        updateThread(input: $input) { title metadata updatedAt createdAt } }`,
        {
          input: { threadId: id, title: "new", metadata: { b: 3, c: 4 } },
        },
      )).updateThread;
      assert.equal(updated.title, "new");
      assert.deepEqual(updated.metadata, { a: 1, b: 3, c: 4 });
      assert.ok(new Date(updated.updatedAt) >= new Date(updated.createdAt));
      const kept = (await app.ok(
        "alice",
        `mutation($input: UpdateThreadInput!) {
        updateThread(input: $input) { title metadata } }`,
        { input: { threadId: id } },
      )).updateThread;
      assert.deepEqual(kept, { title: "new", metadata: { a: 1, b: 3, c: 4 } });
    });

    await t.step("copyThread copies the whole history; the copy evolves on its own", async () => {
      const id = await app.createThread("alice", { title: "orig" });
      await app.waitForRun(
        "alice",
        (await app.sendMessage("alice", { threadId: id, content: "one" })).id,
      );
      const copy = (await app.ok(
        "alice",
        `mutation($input: ThreadIdInput!) { copyThread(input: $input) {
        id title agentId } }`,
        { input: { threadId: id } },
      )).copyThread;
      assert.notEqual(copy.id, id);
      assert.equal(copy.title, "orig");
      const a = (await app.ok("alice", THREAD, { id })).thread;
      const b = (await app.ok("alice", THREAD, { id: copy.id })).thread;
      assert.deepEqual(b.messages, a.messages);
      assert.deepEqual(
        b.history.edges.map((e: any) => e.node.id),
        a.history.edges.map((e: any) => e.node.id),
      );
      await app.waitForRun(
        "alice",
        (await app.sendMessage("alice", { threadId: copy.id, content: "two" })).id,
      );
      assert.equal((await app.ok("alice", THREAD, { id: copy.id })).thread.messages.length, 4);
      assert.equal((await app.ok("alice", THREAD, { id })).thread.messages.length, 2);
    });

    await t.step(
      "forkThread starts a new thread from a past checkpoint (time travel)",
      async () => {
        const id = await app.createThread("alice");
        for (const content of ["first", "second"]) {
          await app.waitForRun(
            "alice",
            (await app.sendMessage("alice", { threadId: id, content })).id,
          );
        }
        const original = (await app.ok("alice", THREAD, { id })).thread;
        // The checkpoint after the first turn ended: step 1, nothing next.
        const past = original.history.edges.map((e: any) => e.node)
          .find((c: any) => c.step === 1 && c.next.length === 0);
        const fork = (await app.ok(
          "alice",
          `mutation($input: ForkThreadInput!) { forkThread(input: $input) {
        id metadata messages { content } } }`,
          {
            input: { threadId: id, checkpointId: past.id },
          },
        )).forkThread;
        assert.deepEqual(fork.messages.map((m: any) => m.content.slice(0, 5)), ["first", "Offli"]);
        assert.deepEqual(fork.metadata.forkedFrom, { threadId: id, checkpointId: past.id });
        await app.waitForRun(
          "alice",
          (await app.sendMessage("alice", { threadId: fork.id, content: "other" })).id,
        );
        const forked = (await app.ok("alice", THREAD, { id: fork.id })).thread;
        assert.deepEqual(forked.messages.map((m: any) => m.content.slice(0, 5)), [
          "first",
          "Offli",
          "other",
          "Offli",
        ]);
        assert.deepEqual(
          (await app.ok("alice", THREAD, { id })).thread.messages,
          original.messages,
        );
        const missing = await app.fails(
          "alice",
          `mutation($input: ForkThreadInput!) {
        forkThread(input: $input) { id } }`,
          { input: { threadId: id, checkpointId: "nope" } },
        );
        assert.equal(missing.extensions?.code, "NOT_FOUND");
        assert.match(missing.message, /Checkpoint "nope"/);
      },
    );

    await t.step("deleteThread removes the thread, its runs and its checkpoints", async () => {
      const id = await app.createThread("alice");
      const run = await app.sendMessage("alice", { threadId: id, content: "bye" });
      await app.waitForRun("alice", run.id);
      const deleted = await app.ok(
        "alice",
        `mutation($input: ThreadIdInput!) {
        deleteThread(input: $input) }`,
        { input: { threadId: id } },
      );
      assert.equal(deleted.deleteThread, id);
      const thread = await app.fails("alice", THREAD, { id });
      assert.equal(thread.extensions?.code, "NOT_FOUND");
      const gone = await app.fails("alice", "query($id: ID!) { run(id: $id) { id } }", {
        id: run.id,
      });
      assert.equal(gone.extensions?.code, "NOT_FOUND");
      const rows = await app.database.sql`SELECT 1 FROM runs WHERE thread_id = ${id}`;
      assert.equal(rows.length, 0);
    });

    await t.step("deleting a busy thread stops its run first", async () => {
      const id = await app.createThread("alice");
      const long = "go " + "on ".repeat(60);
      const run = await app.sendMessage("alice", { threadId: id, content: long });
      await app.ok("alice", `mutation($input: ThreadIdInput!) { deleteThread(input: $input) }`, {
        input: { threadId: id },
      });
      assert.equal(app.runs.running, 0);
      const rows = await app.database.sql`SELECT 1 FROM runs WHERE id = ${run.id}`;
      assert.equal(rows.length, 0);
    });
  } finally {
    await app.close();
  }
});
