/**
 * Keeps embedded Postgres (PGlite) off a full disk.
 *
 * PGlite does not survive running out of space: when Postgres cannot create
 * its next 16 MB WAL segment, the one WASM backend wedges, and every query
 * after it (reads too) hangs for good, space returning or not, and the
 * process no longer stops on SIGTERM (tests/faults/disk_full_test.ts found
 * this). So while the data directory's filesystem has less than
 * `minFreeBytes` free, the guard switches the session to refuse writes
 * (`default_transaction_read_only`): a write then fails at once with
 * SQLSTATE 25006, which the edge answers as a clear, retryable error, and
 * reads go on. Once space returns, writes resume by themselves.
 *
 * PGlite has one session, reached through the app's one-connection pool, so
 * a `SET` on that pool applies to every later query. It is repeated on every
 * check while space is low, in case a reconnect or a rolled-back
 * transaction undid it.
 *
 * @example
 * ```ts
 * const guard = await startDiskGuard({ sql, dataDir: ".data/pglite", logger });
 * guard.stop();
 * ```
 * @module
 */
import { statfsSync } from "node:fs";
import type { Sql } from "postgres";
import type { Logger } from "../observability/logger.ts";

/**
 * Free space below which writes are refused: four WAL segments, room for
 * the segment Postgres may need next plus the writes of one check interval.
 */
export const MIN_FREE_BYTES = 64 * 1024 * 1024;

/** What {@linkcode startDiskGuard} needs. */
export interface DiskGuardOptions {
  /** The embedded database's pool (one connection, so one session). */
  sql: Sql;
  dataDir: string;
  logger: Logger;
  /** Default {@linkcode MIN_FREE_BYTES}. */
  minFreeBytes?: number;
  /** How often free space is measured. Default 1000 ms. */
  intervalMs?: number;
}

/** A running guard. */
export interface DiskGuard {
  /** True while writes are refused for lack of space. */
  readonly low: boolean;
  stop(): void;
}

/** Measures now (so a start on a full disk is guarded at once), then every `intervalMs`. */
export async function startDiskGuard(options: DiskGuardOptions): Promise<DiskGuard> {
  const minFree = options.minFreeBytes ?? MIN_FREE_BYTES;
  let low = false;
  let checking = false;

  function freeBytes(): number | undefined {
    try {
      const fs = statfsSync(options.dataDir);
      return Number(fs.bavail) * Number(fs.bsize);
    } catch {
      // No --allow-sys=statfs, or an unusual filesystem: nothing to guard with.
      return undefined;
    }
  }

  async function check(): Promise<void> {
    if (checking) return;
    checking = true;
    try {
      const free = freeBytes();
      if (free === undefined) return;
      if (free < minFree) {
        await options.sql`SET default_transaction_read_only = on`;
        if (!low) {
          options.logger.error("the embedded database's disk is nearly full; refusing writes", {
            data_dir: options.dataDir,
            free_bytes: free,
            min_free_bytes: minFree,
          });
        }
        low = true;
      } else if (low) {
        await options.sql`SET default_transaction_read_only = off`;
        low = false;
        options.logger.info("the embedded database's disk has room again; accepting writes", {
          free_bytes: free,
        });
      }
    } catch (error) {
      options.logger.warn("could not apply the embedded database's disk guard", { error });
    } finally {
      checking = false;
    }
  }

  await check();
  const timer = setInterval(() => void check(), options.intervalMs ?? 1000);
  Deno.unrefTimer(timer);
  return {
    get low() {
      return low;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
