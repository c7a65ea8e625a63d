/**
 * `health_dependency_up{dependency}`: 1 when a dependency (database, cache,
 * llm) answered its last readiness check, 0 when it did not. Readiness runs
 * on every `/health/ready` probe (every 5 s under Kubernetes), so Prometheus
 * alerts on a failing dependency by name instead of on a probe it cannot see.
 *
 * @example
 * ```ts
 * import { Registry } from "prom-client";
 * import { createHealthService } from "./health.ts";
 * import { createReadinessGauge } from "./readiness_gauge.ts";
 *
 * const health = createHealthService({
 *   version: "1.0.0",
 *   probes: [],
 *   onReport: createReadinessGauge(new Registry()),
 * });
 * await health.ready();
 * ```
 * @module
 */
import { Gauge, type Registry } from "prom-client";
import type { ReadinessReport } from "./health.ts";

/** The metric's name, as dashboards and alert rules spell it. */
export const HEALTH_DEPENDENCY_UP = "health_dependency_up";

/**
 * Registers the gauge on `registry` and returns the function that records a
 * readiness report into it.
 */
export function createReadinessGauge(registry: Registry): (report: ReadinessReport) => void {
  const gauge = new Gauge({
    name: HEALTH_DEPENDENCY_UP,
    help: "1 when the dependency answered its last readiness check, 0 when it failed.",
    labelNames: ["dependency"],
    registers: [registry],
  });
  return function record(report: ReadinessReport): void {
    for (const check of report.checks) {
      gauge.set({ dependency: check.name }, check.status === "ok" ? 1 : 0);
    }
  };
}
