/**
 * A small filesystem for disk-full tests: a tmpfs of a given size mounted on
 * a directory, which can be grown in place (an operator freeing space) and is
 * unmounted and removed at the end. Mounting needs root (or CAP_SYS_ADMIN);
 * {@linkcode smallDiskUnavailable} probes for that, so a test can skip with
 * the reason where it cannot mount.
 *
 * @module
 */

/** A mounted tmpfs. */
export interface SmallDisk {
  path: string;
  /** Remounts it with `megabytes` of room (tmpfs keeps its files). */
  resize(megabytes: number): Promise<void>;
  /** Bytes still free. */
  free(): Promise<number>;
  /** Unmounts it and removes the mount point. Safe to call twice. */
  unmount(): Promise<void>;
}

/** Why a tmpfs cannot be mounted here (tried once, on a scratch dir), or `undefined`. */
export async function smallDiskUnavailable(): Promise<string | undefined> {
  if (Deno.build.os !== "linux") return `tmpfs mounts need Linux, not ${Deno.build.os}`;
  const scratch = await Deno.makeTempDir({ prefix: "gm-mount-probe-" });
  try {
    const mounted = await run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", scratch]);
    if (mounted !== undefined) return `cannot mount a tmpfs here (${mounted})`;
    await run(["umount", scratch]);
    return undefined;
  } finally {
    await Deno.remove(scratch).catch(() => {});
  }
}

/** Mounts a tmpfs of `megabytes` on `path` (created if missing). */
export async function mountSmallDisk(path: string, megabytes: number): Promise<SmallDisk> {
  await Deno.mkdir(path, { recursive: true });
  const failed = await run(["mount", "-t", "tmpfs", "-o", `size=${megabytes}m`, "tmpfs", path]);
  if (failed !== undefined) {
    await Deno.remove(path).catch(() => {});
    throw new Error(`mount tmpfs on ${path}: ${failed}`);
  }
  let mounted = true;
  return {
    path,
    async resize(size) {
      const error = await run(["mount", "-o", `remount,size=${size}m`, path]);
      if (error !== undefined) throw new Error(`remount ${path}: ${error}`);
    },
    async free() {
      const output = await new Deno.Command("df", { args: ["-B1", "--output=avail", path] })
        .output();
      const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
      return Number(lines.at(-1));
    },
    async unmount() {
      if (!mounted) return;
      mounted = false;
      // Lazy: a process that still holds a file there must not leave the mount behind.
      await run(["umount", "-l", path]);
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** Runs a command; the error text when it fails, `undefined` when it succeeds. */
async function run(args: string[]): Promise<string | undefined> {
  const [command, ...rest] = args as [string, ...string[]];
  try {
    const output = await new Deno.Command(command, { args: rest, stdout: "null", stderr: "piped" })
      .output();
    if (output.success) return undefined;
    return new TextDecoder().decode(output.stderr).trim() || `exit ${output.code}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
