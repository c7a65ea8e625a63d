/**
 * `deno task memory:restore <file>`: replaces every memory in the configured
 * database with the snapshot in `file` (all or nothing). Stop the service
 * first; if the snapshot's embedding model differs from the configured one,
 * run `deno task memory:reindex` afterwards.
 *
 * @module
 */
import { loadConfig } from "../src/config.ts";
import { importMemories } from "../src/memories/backup/backup_import.ts";
import { openMemoryDatabase } from "./memory_database.ts";

if (import.meta.main) {
  const file = Deno.args[0];
  if (file === undefined) {
    console.error("Usage: deno task memory:restore <memories-….jsonl.gz>");
    Deno.exit(2);
  }
  const config = loadConfig(Deno.env.toObject());
  const db = await openMemoryDatabase(config);
  try {
    const counts = await importMemories(db.sql, file);
    console.log(
      `Restored ${file}: ${counts.items} memories, ${counts.versions} versions, ` +
        `${counts.namespaces} namespaces.`,
    );
  } finally {
    await db.close();
  }
}
