/**
 * PostgresCheckpointer beyond the conformance suite: what runs rely on
 * (deleteThread, pending writes after a crash, forks on one thread, copies,
 * paging), driven through real LangGraph graphs where it matters.
 *
 * @module
 */
import assert from "node:assert/strict";
import "../support/pglite_template.ts";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { BaseCheckpointSaver, emptyCheckpoint, uuid6 } from "@langchain/langgraph-checkpoint";
import { openDatabase } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import { createCheckpointer, PostgresCheckpointer } from "../../src/threads/checkpointer.ts";

const ALICE = { ownerId: "alice" };
const logger = createLogger({ level: "error", name: "test", write: () => {} });
type Sql = Awaited<ReturnType<typeof openDatabase>>["sql"];

async function withDatabase(run: (sql: Sql) => Promise<void>): Promise<void> {
  const db = await openDatabase(loadConfig({ PGLITE_DATA_DIR: "memory://" }).database, {
    logger,
    metrics: createMetrics(),
  });
  try {
    await migrate(db.sql, { logger });
    await run(db.sql);
  } finally {
    await db.close();
  }
}

/** Row counts of a thread, of one owner's rows when `ownerId` is given. */
async function rowCounts(sql: Sql, threadId: string, ownerId?: string) {
  const owner = ownerId === undefined ? sql`` : sql`AND owner_id = ${ownerId}`;
  const [row] = await sql<{ checkpoints: number; blobs: number; writes: number }[]>`
    SELECT
      (SELECT count(*)::int FROM checkpoints WHERE thread_id = ${threadId} ${owner})
        AS checkpoints,
      (SELECT count(*)::int FROM checkpoint_blobs WHERE thread_id = ${threadId} ${owner}) AS blobs,
      (SELECT count(*)::int FROM checkpoint_writes WHERE thread_id = ${threadId} ${owner})
        AS writes`;
  return row!;
}

const Counter = Annotation.Root({
  log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});

/** A graph with a subgraph (so a child namespace exists) that logs each node. */
function nestedGraph(checkpointer: BaseCheckpointSaver) {
  const inner = new StateGraph(Counter)
    .addNode("inner", () => ({ log: ["inner"] }))
    .addEdge(START, "inner")
    .compile();
  return new StateGraph(Counter)
    .addNode("outer", () => ({ log: ["outer"] }))
    .addNode("sub", inner)
    .addEdge(START, "outer")
    .addEdge("outer", "sub")
    .addEdge("sub", END)
    .compile({ checkpointer });
}

Deno.test("deleteThread removes the thread's rows in every namespace and nothing else", async () => {
  await withDatabase(async (sql) => {
    // One checkpointer serves every user; each run names its owner.
    const checkpointer = createCheckpointer(sql);
    const graph = nestedGraph(checkpointer);
    for (const [thread_id, owner_id] of [["doomed", "alice"], ["kept", "bob"]]) {
      await graph.invoke({ log: ["start"] }, { configurable: { thread_id, owner_id } });
    }
    const before = await rowCounts(sql, "doomed");
    assert.ok(
      before.checkpoints > 0 && before.blobs > 0 && before.writes > 0,
      JSON.stringify(before),
    );
    const namespaces = await sql`
      SELECT DISTINCT checkpoint_ns FROM checkpoints WHERE thread_id = 'doomed'`;
    assert.ok(namespaces.length > 1, "the subgraph wrote a child namespace");
    const kept = await rowCounts(sql, "kept");
    const keptState = await graph.getState({
      configurable: { thread_id: "kept", owner_id: "bob" },
    });

    await checkpointer.deleteThreadOf("doomed", "alice");

    assert.deepEqual(await rowCounts(sql, "doomed"), { checkpoints: 0, blobs: 0, writes: 0 });
    assert.deepEqual(await rowCounts(sql, "kept"), kept);
    assert.equal(
      await checkpointer.getTuple({ configurable: { thread_id: "doomed", owner_id: "alice" } }),
      undefined,
    );
    const state = await graph.getState({ configurable: { thread_id: "kept", owner_id: "bob" } });
    assert.deepEqual(state.values, keptState.values);
  });
});

