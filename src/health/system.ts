/**
 * System resource readings for `/health/live`: memory, disk and CPU, each as
 * a percentage, compared with the design document's 90% threshold.
 *
 * @module
 */
import { statfsSync } from "node:fs";

/** One resource reading. */
export interface ResourceReading {
  percent: number;
  detail: string;
}

/** Memory in use across the machine (or the container's view of it). */
export function readMemory(): ResourceReading {
  const info = Deno.systemMemoryInfo();
  const used = info.total - info.available;
  return {
    percent: round(used / info.total * 100),
    detail: `${mib(used)} MiB of ${mib(info.total)} MiB in use`,
  };
}

/** Disk in use on the filesystem holding the working directory. */
export function readDisk(path = "."): ResourceReading {
  const fs = statfsSync(path);
  const total = fs.blocks * fs.bsize;
  const available = fs.bavail * fs.bsize;
  // Reserved blocks count as used, as `df` reports them.
  return {
    percent: round((total - available) / total * 100),
    detail: `${mib(available)} MiB free of ${mib(total)} MiB`,
  };
}

/** One-minute load average as a share of the available cores. */
export function readCpu(): ResourceReading {
  const [oneMinute = 0] = Deno.loadavg();
  const cores = navigator.hardwareConcurrency || 1;
  return {
    percent: round(oneMinute / cores * 100),
    detail: `load ${oneMinute.toFixed(2)} on ${cores} cores`,
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function mib(bytes: number): number {
  return Math.round(bytes / 1048576);
}
