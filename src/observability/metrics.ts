/**
 * The Prometheus registries. `registry` holds everything served on
 * `/metrics`; the `langmem_*` family is also registered on `memoryRegistry`
 * so `/metrics/memory` can serve it alone. Registries are per app instance,
 * never global, so tests can build several apps in one process.
 *
 * @module
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** Every metric the service records, created once per app. */
export interface Metrics {
  registry: Registry;
  memoryRegistry: Registry;
  httpRequestsTotal: Counter<"method" | "endpoint" | "status_code">;
  httpRequestDuration: Histogram<"method" | "endpoint">;
  databaseQueryDuration: Histogram<"query_type">;
  databaseConnectionsActive: Gauge;
  cacheErrorsTotal: Counter<"operation">;
  memoryUsageBytes: Gauge;
  cpuUsagePercent: Gauge;
  langmemOperationsTotal: Counter<"operation" | "namespace" | "status">;
  langmemSearchDuration: Histogram<"namespace">;
  langmemStoreSizeBytes: Gauge<"namespace">;
  langmemConsolidationDuration: Histogram;
}

const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Creates the registries and registers every metric of the design document. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  const memoryRegistry = new Registry();
  collectDefaultMetrics({ register: registry });
  const both = [registry, memoryRegistry];
  return {
    registry,
    memoryRegistry,
    httpRequestsTotal: new Counter({
      name: "http_requests_total",
      help: "HTTP requests by method, route and status code.",
      labelNames: ["method", "endpoint", "status_code"],
      registers: [registry],
    }),
    httpRequestDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request duration in seconds by method and route.",
      labelNames: ["method", "endpoint"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    databaseQueryDuration: new Histogram({
      name: "database_query_duration_seconds",
      help: "Database query duration in seconds by query type.",
      labelNames: ["query_type"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    databaseConnectionsActive: new Gauge({
      name: "database_connections_active",
      help: "Database connections currently open in the pool.",
      registers: [registry],
    }),
    cacheErrorsTotal: new Counter({
      name: "cache_errors_total",
      help: "Cache operations that failed and fell back to the source of truth.",
      labelNames: ["operation"],
      registers: [registry],
    }),
    memoryUsageBytes: new Gauge({
      name: "memory_usage_bytes",
      help: "Resident set size of the process in bytes, refreshed every 30 s.",
      registers: [registry],
    }),
    cpuUsagePercent: new Gauge({
      name: "cpu_usage_percent",
      help: "Process CPU usage in percent of one core, refreshed every 30 s.",
      registers: [registry],
    }),
    langmemOperationsTotal: new Counter({
      name: "langmem_operations_total",
      help: "Long-term memory operations by operation, namespace and status.",
      labelNames: ["operation", "namespace", "status"],
      registers: both,
    }),
    langmemSearchDuration: new Histogram({
      name: "langmem_search_duration_seconds",
      help: "Long-term memory search duration in seconds by namespace.",
      labelNames: ["namespace"],
      buckets: LATENCY_BUCKETS,
      registers: both,
    }),
    langmemStoreSizeBytes: new Gauge({
      name: "langmem_store_size_bytes",
      help: "Bytes stored in long-term memory by namespace.",
      labelNames: ["namespace"],
      registers: both,
    }),
    langmemConsolidationDuration: new Histogram({
      name: "langmem_consolidation_duration_seconds",
      help: "Duration of memory consolidation passes in seconds.",
      buckets: [0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers: both,
    }),
  };
}
