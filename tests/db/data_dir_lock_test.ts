import assert from "node:assert/strict";
import { DataDirLockedError, lockDataDir } from "../../src/db/data_dir_lock.ts";

async function tempDataDir(): Promise<string> {
  return `${await Deno.makeTempDir({ prefix: "graphmind-lock-" })}/pglite`;
}

/** Another process that takes the lock through the same module, then waits. */
async function otherHolder(dir: string): Promise<Deno.ChildProcess> {
  const module = new URL("../../src/db/data_dir_lock.ts", import.meta.url).href;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `const { lockDataDir } = await import(${JSON.stringify(module)});` +
      `await lockDataDir(${JSON.stringify(dir)}); console.log("locked");` +
      "await new Promise(() => setInterval(() => {}, 1000));",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  assert.equal(value?.trim(), "locked");
  return child;
}

Deno.test("a data directory cannot be opened twice in one process", async () => {
  const dir = await tempDataDir();
  const release = await lockDataDir(dir);
  try {
    await assert.rejects(lockDataDir(dir), /already open in this process/);
  } finally {
    await release();
  }
  const again = await lockDataDir(dir);
  await again();
});

Deno.test("another live process holding the lock is refused with its pid and the fix", async () => {
  const dir = await tempDataDir();
  const other = await otherHolder(dir);
  try {
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
    await other.stdout.cancel().catch(() => {});
  }
});

Deno.test("the lock of a process that died is free again", async () => {
  const dir = await tempDataDir();
  const other = await otherHolder(dir);
  other.kill("SIGKILL");
  await other.status;
  await other.stdout.cancel().catch(() => {});
  const release = await lockDataDir(dir);
  assert.equal(await Deno.readTextFile(`${dir}.lock`), String(Deno.pid));
  await release();
  await assert.rejects(Deno.stat(`${dir}.lock`), Deno.errors.NotFound);
});
