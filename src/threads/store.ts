/**
 * The `threads` table: plain SQL, every read and write scoped to the owner.
 *
 * @module
 */
import type { Sql } from "postgres";
import { type KeysetPage, newestFirst } from "../db/sql.ts";

/** A thread's status. */
export type ThreadStatus = "idle" | "busy" | "interrupted" | "error";

/** One `threads` row. */
export interface ThreadRecord {
  id: string;
  seq: string;
  ownerId: string;
  agentId: string;
  title: string | null;
  metadata: Record<string, unknown>;
  status: ThreadStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** What `threads(filter)` narrows by. */
export interface ThreadFilter {
  agentId?: string | undefined;
  status?: ThreadStatus | undefined;
  /** Threads whose metadata contains these key/values. */
  metadata?: Record<string, unknown> | undefined;
}

const COLUMNS = `id::text AS id, seq::text AS seq, owner_id AS "ownerId", agent_id AS "agentId",
  title, metadata, status, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Creates the store over the app's pool. */
export function createThreadStore(sql: Sql) {
  // A fresh fragment per query: postgres.js fragments belong to one query.
  const columns = () => sql.unsafe(COLUMNS);
  // postgres.js serializes a jsonb parameter itself: pass values, not JSON text.
  const json = (value: Record<string, unknown>) => sql.json(value as Parameters<Sql["json"]>[0]);
  return {
    async insert(row: {
      ownerId: string;
      agentId: string;
      title: string | null;
      metadata: Record<string, unknown>;
    }): Promise<ThreadRecord> {
      const [created] = await sql<ThreadRecord[]>`
        INSERT INTO threads (owner_id, agent_id, title, metadata)
        VALUES (${row.ownerId}, ${row.agentId}, ${row.title}, ${json(row.metadata)})
        RETURNING ${columns()}`;
      return created as ThreadRecord;
    },

    async find(ownerId: string, id: string): Promise<ThreadRecord | undefined> {
      const [row] = await sql<ThreadRecord[]>`
        SELECT ${columns()} FROM threads WHERE id = ${id} AND owner_id = ${ownerId}`;
      return row;
    },

    /** One page of an owner's threads, newest first. */
    list(ownerId: string, filter: ThreadFilter, page: KeysetPage) {
      return sql<ThreadRecord[]>`
        SELECT ${columns()} FROM threads
        WHERE owner_id = ${ownerId}
          ${filter.agentId === undefined ? sql`` : sql`AND agent_id = ${filter.agentId}`}
          ${filter.status === undefined ? sql`` : sql`AND status = ${filter.status}`}
          ${filter.metadata === undefined ? sql`` : sql`AND metadata @> ${json(filter.metadata)}`}
          ${newestFirst(sql, page)}`;
    },

    async update(
      ownerId: string,
      id: string,
      patch: { title?: string | null | undefined; metadata?: Record<string, unknown> | undefined },
    ): Promise<ThreadRecord | undefined> {
      const [row] = await sql<ThreadRecord[]>`
        UPDATE threads SET
          title = ${patch.title === undefined ? sql`title` : sql`${patch.title}`},
          metadata = ${
        patch.metadata === undefined ? sql`metadata` : sql`metadata || ${json(patch.metadata)}`
      },
          updated_at = now()
        WHERE id = ${id} AND owner_id = ${ownerId}
        RETURNING ${columns()}`;
      return row;
    },

    async remove(ownerId: string, id: string): Promise<boolean> {
      const rows = await sql`DELETE FROM threads WHERE id = ${id} AND owner_id = ${ownerId}`;
      return rows.count > 0;
    },

    /** Sets the status; internal, for the run lifecycle. */
    async setStatus(id: string, status: ThreadStatus): Promise<void> {
      await sql`UPDATE threads SET status = ${status}, updated_at = now() WHERE id = ${id}`;
    },
  };
}

/** The thread store. */
export type ThreadStore = ReturnType<typeof createThreadStore>;
