/**
 * Consolidation: finds clusters of near-duplicate memories in a namespace
 * (cosine similarity at or above `MEMORY_CONSOLIDATE_SIMILARITY`, through the
 * HNSW index, one nearest-neighbour scan per memory inside the database) and
 * merges each cluster into its newest memory. The others are closed into
 * history as `merged`, pointing at the survivor, which inherits their read
 * counts. Clustering is greedy and deterministic: newest first, each leader
 * takes its unclaimed direct neighbours, so chains of "almost similar"
 * memories are never merged transitively.
 *
 * @example
 * ```ts
 * const report = await consolidateNamespace(ctx, "user-1", ["notes"]);
 * console.log(report.clusters, report.merged);
 * ```
 * @module
 */
import { embedChecked } from "../../llm/embeddings.ts";
import type { MemoryContext } from "../context.ts";
import { closeItems, upsertItem } from "../store/item_queries.ts";
import { EXACT_SCAN_MAX, searchSettings } from "../../db/pgvector.ts";
import { namespaceStats } from "../store/namespace_queries.ts";
import { textToEmbed } from "../store/values.ts";

/** What a consolidation pass did. */
export interface ConsolidationReport {
  namespace: string[];
  /** Memories whose neighbours were examined. */
  scanned: number;
  /** Clusters of near-duplicates found. */
  clusters: number;
  /** Memories merged away (closed into history). */
  merged: number;
  /** Live memories left in the namespace. */
  remaining: number;
  similarity: number;
  mode: "offline" | "model";
  durationSeconds: number;
}

/** Options for {@linkcode consolidateNamespace}. */
export interface ConsolidateOptions {
  /** Overrides the configured similarity threshold (0 to 1). */
  similarity?: number | undefined;
  /** Only look for duplicates of these keys (the cap's merge step). */
  onlyKeys?: string[];
  /** Only look for duplicates of memories created after this (incremental passes). */
  since?: Date | null;
  /** Reset the namespace's growth counter (true for real passes). Default true. */
  resetCounter?: boolean;
}

interface Pair {
  key: string;
  updated_at: Date;
  neighbor: string;
  neighbor_updated_at: Date;
}

const NEIGHBOURS = 10;

