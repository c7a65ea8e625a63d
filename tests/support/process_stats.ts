/**
 * Readings of another process, for tests and benches. Deno reads
 * `/proc/<pid>/…` only with `--allow-all`, and the suite runs with a narrower
 * set, so the resident set comes from `ps`, which `--allow-run` allows.
 *
 * @example
 * ```ts
 * const kib = await residentKib(server.pid);
 * ```
 * @module
 */

/** A process's resident set size in KiB (what `ps -o rss=` shows); 0 once it has exited. */
export async function residentKib(pid: number): Promise<number> {
  const ps = await new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(pid)] }).output();
  return Number(new TextDecoder().decode(ps.stdout).trim()) || 0;
}
