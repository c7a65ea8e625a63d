/**
 * The run store scopes every statement by owner: another user's thread or
 * run id reads nothing and changes nothing, even when a caller forgets the
 * resolver's own check.
 *
 * @module
 */
import assert from "node:assert/strict";
import "../support/pglite_template.ts";
import { openDatabase } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import { createThreadStore } from "../../src/threads/store.ts";
import { createRunStore } from "../../src/runs/store.ts";

const logger = createLogger({ level: "error", name: "test", write: () => {} });

Deno.test("run store statements never reach another owner's threads or runs", async () => {
  const db = await openDatabase(loadConfig({ PGLITE_DATA_DIR: "memory://" }).database, {
    logger,
    metrics: createMetrics(),
  });
  try {
    await migrate(db.sql, { logger });
    const threads = createThreadStore(db.sql);
    const runs = createRunStore(db.sql, { leaseSeconds: 60, workerId: "worker-a" });
    const thread = await threads.insert({
      ownerId: "alice",
      agentId: "assistant",
      title: null,
      metadata: {},
    });
    const row = {
      threadId: thread.id,
      agentId: "assistant",
      kind: "message" as const,
      multitaskStrategy: "reject" as const,
      input: {
        kind: "message" as const,
        message: { id: "m1", content: "hi" },
        requireApproval: false,
      },
      permissions: undefined,
    };
    const admitAll = { admit: () => {} };
    const nothing = () => Promise.resolve();
    const { run } = await runs.create(
      { ...row, id: crypto.randomUUID(), ownerId: "alice" },
      admitAll,
      nothing,
    );
    await db.sql`UPDATE threads SET status = 'idle' WHERE id = ${thread.id}`;
    const snapshot = async () => ({
      thread: await threads.find("alice", thread.id),
      run: await runs.find("alice", run.id),
      count: (await db.sql`SELECT count(*)::int AS n FROM runs`)[0]!.n,
    });
    const before = await snapshot();

    // bob names alice's thread: no lock, no run, no status change.
    await assert.rejects(
      runs.create({ ...row, id: crypto.randomUUID(), ownerId: "bob" }, admitAll, nothing),
      (e: Error) => e.name === "NotFoundError" && /was not found/.test(e.message),
    );
    assert.deepEqual([
      ...await runs.listForThread("bob", thread.id, { limit: 10, inverted: false }),
    ], []);
    assert.equal(await runs.latestForThread("bob", thread.id), undefined);
    await runs.markStarted("bob", run.id, "cp-x");
    await runs.finish("bob", run.id, {
      status: "error",
      error: "forged",
      checkpointId: "cp-y",
      lastSequence: 9,
      threadStatus: "error",
    });
    assert.equal(
      await runs.requestCancel("bob", run.id, { action: "interrupt", reason: "x" }),
      undefined,
    );
    assert.deepEqual(await snapshot(), before);

    // alice's own calls work.
    assert.deepEqual(
      (await runs.listForThread("alice", thread.id, { limit: 10, inverted: false })).map((r) =>
        r.id
      ),
      [run.id],
    );
    assert.equal((await runs.latestForThread("alice", thread.id))?.id, run.id);
    // Only the claiming worker may record the start and the end.
    const [claimed] = await runs.claim(5, 3);
    assert.equal(claimed?.id, run.id);
    assert.deepEqual(claimed?.input, row.input);
    await runs.markStarted("alice", run.id, "cp-0");
    assert.equal((await runs.find("alice", run.id))?.status, "running");
    const other = createRunStore(db.sql, { leaseSeconds: 60, workerId: "worker-b" });
    assert.deepEqual(await other.claim(5, 3), [], "a leased run is not claimed twice");
    const forged = await other.finish("alice", run.id, {
      status: "error",
      error: "not mine",
      checkpointId: null,
      lastSequence: 1,
      threadStatus: "error",
    });
    assert.equal(forged.recorded, false);
    await runs.finish("alice", run.id, {
      status: "success",
      error: null,
      checkpointId: "cp-1",
      lastSequence: 3,
      threadStatus: "idle",
    });
    const done = await runs.find("alice", run.id);
    assert.deepEqual([done?.status, done?.preCheckpointId, done?.checkpointId], [
      "success",
      "cp-0",
      "cp-1",
    ]);
  } finally {
    await db.close();
  }
});
