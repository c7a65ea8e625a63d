/**
 * The durable job queue on real databases: two workers (two pools, as two
 * replicas) on a throwaway database of the local PostgreSQL, and the
 * embedded PGlite path the default app runs. Every wait is on an event (a
 * handler's promise); timings only bound how long a test may take.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import "../support/pglite_template.ts";
import { localPostgres, withReplicaPools } from "../support/local_postgres.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createNotifier } from "../../src/db/notifier.ts";
import { openDatabase } from "../../src/db/client.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import { createJobQueue, type JobQueue, type JobQueueOptions } from "../../src/queue/jobs.ts";
import { createJobStore } from "../../src/queue/job_store.ts";

const local = await localPostgres();
const quiet = createLogger({ level: "error", name: "test", write: () => {} });

/** A queue on `sql` whose log lines land in `logs`. */
function queueOn(
  sql: postgres.Sql,
  mode: "server" | "embedded",
  options: Partial<JobQueueOptions> & { logs?: Record<string, unknown>[] } = {},
): JobQueue {
  const { logs, ...rest } = options;
  const logger = createLogger({
    level: "debug",
    name: "test",
    write: (line) => logs?.push(JSON.parse(line)),
  });
  return createJobQueue({
    sql,
    notifier: createNotifier(sql, mode),
    logger,
    concurrency: 2,
    leaseMs: 5000,
    pollMs: 200,
    retryBaseMs: 10,
    ...rest,
  });
}

/** Two pools on a fresh, migrated database. */
function withTwoReplicas(fn: (a: postgres.Sql, b: postgres.Sql) => Promise<void>) {
  return withReplicaPools(2, async ([a, b]) => {
    await migrate(a!, { logger: quiet });
    await fn(a!, b!);
  });
}

/** A promise with its resolve, for handlers to signal through. */
function signal<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const server = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: local.ignore, fn });

