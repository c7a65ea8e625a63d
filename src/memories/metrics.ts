/**
 * Records the `langmem_*` metrics (registered in src/observability/metrics.ts
 * on both `/metrics` and `/metrics/memory`). The `namespace` label is the
 * namespace cut to `MEMORY_METRICS_NAMESPACE_DEPTH` labels, and at most
 * {@linkcode MAX_NAMESPACE_LABELS} distinct values are ever used (later ones
 * count as `other`), because namespaces are chosen by users and would
 * otherwise grow the series without bound. Owner ids are never labels.
 *
 * @example
 * ```ts
 * const memoryMetrics = createMemoryMetrics(metrics, { depth: 1 });
 * memoryMetrics.operation("put", ["profile", "food"], "success");
 * ```
 * @module
 */
import type { Queryable } from "../db/sql.ts";
import type { Metrics } from "../observability/metrics.ts";

/** Distinct namespace label values, at most; the rest are `other`. */
export const MAX_NAMESPACE_LABELS = 200;

/** The memory operations counted in `langmem_operations_total`. */
export type MemoryOperation =
  | "get"
  | "put"
  | "delete"
  | "search"
  | "list_namespaces"
  | "history"
  | "consolidate"
  | "evict"
  | "cleanup"
  | "backup"
  | "extract";

/** What the store records. */
export interface MemoryMetrics {
  /** The bounded label for `namespace`. */
  label(namespace: string[]): string;
  operation(op: MemoryOperation, namespace: string[], status: "success" | "error"): void;
  searchSeconds(namespace: string[], seconds: number): void;
  consolidationSeconds(seconds: number): void;
  /** Re-reads `langmem_store_size_bytes` from the namespace counters. */
  refreshSizes(sql: Queryable): Promise<void>;
}

/** Creates the recorder over the app's metrics. */
export function createMemoryMetrics(metrics: Metrics, options: { depth: number }): MemoryMetrics {
  const seen = new Set<string>();

  function label(namespace: string[]): string {
    if (options.depth === 0) return "(all)";
    const cut = namespace.slice(0, options.depth);
    const text = cut.length === 0 ? "(root)" : cut.join("/");
    if (seen.has(text)) return text;
    if (seen.size >= MAX_NAMESPACE_LABELS) return "other";
    seen.add(text);
    return text;
  }

  return {
    label,
    operation(op, namespace, status) {
      metrics.langmemOperationsTotal.inc({ operation: op, namespace: label(namespace), status });
    },
    searchSeconds(namespace, seconds) {
      metrics.langmemSearchDuration.observe({ namespace: label(namespace) }, seconds);
    },
    consolidationSeconds(seconds) {
      metrics.langmemConsolidationDuration.observe(seconds);
    },
    async refreshSizes(sql) {
      const depth = Math.max(options.depth, 1);
      const rows = await sql<{ namespace: string[]; bytes: string }[]>`
        SELECT namespace[1:${depth}::int] AS namespace, sum(size_bytes)::text AS bytes
        FROM memory_namespaces GROUP BY 1`;
      const totals = new Map<string, number>();
      for (const row of rows) {
        const key = label(row.namespace);
        totals.set(key, (totals.get(key) ?? 0) + Number(row.bytes));
      }
      metrics.langmemStoreSizeBytes.reset();
      for (const [namespace, bytes] of totals) {
        metrics.langmemStoreSizeBytes.set({ namespace }, bytes);
      }
    },
  };
}
