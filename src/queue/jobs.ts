/**
 * The durable job queue for background work (document ingest, memory
 * reflection, consolidation, maintenance): jobs are rows in Postgres
 * (src/queue/job_store.ts), and every replica runs the shared claim loop
 * (src/queue/worker.ts) over the kinds it has handlers for.
 *
 * - **Exactly once while leases are fresh.** A claim takes a lease that the
 *   loop renews; nobody else claims the job until it lapses. A handler that
 *   writes its result in a transaction first calls `ctx.holds(tx)`, which
 *   locks the job's row and checks the claim is still current, so a holder
 *   that lost its lease cannot write after its successor.
 * - **A dead holder's job is claimed again** once its lease lapses, and runs
 *   again from the start: every handler must be idempotent (each documents
 *   why it is). A re-claim past the last attempt ends the job `failed`.
 * - **Bounded retries.** A handler's error re-pends the job with exponential
 *   backoff until `maxAttempts`; then it ends `failed` with the reason and
 *   the handler's `onFailed` runs in the same transaction. Errors the
 *   handler calls permanent (`retryable`) fail at once.
 * - **Dedupe keys**: at most one unfinished job per key.
 * - **Periodic jobs** (`every`) form a chain: ending one inserts the next in
 *   the same transaction, so exactly one unfinished job per kind exists and
 *   a restart never resets the clock.
 * - **Wake-ups**: `enqueue` sends a `graphmind_jobs` notification so idle
 *   workers on every replica claim at once; a timer wakes for the next
 *   delayed job or another worker's lease lapsing, and a slow poll catches
 *   whatever a lost notification hid.
 *
 * Each claim logs `job_start` with `job_id`, `kind` and `attempt`.
 *
 * @example
 * ```ts
 * const jobs = createJobQueue({ sql, notifier, logger, concurrency: 2, leaseMs: 30_000 });
 * jobs.register("email.send", { run: async (job) => await send(job.payload) });
 * await jobs.start();
 * await jobs.enqueue("email.send", { to: "a@example.com" }, { dedupeKey: "welcome:a" });
 * await jobs.close();
 * ```
 * @module
 */
import type { Sql, TransactionSql } from "postgres";
import type { Registry } from "prom-client";
import type { Notifier } from "../db/notifier.ts";
import type { Queryable } from "../db/sql.ts";
import type { Logger } from "../observability/logger.ts";
import { startWorker, type Worker } from "./worker.ts";
import { createJobStore, type Job, type JobRow, type NewJob } from "./job_store.ts";
import { createJobMetrics, type JobMetrics } from "./job_metrics.ts";

export type { Job, JobRow } from "./job_store.ts";

/** The channel enqueues wake workers on; the payload is the job's kind. */
export const JOBS_CHANNEL = "graphmind_jobs";
/** The kind of the queue's own periodic pruning of finished jobs. */
export const PRUNE_KIND = "jobs.prune";

/** What a handler gets besides its job. */
export interface JobContext {
  /**
   * True while this claim is current; run inside the transaction that
   * writes the job's result, it locks the job's row until that commits.
   */
  holds(tx: Queryable): Promise<boolean>;
  logger: Logger;
}

/** Why a job ended `failed`. */
export interface JobFailure {
  /** As stored in `jobs.error`. */
  reason: string;
  /** The last attempt's error; absent when its worker died instead. */
  error?: unknown;
}

/** How one kind of job runs. */
export interface JobHandler<P = Record<string, unknown>> {
  run(job: Job<P>, ctx: JobContext): Promise<void>;
  /** Attempts before the job ends `failed`; default 3. */
  maxAttempts?: number;
  /** False for an error that no retry can fix; default: every error is retried. */
  retryable?(error: unknown): boolean;
  /**
   * Runs once when the job ends `failed`, in the transaction that marks it
   * (after the last attempt, a permanent error, or a holder that died on
   * the last attempt).
   */
  onFailed?(job: Job<P>, failure: JobFailure, tx: TransactionSql): Promise<void>;
  /** Makes the kind periodic: one job every this many milliseconds, across all replicas. */
  everyMs?: number;
}

/** Options for {@linkcode createJobQueue}. */
export interface JobQueueOptions {
  sql: Sql;
  notifier: Notifier;
  logger: Logger;
  /** Jobs this process runs at once. */
  concurrency: number;
  leaseMs: number;
  /** Slow poll for lapsed leases and missed wake-ups; default 5000. */
  pollMs?: number;
  /** The first retry's delay, doubled for each further one (capped at 5 min); default 1000. */
  retryBaseMs?: number;
  /** How long finished jobs are kept before the periodic prune deletes them; default a day. */
  retentionMs?: number;
  /** Default: a random id for this process. */
  workerId?: string;
  /** Counts and times jobs on this registry when given. */
  registry?: Registry;
}

