/**
 * Job metrics on the app's registry: how claims end, by kind and outcome,
 * and how long successful jobs take. Kinds are the registered handlers'
 * names, a small fixed set.
 *
 * @example
 * ```ts
 * const metrics = createJobMetrics(registry);
 * metrics.ended("document.ingest", "done", 1.2);
 * ```
 * @module
 */
import { Counter, Histogram, type Registry } from "prom-client";

/** How one claim of a job ended. */
export type JobOutcome = "done" | "retried" | "failed" | "lost";

/** What the queue records. */
export interface JobMetrics {
  ended(kind: string, outcome: JobOutcome, seconds?: number): void;
}

/** Registers the metrics on `registry`. */
export function createJobMetrics(registry: Registry): JobMetrics {
  const registers = [registry];
  const ended = new Counter({
    name: "graphmind_jobs_total",
    help: "Background job claims by kind and how they ended (done, retried, failed, lost lease).",
    labelNames: ["kind", "outcome"],
    registers,
  });
  const duration = new Histogram({
    name: "graphmind_job_duration_seconds",
    help: "Seconds a background job took when it ended done, by kind.",
    labelNames: ["kind"],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers,
  });
  return {
    ended(kind, outcome, seconds) {
      ended.inc({ kind, outcome });
      if (outcome === "done" && seconds !== undefined) duration.observe({ kind }, seconds);
    },
  };
}
