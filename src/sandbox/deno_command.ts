/**
 * The Deno binary a sandboxed child runs on: the server's own, or the
 * `deno` on PATH, whichever `--allow-run` grants (`deno task start` has
 * `--allow-run=deno`).
 *
 * @example
 * ```ts
 * const command = denoCommand();
 * if (command === undefined) console.log("no --allow-run=deno: no sandbox");
 * ```
 * @module
 */

/** The Deno binary the server may start, or undefined when it may start none. */
export function denoCommand(): string | undefined {
  for (const command of [ownExecutable(), "deno"]) {
    if (command === undefined) continue;
    if (Deno.permissions.querySync({ name: "run", command }).state === "granted") return command;
  }
  return undefined;
}

function ownExecutable(): string | undefined {
  try {
    return Deno.execPath();
  } catch {
    return undefined;
  }
}
