/**
 * Health checks with the design document's semantics:
 * - `basic`: status, version, uptime;
 * - `ready`: database, cache and LLM, each with its latency and mode; a
 *   failed check names its failure class (`refused`, `timeout`, `auth`, …)
 *   and a fixed sentence, never the driver's text (which names hosts, ports
 *   and users); the full error goes to the log when a check starts failing
 *   or changes class;
 * - `live`: memory, disk and CPU against a 90% threshold.
 *
 * @example
 * ```ts
 * const health = createHealthService({ version: "1.0.0", probes: [] });
 * const report = await health.ready();
 * console.log(report.ready);
 * ```
 * @module
 */
import { readCpu, readDisk, readMemory, type ResourceReading } from "./system.ts";
import { classifyFailure, FAILURE_MESSAGES, type FailureClass } from "../core/failure_class.ts";
import type { Logger } from "../observability/logger.ts";

/** A dependency the service needs before it can take traffic. */
export interface DependencyProbe {
  name: "database" | "cache" | "llm";
  /** How it runs, for example `embedded`, `memory`, `offline`, `server`. */
  mode: string;
  /** Resolves when the dependency answers; throws otherwise. */
  check(): Promise<void>;
}

/** The result of one dependency check. */
export interface DependencyCheck {
  name: string;
  status: "ok" | "error";
  mode: string;
  latencyMs: number;
  /** Why it failed, as a class; set with `error`. */
  errorClass?: FailureClass;
  /** The class's fixed sentence: no host, port, SQL or driver text. */
  error?: string;
}

/** `/health/ready`'s answer. */
export interface ReadinessReport {
  ready: boolean;
  status: "ready" | "not_ready";
  checks: DependencyCheck[];
}

/** One resource of `/health/live`. */
export interface ResourceCheck extends ResourceReading {
  name: "memory" | "disk" | "cpu";
  status: "ok" | "degraded";
}

/** `/health/live`'s answer. */
export interface LivenessReport {
  status: "healthy" | "degraded" | "unhealthy";
  checks: ResourceCheck[];
  warnings: string[];
  error?: string;
}

/** `/health`'s answer. */
export interface BasicHealth {
  status: "ok";
  version: string;
  uptime: number;
  timestamp: string;
}

/** The service behind the health routes and the `health` query. */
export interface HealthService {
  basic(): BasicHealth;
  ready(): Promise<ReadinessReport>;
  live(): LivenessReport;
  /** Marks the service as shutting down: readiness fails from then on. */
  drain(): void;
}

/** Options for {@linkcode createHealthService}. */
export interface HealthOptions {
  version: string;
  probes: DependencyProbe[];
  /** A probe slower than this fails; 2 s by default. */
  timeoutMs?: number;
  /** Above this percentage a resource is degraded; 90 by default. */
  thresholdPercent?: number;
  /** Replaces the system readings, for tests. */
  readResources?: () => Record<ResourceCheck["name"], ResourceReading>;
  /** Called with every readiness report, for example to export it as a metric. */
  onReport?: (report: ReadinessReport) => void;
  /** Gets each failure's full error when a dependency starts failing, changes class or recovers. */
  logger?: Logger;
}

/** The error of a probe that did not settle in time. */
class ProbeTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = "TimeoutError";
  }
}

const startedAt = performance.now();

function defaultReadings(): Record<ResourceCheck["name"], ResourceReading> {
  return { memory: readMemory(), disk: readDisk(), cpu: readCpu() };
}

/** Creates the health service. */
export function createHealthService(options: HealthOptions): HealthService {
  const timeoutMs = options.timeoutMs ?? 2000;
  const threshold = options.thresholdPercent ?? 90;
  const readResources = options.readResources ?? defaultReadings;
  let draining = false;
  /** Each dependency's last failure class, or "ok": probes run every few seconds, logs need not. */
  const lastOutcome = new Map<string, FailureClass | "ok">();

  function record(name: string, outcome: FailureClass | "ok", error?: unknown): void {
    const previous = lastOutcome.get(name);
    lastOutcome.set(name, outcome);
    if (previous === outcome || options.logger === undefined) return;
    if (outcome === "ok") {
      if (previous !== undefined) {
        options.logger.info("dependency ready again", { dependency: name });
      }
      return;
    }
    options.logger.warn("dependency not ready", { dependency: name, failure: outcome, error });
  }

  async function runProbe(probe: DependencyProbe): Promise<DependencyCheck> {
    const start = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        probe.check(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new ProbeTimeoutError(timeoutMs)), timeoutMs);
        }),
      ]);
      record(probe.name, "ok");
      return { name: probe.name, status: "ok", mode: probe.mode, latencyMs: elapsed(start) };
    } catch (error) {
      const errorClass = classifyFailure(error);
      record(probe.name, errorClass, error);
      return {
        name: probe.name,
        status: "error",
        mode: probe.mode,
        latencyMs: elapsed(start),
        errorClass,
        error: FAILURE_MESSAGES[errorClass],
      };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    basic: () => ({
      status: "ok",
      version: options.version,
      uptime: Math.round((performance.now() - startedAt) / 10) / 100,
      timestamp: new Date().toISOString(),
    }),
    async ready() {
      const checks = await Promise.all(options.probes.map(runProbe));
      const ready = !draining && checks.every((c) => c.status === "ok");
      const report: ReadinessReport = { ready, status: ready ? "ready" : "not_ready", checks };
      options.onReport?.(report);
      return report;
    },
    live() {
      try {
        const readings = readResources();
        const checks = (Object.keys(readings) as ResourceCheck["name"][]).map((name) => {
          const reading = readings[name];
          const status: ResourceCheck["status"] = reading.percent > threshold ? "degraded" : "ok";
          return { name, status, ...reading };
        });
        const warnings = checks.filter((c) => c.status === "degraded").map((c) =>
          `${c.name} at ${c.percent}% is above ${threshold}% (${c.detail})`
        );
        return { status: warnings.length > 0 ? "degraded" : "healthy", checks, warnings };
      } catch (error) {
        return {
          status: "unhealthy",
          checks: [],
          warnings: [],
          error: `resource check failed: ${error instanceof Error ? error.message : error}`,
        };
      }
    },
    drain() {
      draining = true;
    },
  };
}

function elapsed(start: number): number {
  return Math.round((performance.now() - start) * 100) / 100;
}