Deno.test("a task's writes survive a crash before the step's checkpoint; resuming skips it", async () => {
  await withDatabase(async (sql) => {
    const calls = { steady: 0, flaky: 0 };
    let crash = true;
    const build = (checkpointer: BaseCheckpointSaver) =>
      new StateGraph(Counter)
        .addNode("steady", () => {
          calls.steady++;
          return { log: ["steady"] };
        })
        .addNode("flaky", async () => {
          calls.flaky++;
          // Let the sibling finish first, as a slow task would.
          await new Promise((resolve) => setTimeout(resolve, 20));
          if (crash) throw new Error("process died mid-step");
          return { log: ["flaky"] };
        })
        .addEdge(START, "steady")
        .addEdge(START, "flaky")
        .compile({ checkpointer });
    const config = { configurable: { thread_id: "crashy" } };
    await assert.rejects(build(createCheckpointer(sql, ALICE)).invoke({ log: [] }, config), /died/);

    // What a restarted process finds: the step's checkpoint has not been
    // written, but the finished task's writes are pending on its parent.
    const restarted = createCheckpointer(sql, ALICE);
    const latest = await restarted.getTuple(config);
    const pending = latest?.pendingWrites ?? [];
    assert.ok(
      pending.some(([, channel, value]) => channel === "log" && String(value) === "steady"),
      `pending writes: ${JSON.stringify(pending)}`,
    );

    crash = false;
    const result = await build(restarted).invoke(null, config);
    assert.equal(calls.steady, 1, "the task that finished was not run again");
    assert.equal(calls.flaky, 2);
    assert.deepEqual([...result.log].sort(), ["flaky", "steady"]);
  });
});

const Value = Annotation.Root({ value: Annotation<string> });

function echoGraph(checkpointer: BaseCheckpointSaver) {
  return new StateGraph(Value)
    .addNode("echo", (s) => ({ value: `${s.value}!` }))
    .addEdge(START, "echo")
    .compile({ checkpointer });
}

/** Two forks from one checkpoint reach the same version counter with different values. */
async function twoForks(checkpointer: BaseCheckpointSaver) {
  const graph = echoGraph(checkpointer);
  const config = { configurable: { thread_id: "forked" } };
  await graph.invoke({ value: "a" }, config);
  const past = (await graph.getState(config)).config;
  await graph.invoke({ value: "b" }, config);
  const original = (await graph.getState(config)).config;
  const first = await graph.updateState(past, { value: "first edit" });
  const second = await graph.updateState(past, { value: "second edit" });
  const valueAt = async (at: RunnableConfig) => (await graph.getState(at)).values.value;
  return {
    first: await valueAt(first),
    second: await valueAt(second),
    original: await valueAt(original),
  };
}

Deno.test("two forks from one checkpoint and the original branch keep their own values", async () => {
  await withDatabase(async (sql) => {
    assert.deepEqual(await twoForks(createCheckpointer(sql, ALICE)), {
      first: "first edit",
      second: "second edit",
      original: "b!",
    });
  });
});

Deno.test("with plain integer versions the second fork would read the first fork's blob", async () => {
  // Why getNextVersion is overridden: this is the bug it prevents.
  class IntegerVersions extends PostgresCheckpointer {
    override getNextVersion(current: number | undefined): number {
      return BaseCheckpointSaver.prototype.getNextVersion.call(this, current) as number;
    }
  }
  await withDatabase(async (sql) => {
    const { second } = await twoForks(new IntegerVersions(sql, ALICE));
    assert.equal(second, "first edit");
  });
});