server("two workers on one database never run the same job", async () => {
  await withTwoReplicas(async (a, b) => {
    const total = 40;
    const ran: { id: string; worker: string }[] = [];
    const all = signal();
    const logs: Record<string, unknown>[][] = [[], []];
    const queues = [a, b].map((sql, i) => {
      const queue = queueOn(sql, "server", { logs: logs[i]! });
      queue.register("test.count", {
        async run(job, ctx) {
          // Some real work in the database, while the other worker claims.
          await sql`SELECT pg_sleep(0.01)`;
          assert.ok(await ctx.holds(sql));
          ran.push({ id: job.id, worker: queue.workerId });
          if (ran.length === total) all.resolve();
        },
      });
      return queue;
    });
    try {
      await Promise.all(queues.map((q) => q.start()));
      for (let i = 0; i < total; i++) await queues[i % 2]!.enqueue("test.count", { i });
      await all.promise;
      const ids = ran.map((r) => r.id);
      assert.equal(new Set(ids).size, total, "each job ran once");
      for (const queue of queues) {
        assert.ok(ran.some((r) => r.worker === queue.workerId), "both workers took jobs");
      }
      const starts = logs.flat().filter((l) => l.event === "job_start");
      assert.equal(starts.length, total);
      assert.ok(starts.every((l) => l.kind === "test.count" && l.attempt === 1));
      assert.ok(await queues[0]!.settled(ids, 5000));
      const [row] = await a<{ done: number; attempts: number }[]>`
        SELECT count(*) FILTER (WHERE status = 'done')::int AS done, max(attempts) AS attempts
        FROM jobs WHERE kind = 'test.count'`;
      assert.deepEqual(row, { done: total, attempts: 1 });
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
  });
});

server("a job whose worker died is claimed again once its lease lapses", async () => {
  await withTwoReplicas(async (a, b) => {
    const first = queueOn(a, "server");
    const { id } = await first.enqueue("test.lease", { n: 1 });
    // Worker "dead" claims it and never finishes or renews: its process died.
    const store = createJobStore(a);
    const [claimed] = await store.claim({
      workerId: "dead",
      limit: 1,
      leaseMs: 300,
      kinds: ["test.lease"],
    });
    assert.equal(claimed?.id, id);
    assert.equal(claimed?.attempt, 1);

    const logs: Record<string, unknown>[] = [];
    const second = queueOn(b, "server", { logs, pollMs: 100 });
    const ran = signal<number>();
    second.register("test.lease", {
      run(job) {
        ran.resolve(job.attempt);
        return Promise.resolve();
      },
    });
    try {
      await second.start();
      assert.equal(await ran.promise, 2, "the second worker runs attempt 2");
      assert.ok(await second.settled([id], 5000));
      const [row] = await second.find([id]);
      assert.equal(row?.status, "done");
      assert.equal(row?.claimedBy, second.workerId);
      // The dead holder's stale claim can no longer end the job.
      assert.equal(await store.complete(a, claimed!), false);
      assert.equal(await store.fail(a, claimed!, "late", null), false);
      const start = logs.find((l) => l.event === "job_start");
      assert.deepEqual(
        [start?.job_id, start?.kind, start?.attempt],
        [id, "test.lease", 2],
      );
    } finally {
      await second.close();
    }
  });
});

server("retries are bounded with backoff, then the job fails with the last reason", async () => {
  await withTwoReplicas(async (a) => {
    const queue = queueOn(a, "server");
    const calls: number[] = [];
    const failed = signal<{ reason: string; message: string }>();
    queue.register("test.flaky", {
      maxAttempts: 3,
      run(job) {
        calls.push(job.attempt);
        throw new Error(`boom ${job.attempt}`);
      },
      onFailed(_job, failure, tx) {
        failed.resolve({ reason: failure.reason, message: (failure.error as Error).message });
        return tx`SELECT 1`.then(() => {});
      },
    });
    const permanent = signal<number>();
    let permanentCalls = 0;
    queue.register("test.permanent", {
      maxAttempts: 5,
      retryable: () => false,
      run() {
        permanentCalls++;
        throw new Error("never works");
      },
      onFailed(job) {
        permanent.resolve(job.attempt);
        return Promise.resolve();
      },
    });
    try {
      await queue.start();
      const { id } = await queue.enqueue("test.flaky", {});
      const { id: permanentId } = await queue.enqueue("test.permanent", {});
      const failure = await failed.promise;
      assert.deepEqual(calls, [1, 2, 3]);
      assert.equal(failure.message, "boom 3");
      assert.ok(await queue.settled([id, permanentId], 5000));
      const [row] = await a<{ status: string; attempts: number; error: string }[]>`
        SELECT status, attempts, error FROM jobs WHERE id = ${id}`;
      assert.deepEqual(row, { status: "failed", attempts: 3, error: "Error: boom 3" });
      assert.equal(await permanent.promise, 1);
      assert.equal(permanentCalls, 1, "a permanent error is not retried");
    } finally {
      await queue.close();
    }
  });
});

server("dedupe keys: one unfinished job per key; replace debounces a pending one", async () => {
  await withTwoReplicas(async (a, b) => {
    const qa = queueOn(a, "server");
    const qb = queueOn(b, "server");
    const first = await qa.enqueue("test.dedupe", { v: 1 }, { dedupeKey: "k", delayMs: 60_000 });
    const same = await qb.enqueue("test.dedupe", { v: 2 }, { dedupeKey: "k" });
    assert.deepEqual([first.created, same], [true, { id: first.id, created: false }]);
    const [kept] = await a<
      { payload: { v: number } }[]
    >`SELECT payload FROM jobs WHERE id = ${first.id}`;
    assert.equal(kept?.payload.v, 1, "ignore keeps the waiting job as it is");
    const replaced = await qb.enqueue("test.dedupe", { v: 3 }, {
      dedupeKey: "k",
      delayMs: 0,
      onConflict: "replace",
    });
    assert.deepEqual(replaced, { id: first.id, created: false });
    const [row] = await a<{ payload: { v: number }; due: boolean }[]>`
      SELECT payload, run_after <= now() AS due FROM jobs WHERE id = ${first.id}`;
    assert.deepEqual(row, { payload: { v: 3 }, due: true });
    // Concurrent enqueues of one key from both replicas: still one job.
    const racing = await Promise.all(
      Array.from(
        { length: 10 },
        (_, i) => (i % 2 ? qa : qb).enqueue("test.dedupe", { i }, { dedupeKey: "race" }),
      ),
    );
    assert.equal(new Set(racing.map((r) => r.id)).size, 1);
    assert.equal(racing.filter((r) => r.created).length, 1);
    // Once the holder finished, the key is free again.
    const ran = signal();
    qa.register("test.dedupe", {
      run() {
        ran.resolve();
        return Promise.resolve();
      },
    });
    try {
      await qa.start();
      await qa.flush("test.dedupe", 5000);
      await ran.promise;
      const again = await qb.enqueue("test.dedupe", {}, { dedupeKey: "k", delayMs: 60_000 });
      assert.equal(again.created, true);
      assert.notEqual(again.id, first.id);
      assert.equal(await qb.cancel("k"), true, "a pending job can be dropped");
      assert.equal(await qb.cancel("k"), false);
    } finally {
      await qa.close();
    }
  });
});

server("an enqueue wakes an idle worker on another replica at once (notification)", async () => {
  await withTwoReplicas(async (a, b) => {
    const producer = queueOn(a, "server");
    // A poll this slow never finds the job in time: only the notification can.
    const consumer = queueOn(b, "server", { pollMs: 600_000 });
    const started = signal<number>();
    consumer.register("test.wake", {
      run() {
        started.resolve(performance.now());
        return Promise.resolve();
      },
    });
    try {
      await consumer.start();
      // Let the start-up claim finish, so only the notification can find the job.
      await consumer.flush("test.wake", 1000);
      const sent = performance.now();
      await producer.enqueue("test.wake", {});
      const latency = (await started.promise) - sent;
      assert.ok(latency < 500, `claimed ${latency.toFixed(1)} ms after the enqueue`);
    } finally {
      await consumer.close();
    }
  });
});

server("a periodic kind keeps exactly one unfinished job across replicas", async () => {
  await withTwoReplicas(async (a, b) => {
    let runs = 0;
    let active = 0;
    let overlapped = false;
    const third = signal();
    const queues = [a, b].map((sql) => {
      const queue = queueOn(sql, "server", { pollMs: 100 });
      queue.register("test.tick", {
        everyMs: 150,
        async run() {
          if (++active > 1) overlapped = true;
          await sql`SELECT pg_sleep(0.02)`;
          active--;
          if (++runs === 3) third.resolve();
        },
      });
      return queue;
    });
    try {
      await Promise.all(queues.map((q) => q.start()));
      await third.promise;
      assert.equal(overlapped, false);
      const [row] = await a<{ unfinished: number }[]>`
        SELECT count(*)::int AS unfinished FROM jobs
        WHERE kind = 'test.tick' AND status IN ('pending', 'running')`;
      assert.equal(row?.unfinished, 1);
      const [prune] = await a<{ n: number }[]>`
        SELECT count(*)::int AS n FROM jobs WHERE kind = 'jobs.prune' AND status = 'pending'`;
      assert.equal(prune?.n, 1, "the prune chain is scheduled once");
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
    // Finished jobs older than the retention are pruned.
    await a`UPDATE jobs SET ended_at = now() - interval '2 days' WHERE status = 'done'`;
    const pruned = await createJobStore(a).prune(86_400_000);
    assert.ok(pruned >= 3, `pruned ${pruned}`);
  });
});

Deno.test("embedded PGlite runs the same queue: enqueue, run, retry, dedupe", async () => {
  const db = await openDatabase(loadConfig({ PGLITE_DATA_DIR: "memory://" }).database, {
    logger: quiet,
    metrics: createMetrics(),
  });
  const logs: Record<string, unknown>[] = [];
  const queue = queueOn(db.sql, "embedded", { logs, pollMs: 600_000 });
  try {
    await migrate(db.sql, { logger: quiet });
    const done = signal<number[]>();
    const attempts: number[] = [];
    queue.register("test.embedded", {
      async run(job, ctx) {
        attempts.push(job.attempt);
        if (job.attempt === 1) throw new Error("first try fails");
        await db.sql.begin(async (tx) => assert.ok(await ctx.holds(tx)));
        done.resolve(attempts);
      },
    });
    await queue.start();
    const { id } = await queue.enqueue("test.embedded", {}, { dedupeKey: "one" });
    assert.equal((await queue.enqueue("test.embedded", {}, { dedupeKey: "one" })).id, id);
    assert.deepEqual(await done.promise, [1, 2]);
    assert.ok(await queue.settled([id], 5000));
    assert.equal((await queue.find([id]))[0]?.status, "done");
    assert.deepEqual(
      logs.filter((l) => l.event === "job_start").map((l) => l.attempt),
      [1, 2],
    );
    // Enqueued inside a transaction: claimed once it commits (a first failure, then done).
    const { id: txId } = await db.sql.begin((tx) =>
      queue.enqueue("test.embedded", {}, { tx, dedupeKey: "two" })
    ) as { id: string };
    assert.ok(await queue.settled([txId], 5000));
    assert.equal((await queue.find([txId]))[0]?.status, "done");
  } finally {
    await queue.close();
    await db.close();
  }
});