/** Options for {@linkcode JobQueue.enqueue}. */
export type EnqueueOptions = Omit<NewJob, "kind" | "payload"> & {
  /** Enqueue inside this transaction (committed with the caller's writes). */
  tx?: TransactionSql;
};

/** The queue. */
export interface JobQueue {
  /** This process's worker id (`claimed_by`). */
  readonly workerId: string;
  /** Adds the handler of `kind`; call before `start`. */
  register<P>(kind: string, handler: JobHandler<P>): void;
  /** Inserts a job and wakes the workers; returns its id (or the dedupe key's holder). */
  enqueue(
    kind: string,
    payload: unknown,
    options?: EnqueueOptions,
  ): Promise<{ id: string; created: boolean }>;
  /** Starts listening, schedules the periodic kinds and starts claiming. */
  start(): Promise<void>;
  /** Claims now (new work is due). */
  wake(): void;
  /** The rows of `ids` (finished ones until pruned). */
  find(ids: string[]): Promise<JobRow[]>;
  /**
   * Resolves once none of `ids` is pending or running (or `timeoutMs`
   * passed; resolves false then). Polls every 25 ms: for tests, flushes and
   * short waits, not for hot paths.
   */
  settled(ids: string[], timeoutMs?: number): Promise<boolean>;
  /** Drops the pending (not running) job holding `dedupeKey`; true when there was one. */
  cancel(dedupeKey: string): Promise<boolean>;
  /**
   * Resolves once no job holding `dedupeKey` runs (on any replica), or
   * after `timeoutMs` (false then).
   */
  idle(dedupeKey: string, timeoutMs: number): Promise<boolean>;
  /**
   * Makes every pending job of `kind` due now and waits until those and
   * the running ones have ended (tests, demos); false after `timeoutMs`.
   */
  flush(kind: string, timeoutMs?: number): Promise<boolean>;
  /** Stops claiming and waits for the jobs running here. */
  close(): Promise<void>;
}

const MAX_BACKOFF_MS = 5 * 60_000;
const MAX_REASON_CHARS = 2000;

