/**
 * The `jobs` table (migration 0060) in plain SQL: enqueue with a dedupe key,
 * claim with `FOR UPDATE SKIP LOCKED` and a lease, renew, complete, fail
 * (re-pending with a later `run_after` while attempts remain), prune.
 *
 * Every write that ends a claim names the claim exactly (job id, worker and
 * attempt, still `running`), so a worker whose lease lapsed and whose job
 * was claimed again can no longer complete or fail it.
 *
 * @example
 * ```ts
 * const store = createJobStore(sql);
 * await store.enqueue(sql, { kind: "demo", payload: {}, dedupeKey: "demo" });
 * const [job] = await store.claim({ workerId: "w1", limit: 1, leaseMs: 30_000, kinds: ["demo"] });
 * ```
 * @module
 */
import type { Sql } from "postgres";
import type { Queryable } from "../db/sql.ts";

/** A claimed job, as its handler sees it. */
export interface Job<P = Record<string, unknown>> {
  id: string;
  kind: string;
  payload: P;
  ownerId: string | null;
  dedupeKey: string | null;
  /** This claim's number, from 1; above `maxAttempts` when the last holder died. */
  attempt: number;
  maxAttempts: number;
  /** The worker holding the lease. */
  claimedBy: string;
}

/** A job's row as status readers see it. */
export interface JobRow {
  id: string;
  kind: string;
  status: "pending" | "running" | "done" | "failed";
  attempts: number;
  maxAttempts: number;
  error: string | null;
  runAfter: Date;
  claimedBy: string | null;
}

/** What {@linkcode JobStore.enqueue} inserts. */
export interface NewJob {
  kind: string;
  payload: unknown;
  ownerId?: string | null | undefined;
  dedupeKey?: string | null | undefined;
  /** Milliseconds from now before it may run; default 0. */
  delayMs?: number | undefined;
  maxAttempts?: number | undefined;
  /**
   * With a dedupe key that an unfinished job already holds: `ignore` keeps
   * that job as it is (default); `replace` gives a still-pending one this
   * payload and delay (a debounce). A running one is never changed.
   */
  onConflict?: "ignore" | "replace" | undefined;
}

/** A claimed job's columns, from the `jobs j` of the claim. */
const CLAIMED = `j.id::text AS id, j.kind, j.payload, j.owner_id AS "ownerId",
  j.dedupe_key AS "dedupeKey", j.attempts AS attempt, j.max_attempts AS "maxAttempts",
  j.claimed_by AS "claimedBy"`;

/** The store's operations. */
export type JobStore = ReturnType<typeof createJobStore>;

