/**
 * What happens when a namespace grows: the per-namespace cap
 * (`LANGMEM_MAX_MEMORIES_PER_NAMESPACE`) is enforced before the write
 * returns — expired items go first, then near-duplicates of the new items
 * are merged, and only then are the least useful memories evicted (fewest
 * reads, least recently read or updated) into history as `evicted`. And
 * every `LANGMEM_CONSOLIDATE_THRESHOLD` new memories, a consolidation pass
 * over the new ones is queued as a `memory.consolidate` job (deduped per
 * namespace, run once on any replica), or started in-process without a
 * queue.
 *
 * @module
 */
import type { MemoryContext } from "../context.ts";
import { consolidateNamespace } from "./consolidation.ts";
import { CONSOLIDATE_KIND, type ConsolidatePayload, consolidationKey } from "./maintenance.ts";
import { closeItems } from "../store/item_queries.ts";
import { namespaceStats } from "../store/namespace_queries.ts";
import type { MemoryRecord } from "../store/records.ts";

/** What the cap did to one namespace. */
export interface CapReport {
  expired: number;
  merged: number;
  evicted: number;
}

/** Runs the cap and the consolidation trigger for the namespaces `inserted` grew. */
export async function afterGrowth(
  ctx: MemoryContext,
  owner: string,
  inserted: MemoryRecord[],
): Promise<void> {
  const grown = new Map<string, { namespace: string[]; keys: string[] }>();
  for (const record of inserted) {
    const id = JSON.stringify(record.namespace);
    const entry = grown.get(id) ?? { namespace: record.namespace, keys: [] };
    entry.keys.push(record.key);
    grown.set(id, entry);
  }
  for (const [id, { namespace, keys }] of grown) {
    try {
      const stats = await namespaceStats(ctx.sql, owner, namespace);
      if (stats.itemCount > ctx.settings.maxPerNamespace) {
        await enforceCap(ctx, owner, namespace, keys);
      }
      if (
        ctx.settings.autoConsolidate &&
        stats.addedSinceConsolidation >= ctx.settings.consolidateThreshold
      ) {
        if (ctx.jobs !== undefined) {
          const payload: ConsolidatePayload = {
            owner,
            namespace,
            since: stats.lastConsolidatedAt?.toISOString() ?? null,
          };
          await ctx.jobs.enqueue(CONSOLIDATE_KIND, payload, {
            ownerId: owner,
            dedupeKey: consolidationKey(owner, namespace),
          });
        } else {
          ctx.background.run(
            "auto-consolidate",
            () => consolidateNamespace(ctx, owner, namespace, { since: stats.lastConsolidatedAt }),
            `consolidate:${owner}:${id}`,
          );
        }
      }
    } catch (error) {
      // The write itself succeeded; maintenance failures must not undo its reply.
      ctx.logger.warn("memory cap or consolidation trigger failed", { error, user_id: owner });
    }
  }
}

/** Brings `namespace` back under the cap, sparing `newKeys` unless they alone exceed it. */
export async function enforceCap(
  ctx: MemoryContext,
  owner: string,
  namespace: string[],
  newKeys: string[],
): Promise<CapReport> {
  const cap = ctx.settings.maxPerNamespace;
  const expired = await ctx.sql`
    DELETE FROM memory_items
    WHERE owner_id = ${owner} AND namespace = ${namespace}::text[] AND expires_at <= now()
    RETURNING 1`;
  let over = (await namespaceStats(ctx.sql, owner, namespace)).itemCount - cap;
  // Eviction ranks by reads: count the ones still tallied in memory.
  if (over > 0) await ctx.usage.flush();
  const report: CapReport = { expired: expired.length, merged: 0, evicted: 0 };
  if (over <= 0) return report;
  const merge = await consolidateNamespace(ctx, owner, namespace, {
    onlyKeys: newKeys,
    resetCounter: false,
  });
  report.merged = merge.merged;
  over -= merge.merged;
  for (const spare of [newKeys, []]) {
    if (over <= 0) break;
    const victims = await ctx.sql<{ key: string }[]>`
      SELECT i.key FROM memory_items i
      LEFT JOIN memory_usage u USING (owner_id, namespace, key)
      WHERE i.owner_id = ${owner} AND i.namespace = ${namespace}::text[]
        AND i.key <> ALL(${spare}::text[])
      ORDER BY coalesce(u.access_count, 0), coalesce(u.last_accessed_at, i.updated_at),
        i.updated_at, i.key
      LIMIT ${over}`;
    const evicted = await closeItems(
      ctx.sql,
      owner,
      namespace,
      victims.map((v) => v.key),
      "evicted",
    );
    report.evicted += evicted.length;
    over -= evicted.length;
  }
  if (report.evicted > 0) {
    ctx.metrics.operation("evict", namespace, "success");
    ctx.logger.info("memory namespace over its cap", { user_id: owner, cap, ...report });
  }
  await ctx.cache.invalidate(owner, [namespace]);
  return report;
}
