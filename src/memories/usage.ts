/**
 * Counts how often each memory is read (gets and search hits), which the
 * per-namespace cap uses to evict the least useful memories first. Counting
 * runs in the background, after the reply, in its own table.
 *
 * @module
 */
import type { MemoryContext } from "./context.ts";
import type { MemoryRecord } from "./records.ts";

/** Adds one read to each of `records`, without delaying the caller. */
export function recordAccess(ctx: MemoryContext, owner: string, records: MemoryRecord[]): void {
  if (records.length === 0) return;
  const rows = JSON.stringify(records.map((r) => ({ namespace: r.namespace, key: r.key })));
  ctx.background.run("record access", async () => {
    // An item deleted meanwhile fails the foreign key; that read no longer matters.
    await ctx.sql`
      INSERT INTO memory_usage AS u (owner_id, namespace, key, access_count, last_accessed_at)
      SELECT ${owner}, r.namespace, r.key, 1, now()
      FROM jsonb_to_recordset(${rows}::text::jsonb) AS r(namespace text[], key text)
      WHERE EXISTS (
        SELECT 1 FROM memory_items m
        WHERE m.owner_id = ${owner} AND m.namespace = r.namespace AND m.key = r.key
      )
      ON CONFLICT (owner_id, namespace, key) DO UPDATE SET
        access_count = u.access_count + 1, last_accessed_at = now()`;
  });
}