/** Runs one consolidation pass over `namespace`. */
export async function consolidateNamespace(
  ctx: MemoryContext,
  owner: string,
  namespace: string[],
  options: ConsolidateOptions = {},
): Promise<ConsolidationReport> {
  const started = performance.now();
  const similarity = options.similarity ?? ctx.settings.consolidateSimilarity;
  const { sql } = ctx;
  if (options.resetCounter ?? true) {
    await sql`
      UPDATE memory_namespaces SET added_since_consolidation = 0, last_consolidated_at = now()
      WHERE owner_id = ${owner} AND namespace = ${namespace}::text[]`;
  }
  const only = options.onlyKeys ?? null;
  const since = options.since ?? null;
  const size = (await namespaceStats(sql, owner, namespace)).itemCount;
  const { pairs, scanned } = await sql.begin(async (tx) => {
    // Small namespaces compare exactly; big ones go through the index.
    await tx.unsafe(searchSettings({
      efSearch: ctx.settings.hnswEfSearch,
      forceIndex: size > EXACT_SCAN_MAX,
    }));
    const pairs = await tx<Pair[]>`
      SELECT a.key, a.updated_at, b.key AS neighbor, b.updated_at AS neighbor_updated_at
      FROM memory_items a
      CROSS JOIN LATERAL (
        SELECT c.key, c.updated_at, c.embedding <=> a.embedding AS distance
        FROM memory_items c
        WHERE c.owner_id = a.owner_id AND c.namespace = a.namespace AND c.key <> a.key
          AND c.embedding IS NOT NULL AND (c.expires_at IS NULL OR c.expires_at > now())
        ORDER BY distance LIMIT ${NEIGHBOURS}
      ) b
      WHERE a.owner_id = ${owner} AND a.namespace = ${namespace}::text[]
        AND a.embedding IS NOT NULL AND (a.expires_at IS NULL OR a.expires_at > now())
        AND (${only}::text[] IS NULL OR a.key = ANY(${only}::text[]))
        AND (${since}::timestamptz IS NULL OR a.created_at > ${since}::timestamptz)
        AND b.distance <= ${1 - similarity}::float8`;
    const [count] = await tx<{ n: number }[]>`
      SELECT count(*)::int AS n FROM memory_items a
      WHERE a.owner_id = ${owner} AND a.namespace = ${namespace}::text[]
        AND a.embedding IS NOT NULL AND (a.expires_at IS NULL OR a.expires_at > now())
        AND (${only}::text[] IS NULL OR a.key = ANY(${only}::text[]))
        AND (${since}::timestamptz IS NULL OR a.created_at > ${since}::timestamptz)`;
    return { pairs, scanned: count?.n ?? 0 };
  });
  const clusters = cluster(pairs);
  let merged = 0;
  for (const keys of clusters) merged += await mergeCluster(ctx, owner, namespace, keys);
  if (merged > 0) await ctx.cache.invalidate(owner, [namespace]);
  const [left] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM memory_items
    WHERE owner_id = ${owner} AND namespace = ${namespace}::text[]
      AND (expires_at IS NULL OR expires_at > now())`;
  const durationSeconds = (performance.now() - started) / 1000;
  ctx.metrics.consolidationSeconds(durationSeconds);
  ctx.metrics.operation("consolidate", namespace, "success");
  return {
    namespace,
    scanned,
    clusters: clusters.length,
    merged,
    remaining: left?.n ?? 0,
    similarity,
    mode: ctx.merger.mode,
    durationSeconds,
  };
}

/**
 * Greedy leader clustering: newest first (ties by key), each unclaimed
 * memory claims its unclaimed direct neighbours. Returns clusters of two or
 * more keys, leader first, the rest newest first.
 */
export function cluster(pairs: Pair[]): string[][] {
  const updated = new Map<string, number>();
  const neighbours = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    let set = neighbours.get(a);
    if (set === undefined) neighbours.set(a, set = new Set());
    set.add(b);
  };
  for (const pair of pairs) {
    updated.set(pair.key, new Date(pair.updated_at).getTime());
    updated.set(pair.neighbor, new Date(pair.neighbor_updated_at).getTime());
    link(pair.key, pair.neighbor);
    link(pair.neighbor, pair.key);
  }
  const newestFirst = (a: string, b: string) =>
    (updated.get(b)! - updated.get(a)!) || (a < b ? -1 : a > b ? 1 : 0);
  const claimed = new Set<string>();
  const clusters: string[][] = [];
  for (const leader of [...updated.keys()].sort(newestFirst)) {
    if (claimed.has(leader)) continue;
    claimed.add(leader);
    const members = [...(neighbours.get(leader) ?? [])].filter((k) => !claimed.has(k))
      .sort(newestFirst);
    for (const member of members) claimed.add(member);
    if (members.length > 0) clusters.push([leader, ...members]);
  }
  return clusters;
}

/** Merges one cluster into its leader; returns how many memories were merged away. */
async function mergeCluster(
  ctx: MemoryContext,
  owner: string,
  namespace: string[],
  keys: string[],
): Promise<number> {
  const { sql } = ctx;
  // Pending read counts first, so the survivor inherits all of them.
  await ctx.usage.flush();
  const rows = await sql<{ key: string; value: Record<string, unknown> }[]>`
    SELECT key, value FROM memory_items
    WHERE owner_id = ${owner} AND namespace = ${namespace}::text[] AND key = ANY(${keys}::text[])`;
  const byKey = new Map(rows.map((row) => [row.key, row.value]));
  const present = keys.filter((key) => byKey.has(key));
  const [leader, ...members] = present;
  if (leader === undefined || members.length === 0) return 0;
  // The model runs before the transaction: embedded Postgres has one session.
  const mergedValue = await ctx.merger.merge(present.map((key) => byKey.get(key)!));
  const changed = JSON.stringify(mergedValue) !== JSON.stringify(byKey.get(leader));
  const text = changed ? textToEmbed(mergedValue, undefined, ctx.settings.indexFields) : undefined;
  const [vector] = text === undefined ? [] : await embedChecked(ctx.embedder, [text]);
  const closed = await sql.begin(async (tx) => {
    if (changed) {
      await upsertItem(tx, owner, {
        namespace,
        key: leader,
        value: mergedValue,
        text,
        vector,
        keepExpiry: true,
      });
    }
    await tx`
      INSERT INTO memory_usage AS u (owner_id, namespace, key, access_count, last_accessed_at)
      SELECT ${owner}, ${namespace}::text[], ${leader}, sum(access_count), max(last_accessed_at)
      FROM memory_usage
      WHERE owner_id = ${owner} AND namespace = ${namespace}::text[] AND key = ANY(${members}::text[])
      HAVING count(*) > 0
      ON CONFLICT (owner_id, namespace, key) DO UPDATE SET
        access_count = u.access_count + EXCLUDED.access_count,
        last_accessed_at = greatest(u.last_accessed_at, EXCLUDED.last_accessed_at)`;
    return await closeItems(tx, owner, namespace, members, "merged", leader);
  });
  return closed.length;
}
