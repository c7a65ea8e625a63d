/**
 * Health's public entry: the service behind `/health*` and its readiness gauge.
 *
 * @module
 */
export {
  createHealthService,
  type DependencyProbe,
  type HealthService,
  type ReadinessReport,
} from "./health.ts";
export { createReadinessGauge } from "./readiness_gauge.ts";
