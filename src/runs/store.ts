/**
 * The `runs` table: plain SQL. Admission (one active run per thread) runs in
 * a short transaction that locks the thread row, so two `sendMessage` calls
 * on one thread, on one instance or several, cannot both start a run.
 * Every statement names the owner too, so a caller that passes another
 * user's thread or run id reads and changes nothing.
 *
 * @module
 */
import type { Sql } from "postgres";
import { type KeysetPage, newestFirst } from "../db/sql.ts";
import { NotFoundError } from "../core/errors.ts";
import type { RunStatus } from "./events.ts";

/** How a new run treats an active run on its thread. */
export type MultitaskStrategy = "reject" | "enqueue" | "interrupt" | "rollback";

/** One `runs` row. */
export interface RunRecord {
  id: string;
  seq: string;
  ownerId: string;
  threadId: string;
  agentId: string;
  kind: "message" | "resume";
  status: RunStatus;
  error: string | null;
  multitaskStrategy: MultitaskStrategy;
  preCheckpointId: string | null;
  checkpointId: string | null;
  lastSequence: number;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
}

/** An active run as admission sees it. */
export interface ActiveRow {
  id: string;
  status: RunStatus;
}

const COLUMNS = `id::text AS id, seq::text AS seq, owner_id AS "ownerId",
  thread_id::text AS "threadId", agent_id AS "agentId", kind, status, error,
  multitask_strategy AS "multitaskStrategy", pre_checkpoint_id AS "preCheckpointId",
  checkpoint_id AS "checkpointId", last_sequence AS "lastSequence", created_at AS "createdAt",
  started_at AS "startedAt", ended_at AS "endedAt"`;

/** Creates the store over the app's pool. */
export function createRunStore(sql: Sql, leaseSeconds: number) {
  const columns = () => sql.unsafe(COLUMNS);
  const lease = () => sql`now() + make_interval(secs => ${leaseSeconds})`;

  return {
    /**
     * Inserts a pending run unless `admit` throws on the thread's active
     * runs (runs whose lease lapsed are dead and do not count). Throws
     * NotFoundError when `row.ownerId` has no such thread.
     */
    async create(
      row: Pick<RunRecord, "ownerId" | "threadId" | "agentId" | "kind" | "multitaskStrategy">,
      admit: (active: ActiveRow[]) => void,
    ): Promise<RunRecord> {
      const created = await sql.begin(async (tx) => {
        const [thread] = await tx`
          SELECT 1 FROM threads WHERE id = ${row.threadId} AND owner_id = ${row.ownerId}
          FOR UPDATE`;
        if (thread === undefined) {
          throw new NotFoundError(`Thread "${row.threadId}" was not found; check the id.`);
        }
        const active = await tx<ActiveRow[]>`
          SELECT id::text AS id, status FROM runs
          WHERE thread_id = ${row.threadId} AND owner_id = ${row.ownerId}
            AND status IN ('pending', 'running')
            AND lease_expires_at > now()
          ORDER BY seq`;
        admit([...active]);
        const [run] = await tx<RunRecord[]>`
          INSERT INTO runs (owner_id, thread_id, agent_id, kind, multitask_strategy, lease_expires_at)
          VALUES (${row.ownerId}, ${row.threadId}, ${row.agentId}, ${row.kind},
                  ${row.multitaskStrategy}, ${lease()})
          RETURNING ${columns()}`;
        await tx`
          UPDATE threads SET status = 'busy', updated_at = now()
          WHERE id = ${row.threadId} AND owner_id = ${row.ownerId}`;
        return run;
      });
      return created as unknown as RunRecord;
    },

    async find(ownerId: string, id: string): Promise<RunRecord | undefined> {
      const [row] = await sql<RunRecord[]>`
        SELECT ${columns()} FROM runs WHERE id = ${id} AND owner_id = ${ownerId}`;
      return row;
    },

    /** One page of an owner's thread's runs, newest first. */
    listForThread(ownerId: string, threadId: string, page: KeysetPage) {
      return sql<RunRecord[]>`
        SELECT ${columns()} FROM runs
        WHERE thread_id = ${threadId} AND owner_id = ${ownerId} ${newestFirst(sql, page)}`;
    },

    /** Every run id of a thread, however many there are. */
    async idsForThread(ownerId: string, threadId: string): Promise<string[]> {
      const rows = await sql<{ id: string }[]>`
        SELECT id::text AS id FROM runs WHERE thread_id = ${threadId} AND owner_id = ${ownerId}`;
      return rows.map((row) => row.id);
    },

    async latestForThread(ownerId: string, threadId: string): Promise<RunRecord | undefined> {
      const [row] = await sql<RunRecord[]>`
        SELECT ${columns()} FROM runs WHERE thread_id = ${threadId} AND owner_id = ${ownerId}
        ORDER BY seq DESC LIMIT 1`;
      return row;
    },

    async markRunning(
      ownerId: string,
      id: string,
      preCheckpointId: string | null,
    ): Promise<void> {
      await sql`
        UPDATE runs SET status = 'running', started_at = now(),
          pre_checkpoint_id = ${preCheckpointId}, lease_expires_at = ${lease()}
        WHERE id = ${id} AND owner_id = ${ownerId}`;
    },

    async finish(
      ownerId: string,
      id: string,
      end: {
        status: RunStatus;
        error: string | null;
        checkpointId: string | null;
        lastSequence: number;
      },
    ): Promise<void> {
      await sql`
        UPDATE runs SET status = ${end.status}, error = ${end.error},
          checkpoint_id = ${end.checkpointId}, last_sequence = ${end.lastSequence},
          ended_at = now(), lease_expires_at = NULL
        WHERE id = ${id} AND owner_id = ${ownerId}`;
    },

    /** Extends the leases of the runs this instance holds. */
    async renewLeases(ids: string[]): Promise<void> {
      if (ids.length === 0) return;
      await sql`UPDATE runs SET lease_expires_at = ${lease()} WHERE id = ANY(${ids}::uuid[])`;
    },

    /**
     * Fails active runs that no live instance holds: all of them but `held`
     * when `everyActive` (one process owns the database), else those whose
     * lease lapsed. Their threads become `error`. Returns the failed runs.
     */
    async failAbandoned(
      held: string[],
      everyActive: boolean,
      reason: string,
    ): Promise<{ id: string; threadId: string; agentId: string }[]> {
      // One statement, so a reader (or a crash) never sees a failed run whose
      // thread still says busy. Both updates see the same snapshot, so the
      // runs failed here are excluded from "still active" by id.
      const failed = await sql<{ id: string; threadId: string; agentId: string }[]>`
        WITH failed AS (
          UPDATE runs SET status = 'error', error = ${reason}, ended_at = now(),
            lease_expires_at = NULL
          WHERE status IN ('pending', 'running')
            AND NOT (id = ANY(${held}::uuid[]))
            ${everyActive ? sql`` : sql`AND (lease_expires_at IS NULL OR lease_expires_at < now())`}
          RETURNING id, thread_id, agent_id
        ), idle_threads AS (
          UPDATE threads t SET status = 'error', updated_at = now()
          WHERE t.id IN (SELECT thread_id FROM failed)
            AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.thread_id = t.id
                            AND r.status IN ('pending', 'running')
                            AND r.id NOT IN (SELECT id FROM failed))
        )
        SELECT id::text AS id, thread_id::text AS "threadId", agent_id AS "agentId" FROM failed`;
      return [...failed];
    },
  };
}

/** The run store. */
export type RunStore = ReturnType<typeof createRunStore>;
