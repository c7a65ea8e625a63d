import assert from "node:assert/strict";
import { DataDirLockedError, lockDataDir } from "../../src/db/data_dir_lock.ts";

async function tempDataDir(): Promise<string> {
  return `${await Deno.makeTempDir({ prefix: "graphmind-lock-" })}/pglite`;
}

Deno.test("a data directory cannot be opened twice in one process", async () => {
  const dir = await tempDataDir();
  const release = await lockDataDir(dir);
  try {
    await assert.rejects(lockDataDir(dir), DataDirLockedError);
  } finally {
    await release();
  }
  const again = await lockDataDir(dir);
  await again();
});

Deno.test("a lock held by another live process refuses with its pid and the fix", async () => {
  const dir = await tempDataDir();
  const other = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    await Deno.writeTextFile(`${dir}.lock`, String(other.pid));
    await assert.rejects(
      lockDataDir(dir),
      (error: unknown) =>
        error instanceof DataDirLockedError &&
        error.message.includes(`in use by process ${other.pid}`) &&
        error.message.includes("PGLITE_DATA_DIR"),
    );
  } finally {
    other.kill("SIGKILL");
    await other.status;
  }
});

Deno.test("a lock left by a dead process is taken over", async () => {
  const dir = await tempDataDir();
  const dead = new Deno.Command("true").spawn();
  await dead.status;
  await Deno.writeTextFile(`${dir}.lock`, String(dead.pid));
  const release = await lockDataDir(dir);
  assert.equal(await Deno.readTextFile(`${dir}.lock`), String(Deno.pid));
  await release();
  await assert.rejects(Deno.stat(`${dir}.lock`), Deno.errors.NotFound);
});
