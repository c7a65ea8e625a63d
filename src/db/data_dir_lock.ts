/**
 * An exclusive lock on the embedded database's data directory. PGlite has no
 * lock of its own: two processes opening the same directory both write to
 * it and corrupt it. The lock is an OS file lock (flock) on `<dir>.lock`,
 * which the kernel drops when its process dies, so a crash never leaves a
 * stale lock behind. The file holds the owner's pid, for the error message.
 *
 * @example
 * ```ts
 * const release = await lockDataDir(".data/pglite");
 * try {
 *   // open PGlite on .data/pglite
 * } finally {
 *   await release();
 * }
 * ```
 * @module
 */

/** Thrown when another process, or this one, already holds the directory. */
export class DataDirLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataDirLockedError";
  }
}

/** Lock files this process holds, to name the mistake when it reopens one. */
const held = new Set<string>();

/** Locks `dataDir` for this process and returns the release function. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = `${dataDir.replace(/\/+$/, "")}.lock`;
  if (held.has(path)) {
    throw new DataDirLockedError(
      `The embedded database "${dataDir}" is already open in this process; close it first.`,
    );
  }
  const file = await Deno.open(path, { create: true, read: true, write: true });
  if (!(await file.tryLock(true))) {
    file.close();
    const owner = (await Deno.readTextFile(path).catch(() => "")).trim() || "unknown";
    throw new DataDirLockedError(
      `The embedded database "${dataDir}" is in use by process ${owner}. Stop that process, ` +
        "or point PGLITE_DATA_DIR elsewhere.",
    );
  }
  await file.truncate();
  await file.write(new TextEncoder().encode(String(Deno.pid)));
  held.add(path);
  return async () => {
    held.delete(path);
    await Deno.remove(path).catch(() => {});
    await file.unlock();
    file.close();
  };
}
