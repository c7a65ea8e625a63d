/**
 * Counts how often each memory is read (gets and search hits), which the
 * per-namespace cap uses to evict the least useful memories first. Reads
 * are tallied in memory and written in one statement per owner at most
 * every {@linkcode FLUSH_MS}, in their own table, so searches never wait for
 * (or contend with) a write of their own.
 *
 * @module
 */
import type { Logger } from "../../observability/logger.ts";
import type { MemoryRecord } from "./records.ts";
import type { Queryable } from "../../db/sql.ts";

/** How long reads are tallied before they are written. */
export const FLUSH_MS = 1000;

/** The read counter. */
export interface AccessRecorder {
  /** Counts one read of each record; returns at once. */
  record(owner: string, records: MemoryRecord[]): void;
  /** Writes the tallies now. */
  flush(): Promise<void>;
  /** Writes the tallies and stops the timer. */
  close(): Promise<void>;
}

/** Creates the recorder over `sql`. */
export function createAccessRecorder(sql: Queryable, logger: Logger): AccessRecorder {
  let tallies = new Map<string, Map<string, { namespace: string[]; key: string; count: number }>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let flushing: Promise<void> = Promise.resolve();

  async function write(batch: typeof tallies): Promise<void> {
    for (const [owner, reads] of batch) {
      const rows = JSON.stringify([...reads.values()]);
      try {
        // Items deleted meanwhile are skipped: their reads no longer matter.
        await sql`
          INSERT INTO memory_usage AS u (owner_id, namespace, key, access_count, last_accessed_at)
          SELECT ${owner}, r.namespace, r.key, r.count, now()
          FROM jsonb_to_recordset(${rows}::text::jsonb) AS r(namespace text[], key text, count int)
          WHERE EXISTS (
            SELECT 1 FROM memory_items m
            WHERE m.owner_id = ${owner} AND m.namespace = r.namespace AND m.key = r.key
          )
          ON CONFLICT (owner_id, namespace, key) DO UPDATE SET
            access_count = u.access_count + EXCLUDED.access_count, last_accessed_at = now()`;
      } catch (error) {
        logger.warn("could not record memory reads", { error, user_id: owner });
      }
    }
  }

  function flush(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batch = tallies;
    tallies = new Map();
    flushing = flushing.then(() => write(batch));
    return flushing;
  }

  return {
    record(owner, records) {
      if (records.length === 0) return;
      let reads = tallies.get(owner);
      if (reads === undefined) tallies.set(owner, reads = new Map());
      for (const record of records) {
        const id = JSON.stringify([record.namespace, record.key]);
        const entry = reads.get(id);
        if (entry) entry.count++;
        else reads.set(id, { namespace: record.namespace, key: record.key, count: 1 });
      }
      if (timer === undefined) {
        timer = setTimeout(() => void flush(), FLUSH_MS);
        Deno.unrefTimer(timer as unknown as number);
      }
    },
    flush,
    close: flush,
  };
}
