/**
 * Backups: export → import reproduces the store exactly (byte-identical
 * re-export, across embedded and server Postgres), scheduled snapshots with
 * retention, the `memory:backup` / `memory:restore` commands, and a damaged
 * file that changes nothing.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startTestApp, type TestApp } from "../support/app.ts";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";
import { exportMemories } from "../../src/memories/backup/backup_export.ts";
import { BackupFormatError, importMemories } from "../../src/memories/backup/backup_import.ts";
import { readGzipLines, writeGzipLines } from "../../src/memories/backup/backup_format.ts";
import { listSnapshots } from "../../src/memories/backup/backup.ts";

const local = await localPostgres();

/** Everything a backup must carry: owners, history, reads, TTLs, unindexed items, odd values. */
async function seed(app: TestApp): Promise<void> {
  const memory = app.memory;
  await memory.put("alice", [
    { namespace: ["profile"], key: "city", value: { content: "lives in Berlin" } },
    { namespace: ["profile"], key: "tmp", value: { content: "expires later" }, ttlSeconds: 86400 },
    { namespace: ["raw"], key: "numbers", value: { placeholder: true }, index: false },
    {
      namespace: ['qu"o,te', "ünï{}"],
      key: "odd key \\ ✓",
      value: { content: "odd path", nested: { deep: [1, "two", null] } },
    },
  ]);
  await memory.put("alice", [{
    namespace: ["profile"],
    key: "city",
    value: { content: "lives in Paris" },
  }]);
  await memory.put("bob", [
    { namespace: ["notes"], key: "a", value: { content: "bob likes chess" } },
    { namespace: ["gone"], key: "x", value: { content: "deleted soon" } },
  ]);
  await memory.delete("bob", { namespace: ["gone"], key: "x" });
  // Numbers JavaScript cannot hold exactly: only jsonb text round-trips them.
  await app.database.sql`
    UPDATE memory_items SET value = '{"big": 12345678901234567890, "precise": 0.1000000000000000055511151231257827, "e": 1e-300}'
    WHERE owner_id = 'alice' AND key = 'numbers'`;
  await memory.get("alice", ["profile"], "city");
  await memory.consolidate("bob", ["notes"]);
  await memory.context.background.drain();
  await memory.context.usage.flush();
}

async function lines(path: string): Promise<string[]> {
  const all: string[] = [];
  for await (const line of readGzipLines(path)) all.push(line);
  // The header's timestamp is the only thing allowed to differ.
  all[0] = all[0]!.replace(/"exportedAt":"[^"]+"/, '"exportedAt":"…"');
  return all;
}

