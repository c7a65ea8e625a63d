/**
 * Cleanup, every `MEMORY_CLEANUP_INTERVAL`: deletes expired memories (in
 * small batches, so no statement holds locks for long), prunes history older
 * than `MEMORY_HISTORY_RETENTION_DAYS`, and refreshes the size gauge.
 * Expired items are already invisible to reads; cleanup reclaims their space.
 *
 * @module
 */
import type { MemoryContext } from "../context.ts";

/** What a cleanup removed. */
export interface CleanupReport {
  expired: number;
  versionsPruned: number;
}

const BATCH = 1000;

/** Runs one cleanup. */
export async function cleanupMemories(ctx: MemoryContext): Promise<CleanupReport> {
  const { sql } = ctx;
  let expired = 0;
  while (true) {
    const rows = await sql<{ owner_id: string; namespace: string[] }[]>`
      DELETE FROM memory_items WHERE (owner_id, namespace, key) IN (
        SELECT owner_id, namespace, key FROM memory_items
        WHERE expires_at <= now() LIMIT ${BATCH}
      )
      RETURNING owner_id, namespace`;
    expired += rows.length;
    const byOwner = new Map<string, string[][]>();
    for (const row of rows) {
      byOwner.set(row.owner_id, [...byOwner.get(row.owner_id) ?? [], row.namespace]);
    }
    for (const [owner, namespaces] of byOwner) await ctx.cache.invalidate(owner, namespaces);
    if (rows.length < BATCH) break;
  }
  const pruned = await sql`
    DELETE FROM memory_versions
    WHERE valid_to < now() - ${ctx.settings.historyRetentionDays}::int * interval '1 day'
    RETURNING 1`;
  await ctx.metrics.refreshSizes(sql);
  ctx.metrics.operation("cleanup", [], "success");
  const report = { expired, versionsPruned: pruned.length };
  if (expired > 0 || pruned.length > 0) ctx.logger.info("memory cleanup", { ...report });
  return report;
}