/** Creates the store over a pool. */
export function createJobStore(sql: Sql) {
  return {
    /**
     * Inserts a job (on `db`, a transaction when the job belongs with other
     * writes); returns its id and whether it is new, or the id of the
     * unfinished job holding the dedupe key.
     */
    async enqueue(db: Queryable, job: NewJob): Promise<{ id: string; created: boolean }> {
      const delay = Math.max(0, Math.round(job.delayMs ?? 0));
      const values = db`
        INSERT INTO jobs (kind, payload, owner_id, dedupe_key, max_attempts, run_after)
        VALUES (${job.kind}, ${db.json(job.payload as never)}, ${job.ownerId ?? null},
          ${job.dedupeKey ?? null}, ${job.maxAttempts ?? 3},
          now() + ${delay}::int * interval '1 millisecond')`;
      const rows = job.dedupeKey == null
        ? await db<{ id: string; created: boolean }[]>`
            ${values} RETURNING id::text AS id, true AS created`
        : job.onConflict === "replace"
        ? await db<{ id: string; created: boolean }[]>`
            ${values}
            ON CONFLICT (dedupe_key) WHERE status IN ('pending', 'running')
            DO UPDATE SET payload = EXCLUDED.payload, run_after = EXCLUDED.run_after,
              owner_id = EXCLUDED.owner_id
            WHERE jobs.status = 'pending'
            RETURNING id::text AS id, (xmax = 0) AS created`
        : await db<{ id: string; created: boolean }[]>`
            ${values}
            ON CONFLICT (dedupe_key) WHERE status IN ('pending', 'running') DO NOTHING
            RETURNING id::text AS id, true AS created`;
      if (rows[0] !== undefined) return rows[0];
      const [existing] = await db<{ id: string }[]>`
        SELECT id::text AS id FROM jobs
        WHERE dedupe_key = ${job.dedupeKey!} AND status IN ('pending', 'running')`;
      // The holder finished between the two statements: the key is free again.
      if (existing === undefined) return await this.enqueue(db, job);
      return { id: existing.id, created: false };
    },

    /**
     * Leases up to `limit` jobs of `kinds` to `workerId`: pending ones that
     * are due, and running ones whose lease lapsed (their holder died).
     */
    claim(options: { workerId: string; limit: number; leaseMs: number; kinds: string[] }) {
      return sql<Job[]>`
        WITH due AS (
          SELECT id FROM jobs
          WHERE kind = ANY(${options.kinds}::text[])
            AND ((status = 'pending' AND run_after <= now())
              OR (status = 'running' AND lease_expires_at < now()))
          ORDER BY run_after, created_at
          LIMIT ${options.limit}
          FOR UPDATE SKIP LOCKED
        )
        UPDATE jobs j SET status = 'running', attempts = j.attempts + 1,
          claimed_by = ${options.workerId}, started_at = now(),
          lease_expires_at = now() + ${options.leaseMs}::int * interval '1 millisecond',
          error = CASE WHEN j.status = 'running'
            THEN 'The worker running it stopped responding (its lease lapsed).' ELSE j.error END
        FROM due WHERE j.id = due.id
        RETURNING ${sql.unsafe(CLAIMED)}`;
    },

    /** Extends the leases `workerId` still holds. */
    async renew(workerId: string, ids: string[], leaseMs: number): Promise<void> {
      await sql`
        UPDATE jobs SET lease_expires_at = now() + ${leaseMs}::int * interval '1 millisecond'
        WHERE id = ANY(${ids}::uuid[]) AND claimed_by = ${workerId} AND status = 'running'`;
    },

    /** True while `job`'s claim is current; inside a transaction, locks the row until commit. */
    async holds(db: Queryable, job: Job): Promise<boolean> {
      const rows = await db`
        SELECT 1 FROM jobs
        WHERE id = ${job.id} AND claimed_by = ${job.claimedBy} AND attempts = ${job.attempt}
          AND status = 'running'
        FOR UPDATE`;
      return rows.length > 0;
    },

    /** Marks the claim done; false when it was no longer current. */
    async complete(db: Queryable, job: Job): Promise<boolean> {
      const rows = await db`
        UPDATE jobs SET status = 'done', ended_at = now(), lease_expires_at = NULL, error = NULL
        WHERE id = ${job.id} AND claimed_by = ${job.claimedBy} AND attempts = ${job.attempt}
          AND status = 'running'
        RETURNING 1`;
      return rows.length > 0;
    },

    /**
     * Ends the claim with `reason`: back to pending after `retryInMs`, or
     * `failed` when that is null. False when the claim was no longer current.
     */
    async fail(
      db: Queryable,
      job: Job,
      reason: string,
      retryInMs: number | null,
    ): Promise<boolean> {
      const rows = retryInMs === null
        ? await db`
            UPDATE jobs SET status = 'failed', ended_at = now(), lease_expires_at = NULL,
              error = ${reason}
            WHERE id = ${job.id} AND claimed_by = ${job.claimedBy}
              AND attempts = ${job.attempt} AND status = 'running'
            RETURNING 1`
        : await db`
            UPDATE jobs SET status = 'pending', lease_expires_at = NULL, claimed_by = NULL,
              error = ${reason},
              run_after = now() + ${Math.round(retryInMs)}::int * interval '1 millisecond'
            WHERE id = ${job.id} AND claimed_by = ${job.claimedBy}
              AND attempts = ${job.attempt} AND status = 'running'
            RETURNING 1`;
      return rows.length > 0;
    },

    /**
     * Milliseconds until the next job of `kinds` may be claimed: a pending
     * one falls due, or another worker's lease lapses; undefined when none.
     */
    async nextDueInMs(workerId: string, kinds: string[]): Promise<number | undefined> {
      const [row] = await sql<{ ms: number | null }[]>`
        SELECT (extract(epoch FROM min(at) - now()) * 1000)::float8 AS ms
        FROM (
          SELECT min(run_after) AS at FROM jobs
          WHERE status = 'pending' AND kind = ANY(${kinds}::text[])
          UNION ALL
          SELECT min(lease_expires_at) FROM jobs
          WHERE status = 'running' AND kind = ANY(${kinds}::text[])
            AND claimed_by IS DISTINCT FROM ${workerId}
        ) due`;
      return row?.ms ?? undefined;
    },

    /** Deletes jobs that finished more than `retentionMs` ago; returns how many. */
    async prune(retentionMs: number): Promise<number> {
      const rows = await sql`
        DELETE FROM jobs
        WHERE status IN ('done', 'failed')
          AND ended_at < now() - ${Math.round(retentionMs)}::bigint * interval '1 millisecond'
        RETURNING 1`;
      return rows.length;
    },

    /** Deletes the pending job holding `dedupeKey`; true when there was one. */
    async cancelPending(dedupeKey: string): Promise<boolean> {
      const rows = await sql`
        DELETE FROM jobs WHERE dedupe_key = ${dedupeKey} AND status = 'pending' RETURNING 1`;
      return rows.length > 0;
    },

    /** The ids of the running jobs holding `dedupeKey` (at most one). */
    async running(dedupeKey: string): Promise<string[]> {
      const rows = await sql<{ id: string }[]>`
        SELECT id::text AS id FROM jobs WHERE dedupe_key = ${dedupeKey} AND status = 'running'`;
      return rows.map((r) => r.id);
    },

    /** Makes every pending job of `kind` due now; returns the ids of its pending and running jobs. */
    async expedite(kind: string): Promise<string[]> {
      await sql`UPDATE jobs SET run_after = now() WHERE kind = ${kind} AND status = 'pending'`;
      const rows = await sql<{ id: string }[]>`
        SELECT id::text AS id FROM jobs
        WHERE kind = ${kind} AND status IN ('pending', 'running')`;
      return rows.map((r) => r.id);
    },

    /** The rows of `ids` that still exist. */
    find(ids: string[]) {
      return sql<JobRow[]>`
        SELECT id::text AS id, kind, status, attempts, max_attempts AS "maxAttempts", error,
          run_after AS "runAfter", claimed_by AS "claimedBy"
        FROM jobs WHERE id = ANY(${ids}::uuid[])`;
    },
  };
}
