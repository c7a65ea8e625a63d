/**
 * Periodic and triggered memory work as durable jobs on the shared queue
 * (src/queue/jobs.ts), so each runs exactly once across replicas:
 *
 * - `memory.cleanup` every `MEMORY_CLEANUP_INTERVAL` and, when
 *   `MEMORY_BACKUP_ENABLED`, `memory.backup` every `MEMORY_BACKUP_INTERVAL`:
 *   periodic chains (one unfinished job per kind; ending one schedules the
 *   next), so a restart never resets a 7-day backup clock. The first of
 *   each comes one interval after the queue first started.
 * - `memory.consolidate`: the automatic pass a namespace's growth triggers
 *   (`LANGMEM_AUTO_CONSOLIDATE`), deduped per owner and namespace.
 *
 * Idempotence: cleanup deletes what expired (a re-run deletes nothing
 * more); a re-run backup writes one more snapshot, which rotation
 * (`MEMORY_BACKUP_KEEP`) absorbs; a re-run consolidation finds the
 * near-duplicates already merged.
 *
 * The size gauge is refreshed on every replica every 30 s (the scrape
 * interval), since each serves its own `/metrics`.
 *
 * @module
 */
import type { JobHandler, JobQueue } from "../../queue/jobs.ts";
import type { MemoryContext } from "../context.ts";
import { backupToDirectory } from "../backup/backup.ts";
import { cleanupMemories } from "./cleanup.ts";
import { consolidateNamespace } from "./consolidation.ts";

/** The kinds registered here. */
export const CLEANUP_KIND = "memory.cleanup";
export const BACKUP_KIND = "memory.backup";
export const CONSOLIDATE_KIND = "memory.consolidate";

/** `memory.consolidate`'s payload. */
export interface ConsolidatePayload {
  owner: string;
  namespace: string[];
  /** Only memories written after this (ISO time) lead a merge. */
  since: string | null;
}

/** The dedupe key of one namespace's automatic consolidation. */
export function consolidationKey(owner: string, namespace: string[]): string {
  return `${CONSOLIDATE_KIND}:${JSON.stringify([owner, ...namespace])}`;
}

const GAUGE_REFRESH_MS = 30_000;

/** Registers the memory jobs the settings ask for on `jobs` (before it starts). */
export function registerMemoryJobs(ctx: MemoryContext, jobs: JobQueue): void {
  jobs.register(
    CLEANUP_KIND,
    {
      everyMs: ctx.settings.cleanupIntervalSeconds * 1000,
      async run() {
        await cleanupMemories(ctx);
      },
    } satisfies JobHandler,
  );
  if (ctx.settings.backupEnabled) {
    jobs.register(
      BACKUP_KIND,
      {
        everyMs: ctx.settings.backupIntervalSeconds * 1000,
        async run() {
          const report = await backupToDirectory(ctx.sql, ctx.settings.backupDir, {
            keep: ctx.settings.backupKeep,
          });
          ctx.metrics.operation("backup", [], "success");
          ctx.logger.info("memory backup written", { ...report });
        },
        onFailed() {
          ctx.metrics.operation("backup", [], "error");
          return Promise.resolve();
        },
      } satisfies JobHandler,
    );
  }
  jobs.register<ConsolidatePayload>(CONSOLIDATE_KIND, {
    async run(job) {
      const { owner, namespace, since } = job.payload;
      await consolidateNamespace(ctx, owner, namespace, {
        ...(since === null ? {} : { since: new Date(since) }),
      });
    },
  });
}

/** Refreshes the size gauge every 30 s; returns the stop function. */
export function startSizeGauge(ctx: MemoryContext): () => void {
  const timer = setInterval(
    () => ctx.background.run("size gauge", () => ctx.metrics.refreshSizes(ctx.sql), "gauge"),
    GAUGE_REFRESH_MS,
  );
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
