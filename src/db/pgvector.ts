/**
 * What every pgvector user here shares: the text form of a vector, the
 * identity a vector column is typed by, the HNSW index's limits, and the
 * session settings an index search runs under. Memories and document
 * passages are searched the same way.
 *
 * @example
 * ```ts
 * await tx.unsafe(searchSettings({ efSearch: 40 }));
 * await tx`SELECT id FROM chunks ORDER BY embedding <=> ${vectorLiteral(query)}::vector LIMIT 5`;
 * ```
 * @module
 */

/** pgvector's text form of a vector: `[0.1,0.2,…]`, exact for float4 values. */
export function vectorLiteral(vector: readonly number[]): string {
  return `[${vector.join(",")}]`;
}

/** pgvector's HNSW limit for `vector` columns. */
export const MAX_INDEXED_DIMS = 2000;

/** The identity of an embedder's vectors. */
export interface IndexIdentity {
  model: string;
  dims: number;
}

/** Scopes with at most this many vectors are searched exactly: fast, and perfectly accurate. */
export const EXACT_SCAN_MAX = 1000;

/** `hnsw.ef_search` and friends, set per transaction. */
export interface SearchTuning {
  efSearch: number;
  /** Disable sorting so the planner takes the index's order. Default true. */
  forceIndex?: boolean;
}

/** The `SET LOCAL`s an index search runs under; values are checked integers. */
export function searchSettings(tuning: SearchTuning): string {
  if (!Number.isInteger(tuning.efSearch) || tuning.efSearch < 1 || tuning.efSearch > 1000) {
    throw new RangeError(`Invalid hnsw.ef_search ${tuning.efSearch}: expected 1 to 1000`);
  }
  // A prepared statement run often enough gets a generic plan, made without
  // the query vector, which orders by a sequential scan instead of the index.
  // Sorting off: the planner must take the index's order rather than sort
  // every filtered row, whatever it guesses about the filter. That inflates
  // the plan's cost past the JIT threshold, and compiling would take 100+ ms
  // of a query that runs in 1, so JIT is off too.
  const order = tuning.forceIndex === false ? "" : "SET LOCAL enable_sort = off; ";
  return `SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL jit = off; ${order}` +
    "SET LOCAL hnsw.iterative_scan = relaxed_order; " +
    `SET LOCAL hnsw.ef_search = ${tuning.efSearch}`;
}
