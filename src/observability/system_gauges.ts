/**
 * Refreshes `memory_usage_bytes` and `cpu_usage_percent` every 30 s, as the
 * design document sets, and once at start so the first scrape has values.
 *
 * @module
 */
import process from "node:process";
import type { Metrics } from "./metrics.ts";

/** Starts the refresh loop; call the returned function to stop it. */
export function startSystemGauges(metrics: Metrics, intervalMs = 30_000): () => void {
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  function refresh(): void {
    metrics.memoryUsageBytes.set(Deno.memoryUsage().rss);
    const cpu = process.cpuUsage();
    const now = performance.now();
    const usedMicros = cpu.user - lastCpu.user + cpu.system - lastCpu.system;
    const elapsedMicros = (now - lastAt) * 1000;
    if (elapsedMicros > 0) {
      metrics.cpuUsagePercent.set(Math.round(usedMicros / elapsedMicros * 1000) / 10);
    }
    lastCpu = cpu;
    lastAt = now;
  }
  refresh();
  const timer = setInterval(refresh, intervalMs);
  Deno.unrefTimer(timer as unknown as number);
  return () => clearInterval(timer);
}
