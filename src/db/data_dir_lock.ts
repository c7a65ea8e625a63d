/**
 * An exclusive lock on the embedded database's data directory. PGlite has no
 * lock of its own: two processes opening the same directory both write to
 * it and corrupt it. The lock is a `<dir>.lock` file holding the owner's pid,
 * created atomically; a lock whose process is gone is taken over.
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

/** Thrown when another live process holds the directory. */
export class DataDirLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataDirLockedError";
  }
}

/** Lock files this process holds; the pid check cannot tell them apart. */
const held = new Set<string>();

/** Locks `dataDir` for this process and returns the release function. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = `${dataDir.replace(/\/+$/, "")}.lock`;
  if (held.has(path)) {
    throw new DataDirLockedError(
      `The embedded database "${dataDir}" is already open in this process; close it first.`,
    );
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await Deno.writeTextFile(path, String(Deno.pid), { createNew: true });
      held.add(path);
      return async () => {
        held.delete(path);
        await Deno.remove(path).catch(() => {});
      };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const pid = Number((await Deno.readTextFile(path).catch(() => "")).trim());
    if (await isOtherLiveProcess(pid)) {
      throw new DataDirLockedError(
        `The embedded database "${dataDir}" is in use by process ${pid}. Stop that process, ` +
          `or point PGLITE_DATA_DIR elsewhere. If no such process runs, delete "${path}".`,
      );
    }
    // The previous owner died without releasing it.
    await Deno.remove(path).catch(() => {});
  }
  throw new DataDirLockedError(`Could not lock "${dataDir}": another process keeps taking it.`);
}

async function isOtherLiveProcess(pid: number): Promise<boolean> {
  // A container restarts with the same pid as its dead predecessor.
  if (!Number.isInteger(pid) || pid <= 0 || pid === Deno.pid) return false;
  if (Deno.build.os !== "linux") return true; // cannot tell; the message says what to do
  try {
    await Deno.stat(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}
