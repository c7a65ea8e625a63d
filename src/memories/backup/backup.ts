/**
 * Backup snapshots in `MEMORY_BACKUP_DIR`: `memories-<UTC time>.jsonl.gz`,
 * the newest `MEMORY_BACKUP_KEEP` kept. Restore one with
 * `deno task memory:restore <file>`.
 *
 * @example
 * ```ts
 * const report = await backupToDirectory(sql, ".data/backups", { keep: 8 });
 * console.log(report.file, report.items);
 * ```
 * @module
 */
import type { Sql } from "postgres";
import { exportMemories } from "./backup_export.ts";

/** What a backup wrote. */
export interface BackupReport {
  file: string;
  items: number;
  versions: number;
  bytes: number;
  /** Older snapshots deleted to respect `keep`. */
  removed: string[];
}

const SNAPSHOT = /^memories-(\d{8}T\d{6}(?:\d{3})?Z)\.jsonl\.gz$/;

/** Writes a snapshot into `dir` and prunes the oldest beyond `keep`. */
export async function backupToDirectory(
  sql: Sql,
  dir: string,
  options: { keep: number; now?: Date },
): Promise<BackupReport> {
  await Deno.mkdir(dir, { recursive: true });
  const stamp = (options.now ?? new Date()).toISOString().replace(/[-:]/g, "").replace(".", "");
  const file = `${dir.replace(/\/+$/, "")}/memories-${stamp}.jsonl.gz`;
  const counts = await exportMemories(sql, file);
  const snapshots = await listSnapshots(dir);
  const removed: string[] = [];
  for (const old of snapshots.slice(0, Math.max(0, snapshots.length - options.keep))) {
    await Deno.remove(old.file);
    removed.push(old.file);
  }
  return { file, items: counts.items, versions: counts.versions, bytes: counts.bytes, removed };
}

/** Snapshots in `dir`, oldest first; empty when the directory does not exist. */
export async function listSnapshots(dir: string): Promise<{ file: string; at: Date }[]> {
  const found: { file: string; at: Date }[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const match = SNAPSHOT.exec(entry.name);
      if (!entry.isFile || !match) continue;
      const t = match[1]!;
      const iso = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:` +
        `${t.slice(11, 13)}:${t.slice(13, 15)}.${t.slice(15, 18) || "000"}Z`;
      found.push({ file: `${dir.replace(/\/+$/, "")}/${entry.name}`, at: new Date(iso) });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found.sort((a, b) => a.at.getTime() - b.at.getTime());
}
