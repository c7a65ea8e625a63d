/**
 * The search statement. With a query vector it orders by cosine distance
 * through the HNSW index, with `hnsw.iterative_scan` on so that a selective
 * filter keeps scanning until `limit` rows pass it; the relaxed order that
 * allows is restored by re-sorting the few rows found. Without a vector it
 * lists the newest items first.
 *
 * Which path a vector search takes is decided here, not left to the
 * planner, which cannot estimate how selective a filter on JSON values is
 * and would often sort thousands of vectors exactly instead:
 *
 * - at most {@linkcode EXACT_SCAN_MAX} memories under the prefix (from the
 *   namespace counters): an exact scan of them, which is both fast and
 *   perfectly accurate;
 * - more: the index, with sorting disabled so the planner takes the
 *   index's order; if it still returns fewer rows than asked (the filter
 *   keeps fewer matches than `hnsw.max_scan_tuples` reaches), the search is
 *   repeated as an exact scan, so a search never misses rows that exist.
 *
 * @module
 */
import type { Fragment, Sql } from "postgres";
import { and, compileFilter } from "./filter.ts";
import { prefixRange } from "./namespace.ts";
import { type ItemRow, type MemoryHit, toRecord } from "./records.ts";
import type { Queryable } from "../../db/sql.ts";
import {
  EXACT_SCAN_MAX,
  searchSettings,
  type SearchTuning,
  vectorLiteral,
} from "../../db/pgvector.ts";

/** A checked search. */
export interface SearchParams {
  namespacePrefix: string[];
  filter?: unknown;
  limit: number;
  offset: number;
  /** The query's embedding; absent to list by recency. */
  vector?: number[] | undefined;
}

/** How many times `limit + offset` a filtered index search fetches before keeping the closest. */
export const FILTERED_OVERFETCH = 4;
const MAX_FETCH = 1000;

function hasFilter(filter: unknown): boolean {
  return typeof filter === "object" && filter !== null && Object.keys(filter).length > 0;
}

/** How a search statement orders rows. */
export type SearchMode = "index" | "exact" | "recent";

/** The WHERE conditions shared by every mode. */
function conditions(sql: Queryable, owner: string, params: SearchParams): Fragment {
  const range = prefixRange(params.namespacePrefix);
  const list: Fragment[] = [
    sql`owner_id = ${owner}`,
    sql`(expires_at IS NULL OR expires_at > now())`,
    ...compileFilter(sql, params.filter),
  ];
  if (range !== undefined) {
    list.push(
      sql`namespace >= ${range.lower}::text[] COLLATE "C" AND namespace < ${range.upper}::text[] COLLATE "C"`,
    );
  }
  return and(sql, list);
}

/** The statement for `mode`; EXPLAIN tests run exactly this. */
export function searchStatement(
  sql: Queryable,
  owner: string,
  params: SearchParams,
  mode: SearchMode,
): Fragment {
  const where = conditions(sql, owner, params);
  const columns =
    sql`namespace, key, value, created_at, updated_at, expires_at, version, valid_from`;
  if (mode === "recent" || params.vector === undefined) {
    return sql`
      SELECT ${columns} FROM memory_items WHERE ${where}
      ORDER BY updated_at DESC, namespace, key
      LIMIT ${params.limit} OFFSET ${params.offset}`;
  }
  const query = vectorLiteral(params.vector);
  // Adding 0 hides the distance from the planner, which then cannot pick the index.
  const distance = mode === "index"
    ? sql`embedding <=> ${query}::vector`
    : sql`(embedding <=> ${query}::vector) + 0`;
  const wanted = params.limit + params.offset;
  // A filtered index scan stops at the first `wanted` matches it meets, which
  // are not quite the closest; fetching more and keeping the closest
  // restores recall for a small cost.
  const fetch = mode === "index" && hasFilter(params.filter)
    ? Math.min(MAX_FETCH, wanted * FILTERED_OVERFETCH)
    : wanted;
  return sql`
    WITH hits AS MATERIALIZED (
      SELECT ${columns}, ${distance} AS distance
      FROM memory_items WHERE ${where} AND embedding IS NOT NULL
      ORDER BY distance
      LIMIT ${Math.max(fetch, wanted)}
    )
    SELECT namespace, key, value, created_at, updated_at, expires_at, version, valid_from,
      1 - distance AS score
    FROM hits ORDER BY distance, namespace, key LIMIT ${params.limit} OFFSET ${params.offset}`;
}

/** Runs a search; see the module notes for how the path is chosen. */
export async function searchItems(
  sql: Sql,
  owner: string,
  params: SearchParams,
  tuning: SearchTuning,
): Promise<MemoryHit[]> {
  if (params.vector === undefined) {
    const rows = await sql<ItemRow[]>`${searchStatement(sql, owner, params, "recent")}`;
    return rows.map(toRecord);
  }
  if (await scopeSize(sql, owner, params.namespacePrefix) > EXACT_SCAN_MAX) {
    const settings = searchSettings(tuning);
    const rows = await sql.begin(async (tx) => {
      await tx.unsafe(settings);
      return await tx<ItemRow[]>`${searchStatement(tx, owner, params, "index")}`;
    }) as ItemRow[];
    if (rows.length >= params.limit) return rows.map(toRecord);
  }
  const exact = await sql<ItemRow[]>`${searchStatement(sql, owner, params, "exact")}`;
  return exact.map(toRecord);
}

/** How many memories (live or expired, any filter) `owner` has under `prefix`. */
async function scopeSize(sql: Queryable, owner: string, prefix: string[]): Promise<number> {
  const range = prefixRange(prefix);
  const [row] = await sql<{ n: number }[]>`
    SELECT coalesce(sum(item_count), 0)::int AS n FROM memory_namespaces
    WHERE owner_id = ${owner} ${
    range === undefined
      ? sql``
      : sql`AND namespace >= ${range.lower}::text[] COLLATE "C" AND namespace < ${range.upper}::text[] COLLATE "C"`
  }`;
  return row?.n ?? 0;
}