Deno.test("copyThread copies every namespace; the copy lives on independently", async () => {
  await withDatabase(async (sql) => {
    const checkpointer = createCheckpointer(sql, ALICE);
    const graph = nestedGraph(checkpointer);
    await graph.invoke({ log: ["start"] }, { configurable: { thread_id: "source" } });
    await checkpointer.copyThread("source", "copy");
    assert.deepEqual(await rowCounts(sql, "copy"), await rowCounts(sql, "source"));

    const sourceBefore = await graph.getState({ configurable: { thread_id: "source" } });

    // The copy continues exactly as a thread that lived the same history.
    for (const [thread_id, inputs] of [["copy", ["again"]], ["reference", ["start", "again"]]]) {
      for (const input of inputs as string[]) {
        await graph.invoke({ log: [input] }, { configurable: { thread_id: thread_id as string } });
      }
    }
    const state = (thread_id: string) => graph.getState({ configurable: { thread_id } });
    assert.deepEqual((await state("copy")).values, (await state("reference")).values);
    assert.ok((await state("copy")).values.log.includes("again"));
    assert.deepEqual((await state("source")).values, sourceBefore.values);
  });
});

Deno.test("list pages through long histories newest first, honouring limit and before", async () => {
  await withDatabase(async (sql) => {
    const checkpointer = createCheckpointer(sql, ALICE);
    let config = { configurable: { thread_id: "long", checkpoint_ns: "" } };
    const ids: string[] = [];
    for (let step = 0; step < 230; step++) {
      const checkpoint = { ...emptyCheckpoint(), id: uuid6(step) };
      ids.push(checkpoint.id);
      const metadata = { source: "loop" as const, step, parents: {}, parity: step % 2 };
      config = (await checkpointer.put(config, checkpoint, metadata, {})) as typeof config;
    }
    const newestFirst = [...ids].reverse();
    const listed = async (options: Parameters<PostgresCheckpointer["list"]>[1]) => {
      const out: string[] = [];
      for await (const t of checkpointer.list({ configurable: { thread_id: "long" } }, options)) {
        out.push(t.checkpoint.id);
      }
      return out;
    };
    assert.deepEqual(await listed({}), newestFirst);
    assert.deepEqual(await listed({ limit: 150 }), newestFirst.slice(0, 150));
    const before = { configurable: { checkpoint_id: ids[120] } };
    assert.deepEqual(await listed({ before }), ids.slice(0, 120).reverse());
    assert.deepEqual(
      await listed({ filter: { parity: 1 }, limit: 3 }),
      newestFirst.filter((_, i) => i % 2 === 0).slice(0, 3),
    );
  });
});

Deno.test("metadata with a NUL character is stored (jsonb cannot hold U+0000)", async () => {
  await withDatabase(async (sql) => {
    const checkpointer = createCheckpointer(sql, ALICE);
    const config = { configurable: { thread_id: "nul" } };
    const metadata = { source: "input" as const, step: -1, parents: {}, note: "a\u0000b \\u0000" };
    const saved = await checkpointer.put(config, emptyCheckpoint(), metadata, {});
    const tuple = await checkpointer.getTuple(saved);
    assert.equal((tuple?.metadata as Record<string, unknown>).note, "ab \\u0000");
  });
});

Deno.test("a retried task keeps its first regular write; special writes are replaced", async () => {
  await withDatabase(async (sql) => {
    const checkpointer = createCheckpointer(sql, ALICE);
    const saved = await checkpointer.put(
      { configurable: { thread_id: "retry" } },
      emptyCheckpoint(),
      { source: "input", step: -1, parents: {} },
      {},
    );
    await checkpointer.putWrites(saved, [["log", "first"], ["__error__", "boom 1"]], "task");
    await checkpointer.putWrites(saved, [["log", "second"], ["__error__", "boom 2"]], "task");
    const tuple = await checkpointer.getTuple(saved);
    assert.deepEqual(tuple?.pendingWrites, [
      ["task", "__error__", "boom 2"],
      ["task", "log", "first"],
    ]);
  });
});