/** Creates the queue; nothing runs until `start()`. */
export function createJobQueue(options: JobQueueOptions): JobQueue {
  const { sql, notifier } = options;
  const logger = options.logger.child({ logger: "graphmind.jobs" });
  const store = createJobStore(sql);
  const handlers = new Map<string, JobHandler<never>>();
  const workerId = options.workerId ?? crypto.randomUUID();
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const retentionMs = options.retentionMs ?? 86_400_000;
  const metrics: JobMetrics | undefined = options.registry === undefined
    ? undefined
    : createJobMetrics(options.registry);
  let worker: Worker | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  let dueTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  handlers.set(
    PRUNE_KIND,
    {
      everyMs: Math.min(3_600_000, Math.max(1000, retentionMs / 4)),
      // Idempotent: deleting what is already deleted deletes nothing.
      async run() {
        const pruned = await store.prune(retentionMs);
        if (pruned > 0) logger.info("finished jobs pruned", { jobs: pruned });
      },
    } satisfies JobHandler,
  );

  const kinds = () => [...handlers.keys()];

  /** Wakes the loop when the next delayed job falls due. */
  async function armDueTimer(): Promise<void> {
    const inMs = await store.nextDueInMs(workerId, kinds());
    if (dueTimer !== undefined) clearTimeout(dueTimer);
    dueTimer = undefined;
    if (inMs === undefined || closed) return;
    // At least 10 ms: a due job another claim holds locked for a moment is not spun on.
    dueTimer = setTimeout(() => void worker?.wake(), Math.max(10, inMs + 5));
    Deno.unrefTimer(dueTimer);
  }

  async function claim(limit: number): Promise<Job[]> {
    const jobs = await store.claim({ workerId, limit, leaseMs: options.leaseMs, kinds: kinds() });
    if (jobs.length < limit) await armDueTimer();
    return jobs;
  }

  function reasonOf(error: unknown): string {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return message.slice(0, MAX_REASON_CHARS);
  }

  /** Ends the claim failed or re-pending, running `onFailed` with the final failure. */
  async function fail(
    job: Job,
    handler: JobHandler<never>,
    failure: JobFailure,
    retry: boolean,
  ) {
    const { reason } = failure;
    const final = !retry;
    const retryIn = final
      ? null
      : Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** Math.max(0, job.attempt - 1));
    await sql.begin(async (tx) => {
      if (!(await store.fail(tx, job, reason, retryIn))) return;
      if (final) {
        await handler.onFailed?.(job as Job<never>, failure, tx);
        await scheduleNext(tx, job, handler);
      }
    });
    metrics?.ended(job.kind, final ? "failed" : "retried");
    const fields = { job_id: job.id, kind: job.kind, attempt: job.attempt, reason };
    if (final) logger.warn("job_failed", { event: "job_failed", ...fields });
    else logger.info("job_retry", { event: "job_retry", retry_in_ms: retryIn, ...fields });
  }

  async function scheduleNext(tx: TransactionSql, job: Job, handler: JobHandler<never>) {
    if (handler.everyMs === undefined) return;
    await store.enqueue(tx, {
      kind: job.kind,
      payload: {},
      dedupeKey: job.kind,
      delayMs: handler.everyMs,
    });
  }

  async function execute(job: Job): Promise<void> {
    const handler = handlers.get(job.kind);
    logger.info("job_start", {
      event: "job_start",
      job_id: job.id,
      kind: job.kind,
      attempt: job.attempt,
      worker_id: workerId,
    });
    if (handler === undefined) {
      const reason = `No handler for kind "${job.kind}"`;
      await fail(job, { run: () => Promise.resolve() }, { reason }, false);
      return;
    }
    if (job.attempt > job.maxAttempts) {
      // Its last holder died on the last attempt.
      await fail(
        job,
        handler,
        {
          reason: `The worker running attempt ${job.maxAttempts} of ${job.maxAttempts} ` +
            "stopped responding (its lease lapsed).",
        },
        false,
      );
      return;
    }
    const started = performance.now();
    const context: JobContext = {
      holds: (tx) => store.holds(tx, job),
      logger: logger.child({ job_id: job.id, kind: job.kind }),
    };
    try {
      await handler.run(job as Job<never>, context);
    } catch (error) {
      const retry = job.attempt < job.maxAttempts && (handler.retryable?.(error) ?? true);
      await fail(job, handler, { reason: reasonOf(error), error }, retry);
      return;
    }
    const done = await sql.begin(async (tx) => {
      if (!(await store.complete(tx, job))) return false;
      await scheduleNext(tx, job, handler);
      return true;
    });
    metrics?.ended(job.kind, done ? "done" : "lost", (performance.now() - started) / 1000);
    if (!done) {
      logger.warn("a job's lease lapsed before it ended; another worker claimed it", {
        job_id: job.id,
        kind: job.kind,
      });
    }
  }

  async function ensurePeriodic(): Promise<void> {
    for (const [kind, handler] of handlers) {
      if (handler.everyMs === undefined) continue;
      await store.enqueue(sql, {
        kind,
        payload: {},
        dedupeKey: kind,
        delayMs: handler.everyMs,
      });
      // A shorter interval than the one the waiting job was scheduled with takes effect now.
      await sql`
        UPDATE jobs SET run_after = now() + ${handler.everyMs}::int * interval '1 millisecond'
        WHERE dedupe_key = ${kind} AND status = 'pending'
          AND run_after > now() + ${handler.everyMs}::int * interval '1 millisecond'`;
    }
  }

  function wake(): void {
    void worker?.wake();
  }

  async function settled(ids: string[], timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await store.find(ids);
      if (rows.every((r) => r.status === "done" || r.status === "failed")) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  return {
    workerId,
    register(kind, handler) {
      if (worker !== undefined) throw new Error(`Register job kind "${kind}" before start()`);
      if (handlers.has(kind)) throw new Error(`Job kind "${kind}" is registered twice`);
      handlers.set(kind, handler as JobHandler<never>);
    },

    async enqueue(kind, payload, enqueueOptions = {}) {
      const { tx, ...rest } = enqueueOptions;
      const result = await store.enqueue(tx ?? sql, { ...rest, kind, payload });
      if (tx !== undefined && notifier.shared) {
        // Sent when the caller's transaction commits, never before its rows are visible.
        await tx`SELECT pg_notify(${JOBS_CHANNEL}, ${kind})`;
      } else if (tx !== undefined) {
        // One session (embedded): the claim queues behind the caller's transaction.
        setTimeout(wake, 0);
      } else {
        await notifier.notify(JOBS_CHANNEL, kind).catch(() => wake());
      }
      return result;
    },

    async start() {
      if (worker !== undefined) return;
      unlisten = await notifier.listen(JOBS_CHANNEL, wake, wake);
      await ensurePeriodic();
      worker = startWorker<Job>({
        name: "jobs",
        capacity: options.concurrency,
        claim,
        execute,
        idOf: (job) => job.id,
        renew: (ids) => store.renew(workerId, ids, options.leaseMs),
        leaseMs: options.leaseMs,
        pollMs: options.pollMs ?? 5000,
        logger,
      });
    },

    wake,

    find: (ids) => store.find(ids),

    settled,

    cancel: (dedupeKey) => store.cancelPending(dedupeKey),

    async idle(dedupeKey, timeoutMs) {
      const running = await store.running(dedupeKey);
      return running.length === 0 || await settled(running, timeoutMs);
    },

    async flush(kind, timeoutMs = 60_000) {
      const ids = await store.expedite(kind);
      wake();
      return ids.length === 0 || await settled(ids, timeoutMs);
    },

    async close() {
      if (closed) return;
      closed = true;
      if (dueTimer !== undefined) clearTimeout(dueTimer);
      await unlisten?.();
      await worker?.stop();
    },
  };
}
