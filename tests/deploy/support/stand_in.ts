/**
 * Runs container health-check commands for real: a stand-in HTTP server in a
 * subprocess plays the probed service, and the check runs with this Deno as
 * the image's `deno`.
 *
 * @module
 */
import assert from "node:assert/strict";

/** A stand-in server; dispose it to stop it. */
export interface StandInServer extends AsyncDisposable {
  port: string;
}

/** Starts a stand-in HTTP server; `handler` is the body of a `Deno.serve` handler taking `req`. */
export async function standInServer(handler: string): Promise<StandInServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--no-config",
      `Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(port) },` +
      ` async (req) => { ${handler} });`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("The stand-in server exited before listening.");
    text += value;
  }
  let stopped = false;
  return {
    port: text.trim(),
    async [Symbol.asyncDispose]() {
      if (stopped) return;
      stopped = true;
      child.kill();
      await reader.cancel();
      await child.status;
    },
  };
}

/** Runs an exec-form health check (`["deno", ...]`) and resolves with its exit code. */
export async function runHealthcheck(
  command: string[],
  env: Record<string, string>,
): Promise<number> {
  const [program, ...args] = command;
  assert.equal(program, "deno");
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdout: "null",
    stderr: "null",
  }).output();
  return code;
}
