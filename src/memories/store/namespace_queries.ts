/**
 * SQL over the per-namespace counters: listing an owner's namespaces (with
 * prefix, suffix, `*` wildcards and depth) and reading one namespace's
 * counts for the cap and the consolidation threshold.
 *
 * @module
 */
import type { Fragment } from "postgres";
import type { Queryable } from "../../db/sql.ts";
import { and } from "./filter.ts";
import { prefixRange } from "./namespace.ts";

/** A listNamespaces request, checked. */
export interface ListParams {
  prefix?: string[] | undefined;
  suffix?: string[] | undefined;
  maxDepth?: number | undefined;
  limit: number;
  offset: number;
}

/** One namespace's counters. */
export interface NamespaceStats {
  itemCount: number;
  sizeBytes: number;
  addedSinceConsolidation: number;
  lastConsolidatedAt: Date | null;
}

/** The owner's namespaces that hold at least one live item, sorted. */
export async function listNamespaces(
  sql: Queryable,
  owner: string,
  params: ListParams,
): Promise<string[][]> {
  const conditions: Fragment[] = [sql`n.owner_id = ${owner}`, sql`n.item_count > 0`];
  const { prefix, suffix } = params;
  if (prefix !== undefined && prefix.length > 0) {
    if (prefix.includes("*")) conditions.push(...labelsAt(sql, prefix, 1));
    else {
      const range = prefixRange(prefix)!;
      conditions.push(
        sql`n.namespace >= ${range.lower}::text[] COLLATE "C"`,
        sql`n.namespace < ${range.upper}::text[] COLLATE "C"`,
      );
    }
  }
  if (suffix !== undefined && suffix.length > 0) {
    conditions.push(...labelsAt(sql, suffix, null));
  }
  const path = params.maxDepth === undefined
    ? sql`n.namespace`
    : sql`n.namespace[1:${params.maxDepth}::int]`;
  const rows = await sql<{ namespace: string[] }[]>`
    SELECT DISTINCT ${path} AS namespace
    FROM memory_namespaces n
    WHERE ${and(sql, conditions)} AND EXISTS (
      SELECT 1 FROM memory_items m
      WHERE m.owner_id = n.owner_id AND m.namespace = n.namespace
        AND (m.expires_at IS NULL OR m.expires_at > now())
    )
    ORDER BY 1
    LIMIT ${params.limit} OFFSET ${params.offset}`;
  return rows.map((row) => row.namespace);
}

/**
 * Conditions pinning each non-`*` label: counted from position `start`
 * (1-based) for a prefix, or from the end when `start` is null (a suffix).
 */
function labelsAt(sql: Queryable, labels: string[], start: number | null): Fragment[] {
  const conditions: Fragment[] = [sql`cardinality(n.namespace) >= ${labels.length}::int`];
  labels.forEach((label, i) => {
    if (label === "*") return;
    const index = start === null
      ? sql`cardinality(n.namespace) - ${labels.length - 1 - i}::int`
      : sql`${start + i}::int`;
    conditions.push(sql`n.namespace[${index}] = ${label}`);
  });
  return conditions;
}

/** One namespace's counters, zero when it has never held an item. */
export async function namespaceStats(
  sql: Queryable,
  owner: string,
  namespace: string[],
): Promise<NamespaceStats> {
  const [row] = await sql<{
    item_count: number;
    size_bytes: string;
    added_since_consolidation: number;
    last_consolidated_at: Date | null;
  }[]>`
    SELECT item_count, size_bytes, added_since_consolidation, last_consolidated_at
    FROM memory_namespaces WHERE owner_id = ${owner} AND namespace = ${namespace}::text[]`;
  return {
    itemCount: row?.item_count ?? 0,
    sizeBytes: Number(row?.size_bytes ?? 0),
    addedSinceConsolidation: row?.added_since_consolidation ?? 0,
    lastConsolidatedAt: row?.last_consolidated_at ?? null,
  };
}
