/**
 * The search statement. With a query vector it orders by cosine distance
 * through the HNSW index, with `hnsw.iterative_scan` on so that a selective
 * filter keeps scanning until `limit` rows pass it; the relaxed order that
 * allows is restored by re-sorting the few rows found. Without a vector it
 * lists the newest items first.
 *
 * When the index scan still returns fewer rows than asked (the filter
 * leaves fewer matches than `hnsw.max_scan_tuples` reaches), the search is
 * repeated as an exact scan, so a search never misses rows that exist.
 *
 * @module
 */
import type { Fragment, Sql } from "postgres";
import { and, compileFilter } from "./filter.ts";
import { prefixRange } from "./namespace.ts";
import { type ItemRow, type MemoryHit, type Queryable, toRecord } from "./records.ts";
import { vectorLiteral } from "./values.ts";

/** A checked search. */
export interface SearchParams {
  namespacePrefix: string[];
  filter?: unknown;
  limit: number;
  offset: number;
  /** The query's embedding; absent to list by recency. */
  vector?: number[] | undefined;
}

/** How a search statement orders rows. */
export type SearchMode = "index" | "exact" | "recent";

/** `hnsw.ef_search` and friends, set per transaction. */
export interface SearchTuning {
  efSearch: number;
}

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
  return sql`
    WITH hits AS MATERIALIZED (
      SELECT ${columns}, ${distance} AS distance
      FROM memory_items WHERE ${where} AND embedding IS NOT NULL
      ORDER BY distance
      LIMIT ${params.limit + params.offset}
    )
    SELECT namespace, key, value, created_at, updated_at, expires_at, version, valid_from,
      1 - distance AS score
    FROM hits ORDER BY distance, namespace, key OFFSET ${params.offset}`;
}

/** The `SET LOCAL`s an index search runs under; values are checked integers. */
export function searchSettings(tuning: SearchTuning): string {
  if (!Number.isInteger(tuning.efSearch) || tuning.efSearch < 1 || tuning.efSearch > 1000) {
    throw new RangeError(`Invalid hnsw.ef_search ${tuning.efSearch}: expected 1 to 1000`);
  }
  return `SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = ${tuning.efSearch}`;
}

/** Runs a search; see the module notes for the fallback to an exact scan. */
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
  const settings = searchSettings(tuning);
  const rows = await sql.begin(async (tx) => {
    await tx.unsafe(settings);
    return await tx<ItemRow[]>`${searchStatement(tx, owner, params, "index")}`;
  }) as ItemRow[];
  if (rows.length >= params.limit) return rows.map(toRecord);
  const exact = await sql<ItemRow[]>`${searchStatement(sql, owner, params, "exact")}`;
  return exact.map(toRecord);
}