async function roundTrip(target: TestApp): Promise<void> {
  const source = await startTestApp();
  const dir = await Deno.makeTempDir({ prefix: "gm-backup-" });
  try {
    await seed(source);
    const first = `${dir}/first.jsonl.gz`;
    const counts = await exportMemories(source.database.sql, first);
    assert.deepEqual({ ...counts, bytes: 0 }, {
      items: 5,
      usage: 1,
      versions: 2,
      namespaces: 5,
      bytes: 0,
    });
    await importMemories(target.database.sql, first);
    const second = `${dir}/second.jsonl.gz`;
    await exportMemories(target.database.sql, second);
    assert.deepEqual(await lines(second), await lines(first));
    // The restored store works: values exact, vectors searchable through a rebuilt index.
    const [numbers] = await target.database.sql`
      SELECT value::text AS v FROM memory_items WHERE key = 'numbers'`;
    assert.match(numbers!.v, /12345678901234567890/);
    assert.match(numbers!.v, /0\.1000000000000000055511151231257827/);
    const hits = await target.memory.search("alice", {
      namespacePrefix: ["profile"],
      query: "Paris",
    });
    assert.equal(hits[0]?.key, "city");
    const [index] = await target.database.sql`
      SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'memory_items_embedding_hnsw'`;
    assert.equal(index!.n, 1);
  } finally {
    await source.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("export then import reproduces the store exactly (embedded to embedded)", async () => {
  const target = await startTestApp();
  try {
    await roundTrip(target);
  } finally {
    await target.close();
  }
});

Deno.test({
  name: "export then import reproduces the store exactly (embedded to the local server)",
  ignore: local.ignore,
  async fn() {
    const db = await createThrowawayDatabase();
    const target = await startTestApp({ DATABASE_URL: db.url, DB_POOL_SIZE: "2" });
    try {
      await roundTrip(target);
    } finally {
      await target.close();
      await db.drop();
    }
  },
});

Deno.test("a truncated or foreign file is refused and the store is left as it was", async () => {
  const app = await startTestApp();
  const dir = await Deno.makeTempDir({ prefix: "gm-backup-" });
  try {
    await seed(app);
    const good = `${dir}/good.jsonl.gz`;
    await exportMemories(app.database.sql, good);
    const all = await lines(good);
    const truncated = `${dir}/truncated.jsonl.gz`;
    await writeGzipLines(truncated, async (write) => {
      for (const line of all.slice(0, -1)) await write(line);
    });
    await assert.rejects(() => importMemories(app.database.sql, truncated), BackupFormatError);
    const foreign = `${dir}/foreign.jsonl.gz`;
    await writeGzipLines(foreign, (write) => write('{"kind":"header","format":"other"}'));
    await assert.rejects(
      () => importMemories(app.database.sql, foreign),
      /not start with a Graphmind/,
    );
    const [row] = await app.database.sql`SELECT count(*)::int AS n FROM memory_items`;
    assert.equal(row!.n, 5);
  } finally {
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scheduled snapshots land in MEMORY_BACKUP_DIR and only MEMORY_BACKUP_KEEP stay", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gm-backup-" });
  const app = await startTestApp({
    MEMORY_BACKUP_ENABLED: "true",
    MEMORY_BACKUP_INTERVAL: "1",
    MEMORY_BACKUP_DIR: dir,
    MEMORY_BACKUP_KEEP: "2",
  });
  try {
    await app.memory.forOwner("alice").put(["n"], "k", { content: "backed up" });
    assert.deepEqual(await listSnapshots(dir), [], "the first backup waits one interval");
    const deadline = Date.now() + 8000;
    while ((await listSnapshots(dir)).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await app.memory.backup();
    const snapshots = await listSnapshots(dir);
    assert.equal(snapshots.length, 2);
    const restored = await lines(snapshots.at(-1)!.file);
    assert.ok(restored.some((line) => line.includes('"backed up"')));
    assert.ok(app.logs.some((l) => l.message === "memory backup written"));
  } finally {
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("`deno task memory:backup` and `memory:restore` move a store between data directories", async () => {
  await Deno.mkdir(".data", { recursive: true });
  const from = await Deno.makeTempDir({ dir: ".data", prefix: "test-backup-from-" });
  const to = await Deno.makeTempDir({ dir: ".data", prefix: "test-backup-to-" });
  const file = `${from}/snapshot.jsonl.gz`;
  const task = async (args: string[], dataDir: string) => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["task", ...args],
      env: { PGLITE_DATA_DIR: dataDir },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    return new TextDecoder().decode(output.stdout);
  };
  try {
    const source = await startTestApp({ PGLITE_DATA_DIR: from });
    await seed(source);
    await source.close();
    assert.match(await task(["memory:backup", file], from), /5 memories, 2 versions/);
    assert.match(
      await task(["memory:restore", file], to),
      /Restored .*5 memories, 2 versions, 5 namespaces/,
    );
    const target = await startTestApp({ PGLITE_DATA_DIR: to });
    try {
      assert.equal(
        (await target.memory.get("alice", ["profile"], "city"))?.value.content,
        "lives in Paris",
      );
      assert.equal((await target.memory.history("alice", ["profile"], "city")).length, 2);
    } finally {
      await target.close();
    }
  } finally {
    await Deno.remove(from, { recursive: true });
    await Deno.remove(to, { recursive: true });
  }
});