Deno.test("synchronousCommit false writes normally and leaves the session's setting alone", async () => {
  await withDatabase(async (sql) => {
    const checkpointer = createCheckpointer(sql, { ...ALICE, synchronousCommit: false });
    const saved = await checkpointer.put(
      { configurable: { thread_id: "relaxed" } },
      { ...emptyCheckpoint(), channel_values: { a: 1 }, channel_versions: { a: "1" } },
      { source: "input", step: -1, parents: {} },
      { a: "1" },
    );
    await checkpointer.putWrites(saved, [["a", 2]], "task");
    const tuple = await checkpointer.getTuple(saved);
    assert.deepEqual(tuple?.checkpoint.channel_values, { a: 1 });
    assert.deepEqual(tuple?.pendingWrites, [["task", "a", 2]]);
    const [row] = await sql<{ synchronous_commit: string }[]>`SHOW synchronous_commit`;
    assert.equal(row?.synchronous_commit, "on");
  });
});

Deno.test("owners: reads see only the caller's rows, and writes cannot touch another's", async () => {
  await withDatabase(async (sql) => {
    const checkpointer = createCheckpointer(sql);
    const graph = echoGraph(checkpointer);
    const alice = { configurable: { thread_id: "shared-id", owner_id: "alice" } };
    const bob = { configurable: { thread_id: "shared-id", owner_id: "bob" } };
    await graph.invoke({ value: "secret" }, alice);
    const before = await checkpointer.getTuple(alice);
    assert.equal(before?.checkpoint.channel_values.value, "secret!");
    assert.equal(before?.config.configurable?.owner_id, "alice", "the owner travels with configs");

    assert.equal(await checkpointer.getTuple(bob), undefined);
    const bobList = [];
    for await (const t of checkpointer.list(bob)) bobList.push(t);
    assert.deepEqual(bobList, []);

    const aliceIds = { ...before!.config.configurable };
    const asBob = { configurable: { ...aliceIds, owner_id: "bob" } };
    await checkpointer.putWrites(asBob, [["value", "injected"], ["__error__", "boom"]], "t");
    // Same ids, other owner: bob gets a row of his own; alice's is untouched.
    await checkpointer.put(asBob, { ...before!.checkpoint, channel_values: { value: "x" } }, {
      ...before!.metadata!,
      source: "update",
    }, { value: before!.checkpoint.channel_versions.value! });
    assert.equal((await checkpointer.getTuple(asBob))?.checkpoint.channel_values.value, "x");
    const after = await checkpointer.getTuple(alice);
    assert.deepEqual(after?.pendingWrites, before?.pendingWrites);
    assert.deepEqual(after?.checkpoint, before?.checkpoint);
    assert.equal((await graph.getState(alice)).values.value, "secret!");

    await assert.rejects(
      checkpointer.put({ configurable: { thread_id: "x" } }, emptyCheckpoint(), {
        source: "input",
        step: -1,
        parents: {},
      }, {}),
      /no owner\. Pass the thread owner's id as configurable\.owner_id/,
    );
  });
});

Deno.test("reads without an owner refuse instead of reading every user's rows", async () => {
  await withDatabase(async (sql) => {
    // The app's checkpointer: no default owner, each call names its own.
    const checkpointer = createCheckpointer(sql);
    await echoGraph(checkpointer).invoke({ value: "secret" }, {
      configurable: { thread_id: "t", owner_id: "alice" },
    });
    const noOwner = { configurable: { thread_id: "t" } };
    const message = /no owner\. Pass the thread owner's id as configurable\.owner_id/;
    await assert.rejects(checkpointer.getTuple(noOwner), message);
    await assert.rejects(checkpointer.getTuple({ configurable: {} }), message);
    const listAll = async (config: RunnableConfig) => {
      for await (const _ of checkpointer.list(config)) {
        // Draining is enough: the first page is read before any tuple.
      }
    };
    await assert.rejects(listAll(noOwner), message);
    await assert.rejects(listAll({}), message);

    // The instance default is the explicit opt-in (the conformance suite's).
    const scoped = createCheckpointer(sql, ALICE);
    assert.equal((await scoped.getTuple(noOwner))?.checkpoint.channel_values.value, "secret!");
    const bobs = createCheckpointer(sql, { ownerId: "bob" });
    assert.equal(await bobs.getTuple(noOwner), undefined);
  });
});

