/**
 * Periodic memory jobs: cleanup every `MEMORY_CLEANUP_INTERVAL` and, when
 * `MEMORY_BACKUP_ENABLED`, a snapshot every `MEMORY_BACKUP_INTERVAL`. The
 * schedule lives in the database (`memory_jobs`): a replica runs a job only
 * after claiming it with a conditional update, so replicas never run it
 * twice and a restart does not reset a 7-day backup clock. The first backup
 * comes one interval after the store was first started. The size gauge is
 * refreshed every 30 s (the scrape interval).
 *
 * @module
 */
import type { MemoryContext } from "../context.ts";
import { backupToDirectory } from "../backup/backup.ts";
import { cleanupMemories } from "./cleanup.ts";

/** A periodic job. */
export interface MaintenanceJob {
  name: "cleanup" | "backup";
  intervalSeconds: number;
  run(): Promise<unknown>;
}

/** Running maintenance; `stop()` clears its timers (running jobs finish on their own). */
export interface Maintenance {
  stop(): void;
  /** Claims and runs every due job now; returns the names that ran. */
  tick(): Promise<string[]>;
}

const GAUGE_REFRESH_MS = 30_000;

/** The jobs the settings ask for. */
export function memoryJobs(ctx: MemoryContext): MaintenanceJob[] {
  const jobs: MaintenanceJob[] = [{
    name: "cleanup",
    intervalSeconds: ctx.settings.cleanupIntervalSeconds,
    run: () => cleanupMemories(ctx),
  }];
  if (ctx.settings.backupEnabled) {
    jobs.push({
      name: "backup",
      intervalSeconds: ctx.settings.backupIntervalSeconds,
      run: async () => {
        const report = await backupToDirectory(ctx.sql, ctx.settings.backupDir, {
          keep: ctx.settings.backupKeep,
        });
        ctx.metrics.operation("backup", [], "success");
        ctx.logger.info("memory backup written", { ...report });
      },
    });
  }
  return jobs;
}

/** Starts the timers. */
export function startMaintenance(ctx: MemoryContext, jobs = memoryJobs(ctx)): Maintenance {
  async function claim(job: MaintenanceJob): Promise<boolean> {
    // Seeding with now() makes the first run wait one interval.
    await ctx.sql`
      INSERT INTO memory_jobs (name, last_run_at) VALUES (${job.name}, now())
      ON CONFLICT (name) DO NOTHING`;
    const rows = await ctx.sql`
      UPDATE memory_jobs SET last_run_at = now()
      WHERE name = ${job.name}
        AND last_run_at <= now() - ${job.intervalSeconds}::int * interval '1 second'
      RETURNING 1`;
    return rows.length > 0;
  }

  async function tick(): Promise<string[]> {
    const ran: string[] = [];
    for (const job of jobs) {
      if (!(await claim(job))) continue;
      ran.push(job.name);
      try {
        await job.run();
      } catch (error) {
        ctx.metrics.operation(job.name, [], "error");
        ctx.logger.error("memory maintenance job failed", { job: job.name, error });
      }
    }
    return ran;
  }

  const checkEveryMs = Math.min(60, ...jobs.map((j) => j.intervalSeconds)) * 1000;
  const timers = [
    setInterval(() => ctx.background.run("maintenance", tick, "maintenance"), checkEveryMs),
    setInterval(
      () => ctx.background.run("size gauge", () => ctx.metrics.refreshSizes(ctx.sql), "gauge"),
      GAUGE_REFRESH_MS,
    ),
  ];
  for (const timer of timers) Deno.unrefTimer(timer);
  ctx.background.run("maintenance", tick, "maintenance");
  return {
    stop() {
      for (const timer of timers) clearInterval(timer);
    },
    tick,
  };
}
