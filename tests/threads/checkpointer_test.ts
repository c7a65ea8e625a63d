/**
 * PostgresCheckpointer beyond the conformance suite: what runs rely on
 * (deleteThread, pending writes after a crash, forks on one thread, copies,
 * paging), driven through real LangGraph graphs where it matters.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { BaseCheckpointSaver, emptyCheckpoint, uuid6 } from "@langchain/langgraph-checkpoint";
import { openDatabase } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import { createCheckpointer, PostgresCheckpointer } from "../../src/threads/checkpointer.ts";

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

async function rowCounts(sql: Sql, threadId: string) {
  const [row] = await sql<{ checkpoints: number; blobs: number; writes: number }[]>`
    SELECT
      (SELECT count(*)::int FROM checkpoints WHERE thread_id = ${threadId}) AS checkpoints,
      (SELECT count(*)::int FROM checkpoint_blobs WHERE thread_id = ${threadId}) AS blobs,
      (SELECT count(*)::int FROM checkpoint_writes WHERE thread_id = ${threadId}) AS writes`;
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
    const checkpointer = createCheckpointer(sql);
    const graph = nestedGraph(checkpointer);
    for (const thread_id of ["doomed", "kept"]) {
      await graph.invoke({ log: ["start"] }, { configurable: { thread_id } });
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
    const keptState = await graph.getState({ configurable: { thread_id: "kept" } });

    // A fresh instance: nothing about the thread lives in the saver object.
    await createCheckpointer(sql).deleteThread("doomed");

    assert.deepEqual(await rowCounts(sql, "doomed"), { checkpoints: 0, blobs: 0, writes: 0 });
    assert.deepEqual(await rowCounts(sql, "kept"), kept);
    assert.equal(await checkpointer.getTuple({ configurable: { thread_id: "doomed" } }), undefined);
    const state = await graph.getState({ configurable: { thread_id: "kept" } });
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
    await assert.rejects(build(createCheckpointer(sql)).invoke({ log: [] }, config), /died/);

    // What a restarted process finds: the step's checkpoint has not been
    // written, but the finished task's writes are pending on its parent.
    const restarted = createCheckpointer(sql);
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
    assert.deepEqual(await twoForks(createCheckpointer(sql)), {
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
    const { second } = await twoForks(new IntegerVersions(sql));
    assert.equal(second, "first edit");
  });
});

Deno.test("copyThread copies every namespace; the copy lives on independently", async () => {
  await withDatabase(async (sql) => {
    const checkpointer = createCheckpointer(sql);
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
    const checkpointer = createCheckpointer(sql);
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
    const checkpointer = createCheckpointer(sql);
    const config = { configurable: { thread_id: "nul" } };
    const metadata = { source: "input" as const, step: -1, parents: {}, note: "a\u0000b \\u0000" };
    const saved = await checkpointer.put(config, emptyCheckpoint(), metadata, {});
    const tuple = await checkpointer.getTuple(saved);
    assert.equal((tuple?.metadata as Record<string, unknown>).note, "ab \\u0000");
  });
});

Deno.test("a retried task keeps its first regular write; special writes are replaced", async () => {
  await withDatabase(async (sql) => {
    const checkpointer = createCheckpointer(sql);
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