/** One checkpointer for every user; alice and bob both have a thread "shared". */
async function sharedThreadId(sql: Sql) {
  const checkpointer = createCheckpointer(sql);
  const graph = nestedGraph(checkpointer);
  for (const owner_id of ["alice", "bob"]) {
    await graph.invoke({ log: [owner_id] }, { configurable: { thread_id: "shared", owner_id } });
  }
  const bob = { configurable: { thread_id: "shared", owner_id: "bob" } };
  return { checkpointer, graph, bob, bobRows: await rowCounts(sql, "shared", "bob") };
}

Deno.test("deleteThreadOf deletes one owner's thread; deleteThread needs a default owner", async () => {
  await withDatabase(async (sql) => {
    const { checkpointer, graph, bob, bobRows } = await sharedThreadId(sql);
    const bobState = (await graph.getState(bob)).values;
    await checkpointer.deleteThreadOf("shared", "alice");
    assert.deepEqual(await rowCounts(sql, "shared", "alice"), {
      checkpoints: 0,
      blobs: 0,
      writes: 0,
    });
    assert.deepEqual(await rowCounts(sql, "shared", "bob"), bobRows);
    assert.deepEqual((await graph.getState(bob)).values, bobState);

    await assert.rejects(checkpointer.deleteThread("shared"), /Cannot delete a thread: no owner/);
    await createCheckpointer(sql, { ownerId: "bob" }).deleteThread("shared");
    assert.deepEqual(await rowCounts(sql, "shared"), { checkpoints: 0, blobs: 0, writes: 0 });
  });
});

Deno.test("copyThread copies only the source owner's rows of a thread id", async () => {
  await withDatabase(async (sql) => {
    const { checkpointer, graph, bob, bobRows } = await sharedThreadId(sql);
    const aliceRows = await rowCounts(sql, "shared", "alice");
    await checkpointer.copyThread("shared", "copy", { fromOwnerId: "alice", ownerId: "alice" });
    assert.deepEqual(await rowCounts(sql, "copy"), aliceRows);
    const copied = await graph.getState({ configurable: { thread_id: "copy", owner_id: "alice" } });
    assert.ok(!copied.values.log.includes("bob"), JSON.stringify(copied.values));
    assert.deepEqual(await rowCounts(sql, "shared", "bob"), bobRows);
    assert.ok((await graph.getState(bob)).values.log.includes("bob"));
    await assert.rejects(checkpointer.copyThread("shared", "x"), /Cannot copy a thread: no owner/);
  });
});

/** Every row of one owner's thread, in key order. */
async function threadRows(sql: Sql, threadId: string, ownerId: string) {
  const of = sql`thread_id = ${threadId} AND owner_id = ${ownerId}`;
  return {
    checkpoints: [
      ...await sql`SELECT * FROM checkpoints WHERE ${of} ORDER BY checkpoint_ns, checkpoint_id`,
    ],
    blobs: [
      ...await sql`SELECT * FROM checkpoint_blobs WHERE ${sql`thread_id = ${threadId} AND owner_id = ${ownerId}`} ORDER BY checkpoint_ns, channel, version`,
    ],
    writes: [
      ...await sql`SELECT * FROM checkpoint_writes WHERE ${sql`thread_id = ${threadId} AND owner_id = ${ownerId}`} ORDER BY checkpoint_ns, checkpoint_id, task_id, idx`,
    ],
  };
}

