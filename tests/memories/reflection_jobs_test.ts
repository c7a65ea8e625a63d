/**
 * Reflection as a durable job: a thread's successful runs keep one pending
 * `memory.reflect` job (a later run's replaces the waiting one), a flush
 * runs it now, and two replicas enqueueing the same thread's reflection run
 * it once between them.
 */
import assert from "node:assert/strict";
import { HumanMessage } from "@langchain/core/messages";
import { startRunsApp } from "../runs/harness.ts";
import { startTestApp } from "../support/app.ts";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";
import {
  REFLECT_KIND,
  reflectionKey,
  reflectPayload,
} from "../../src/memories/extraction/reflection_job.ts";

const local = await localPostgres();

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test("a thread's runs keep one waiting reflection job; a flush runs it once", async () => {
  const app = await startRunsApp({ MEMORY_REFLECTION_DELAY_MS: "600000" });
  try {
    const threadId = await app.createThread("gina");
    for (const content of ["I prefer green tea.", "I live in Porto."]) {
      const run = await app.sendMessage("gina", { threadId, content });
      assert.equal((await app.waitForRun("gina", run.id)).status, "SUCCESS");
    }
    // The hooks enqueue just after the run's status is recorded: wait for
    // the row to hold the second run's messages (condition, with a deadline).
    const jobs = await until(async () => {
      const rows = await app.database.sql<{ status: string; messages: number; owner: string }[]>`
        SELECT status, jsonb_array_length(payload->'messages') AS messages, owner_id AS owner
        FROM jobs WHERE kind = ${REFLECT_KIND} AND dedupe_key = ${reflectionKey(threadId)}`;
      return rows[0]?.messages === 4 ? [...rows] : undefined;
    });
    assert.deepEqual(jobs, [{ status: "pending", messages: 4, owner: "gina" }]);

    assert.ok(await app.jobs.flush(REFLECT_KIND, 30_000));
    const hits = await app.memory.search("gina", { namespacePrefix: [], query: "tea Porto" });
    assert.deepEqual(hits.map((h) => h.value.content).sort(), [
      "I live in Porto",
      "I prefer green tea",
    ]);
    const reflections = app.logs.filter((l) => l.event === "memory_reflection");
    assert.equal(reflections.length, 1);
    assert.equal(reflections[0]!.created, 2);
    assert.equal(
      app.logs.filter((l) => l.event === "job_start" && l.kind === REFLECT_KIND).length,
      1,
    );
  } finally {
    await app.close();
  }
});

Deno.test({
  name: "two replicas enqueueing one thread's reflection run it exactly once",
  ignore: local.ignore,
  async fn() {
    const database = await createThrowawayDatabase();
    const env = { DATABASE_URL: database.url, LANGMEM_EMBEDDING_DIMS: "64" };
    const a = await startTestApp(env);
    const b = await startTestApp(env);
    try {
      const payload = reflectPayload("thread-x", "hana", ["memories"], [
        new HumanMessage("I play the oboe."),
      ]);
      const options = { ownerId: "hana", dedupeKey: reflectionKey("thread-x"), delayMs: 200 };
      const enqueued = await Promise.all([
        a.jobs.enqueue(REFLECT_KIND, payload, options),
        b.jobs.enqueue(REFLECT_KIND, payload, options),
      ]);
      assert.equal(enqueued[0].id, enqueued[1].id);
      assert.ok(await a.jobs.settled([enqueued[0].id], 30_000));
      const starts = [...a.logs, ...b.logs].filter((l) =>
        l.event === "job_start" && l.kind === REFLECT_KIND
      );
      assert.equal(starts.length, 1);
      const reflected = [...a.logs, ...b.logs].filter((l) => l.event === "memory_reflection");
      assert.equal(reflected.length, 1);
      const hits = await a.memory.search("hana", { namespacePrefix: [], query: "oboe" });
      assert.deepEqual(hits.map((h) => h.value.content), ["I play the oboe"]);
    } finally {
      await b.close();
      await a.close();
      await database.drop();
    }
  },
});
