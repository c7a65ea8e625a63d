/**
 * `deno task memory:backup [file]`: writes a snapshot of every memory to
 * `file`, or to a new `memories-<time>.jsonl.gz` in MEMORY_BACKUP_DIR
 * (keeping the newest MEMORY_BACKUP_KEEP there).
 *
 * @module
 */
import { loadConfig } from "../src/config.ts";
import { backupToDirectory } from "../src/memories/backup/backup.ts";
import { exportMemories } from "../src/memories/backup/backup_export.ts";
import { openMemoryDatabase } from "./memory_database.ts";

if (import.meta.main) {
  const config = loadConfig(Deno.env.toObject());
  const db = await openMemoryDatabase(config);
  try {
    const target = Deno.args[0];
    if (target !== undefined) {
      const counts = await exportMemories(db.sql, target);
      console.log(`Wrote ${target}: ${counts.items} memories, ${counts.versions} versions.`);
    } else {
      const report = await backupToDirectory(db.sql, config.memory.backupDir, {
        keep: config.memory.backupKeep,
      });
      console.log(`Wrote ${report.file}: ${report.items} memories, ${report.versions} versions.`);
    }
  } finally {
    await db.close();
  }
}