Deno.test("deleteCheckpointsAfter removes exactly the newer checkpoints of one owner", async () => {
  await withDatabase(async (sql) => {
    const { checkpointer, graph, bob } = await sharedThreadId(sql);
    const alice = { configurable: { thread_id: "shared", owner_id: "alice" } };
    const point = (await checkpointer.getTuple({
      configurable: { ...alice.configurable, checkpoint_ns: "" },
    }))!;
    await checkpointer.putWrites(point.config, [["log", "pending"]], "before-run");
    const pointWrites = (await checkpointer.getTuple(point.config))!.pendingWrites!;
    const before = await threadRows(sql, "shared", "alice");
    const bobBefore = await threadRows(sql, "shared", "bob");
    const stateBefore = (await graph.getState(alice)).values;

    // "The run": two more turns (new checkpoints in both namespaces, new
    // blobs, writes) and a write added to the point itself.
    await graph.invoke({ log: ["run 1"] }, alice);
    await graph.invoke({ log: ["run 2"] }, alice);
    await checkpointer.putWrites(point.config, [["log", "added by the run"]], "during-run");
    const during = await threadRows(sql, "shared", "alice");
    assert.ok(during.checkpoints.length > before.checkpoints.length);
    assert.ok(during.blobs.length > before.blobs.length);

    await checkpointer.deleteCheckpointsAfter(
      "shared",
      "alice",
      point.checkpoint.id,
      pointWrites,
    );
    assert.deepEqual(await threadRows(sql, "shared", "alice"), before);
    assert.deepEqual(await threadRows(sql, "shared", "bob"), bobBefore);
    assert.deepEqual((await graph.getState(alice)).values, stateBefore);
    assert.ok((await graph.getState(bob)).values.log.includes("bob"));

    // No point (the thread had no checkpoint before the run): all of the owner's rows go.
    await checkpointer.deleteCheckpointsAfter("shared", "alice", undefined);
    assert.deepEqual(await threadRows(sql, "shared", "alice"), {
      checkpoints: [],
      blobs: [],
      writes: [],
    });
    assert.deepEqual(await threadRows(sql, "shared", "bob"), bobBefore);
  });
});

Deno.test("a primed head serves the next read of that head once; a write drops it", async () => {
  await withDatabase(async (sql) => {
    const checkpointer = createCheckpointer(sql, ALICE);
    const graph = nestedGraph(checkpointer);
    const config = { configurable: { thread_id: "primed" } };
    await graph.invoke({ log: ["start"] }, config);
    const head = await checkpointer.getTuple(config);
    assert.ok(head);
    const thread = { id: "primed", ownerId: "alice" };

    // The next read of the head gets the very tuple handed over; the one after reads the table.
    checkpointer.prime(thread, head);
    assert.equal(await checkpointer.getTuple(config), head);
    const again = await checkpointer.getTuple(config);
    assert.notEqual(again, head);
    assert.equal(again?.checkpoint.id, head.checkpoint.id);

    // A read of a named checkpoint, or of a child namespace, leaves it primed.
    checkpointer.prime(thread, head);
    const named = { configurable: { thread_id: "primed", checkpoint_id: head.checkpoint.id } };
    assert.notEqual(await checkpointer.getTuple(named), head);
    assert.equal(await checkpointer.getTuple(config), head);

    // Another owner's read of a thread with the same id is not served alice's head.
    checkpointer.prime(thread, head);
    const bob = { configurable: { thread_id: "primed", owner_id: "bob" } };
    assert.equal(await checkpointer.getTuple(bob), undefined);

    // A write to the thread drops the primed head: the next read sees the write.
    await checkpointer.getTuple(config);
    checkpointer.prime(thread, head);
    const headConfig = {
      configurable: { thread_id: "primed", checkpoint_ns: "", checkpoint_id: head.checkpoint.id },
    };
    await checkpointer.putWrites(headConfig, [["log", ["pending"]]], "task-1");
    const written = await checkpointer.getTuple(config);
    assert.notEqual(written, head);
    assert.ok(written?.pendingWrites?.some(([taskId]) => taskId === "task-1"));
  });
});
