/**
 * A watchdog for a sandboxed child's resident memory, started by the child
 * itself. V8's `--max-old-space-size` bounds the JavaScript heap only;
 * ArrayBuffers (a snippet's `new Uint8Array(1e9)`, a PDF's inflated
 * streams) live outside it. The watchdog checks `Deno.memoryUsage().rss`
 * every 10 ms on its own thread, so a busy main thread cannot stall it, and
 * writes `alarm` to stderr once the limit is passed; the parent, which
 * watches stderr for it, kills the child.
 *
 * A `node:worker_threads` Worker from source: it can be unref'd (a web
 * Worker would keep the child alive), and loading a file would need read
 * permission, which the children do not have.
 *
 * @example
 * ```ts
 * await startMemoryWatchdog(256 * 1024 * 1024, "\nnonce:memory\n");
 * ```
 * @module
 */
import { Worker } from "node:worker_threads";

/** Starts the watchdog; resolves once it runs. */
export async function startMemoryWatchdog(limitBytes: number, alarm: string): Promise<void> {
  const source = `
    const limit = ${limitBytes};
    const alarm = new TextEncoder().encode(${JSON.stringify(alarm)});
    const timer = setInterval(() => {
      if (Deno.memoryUsage().rss <= limit) return;
      clearInterval(timer);
      Deno.stderr.writeSync(alarm);
    }, 10);
    require("node:worker_threads").parentPort.postMessage("ready");`;
  const watchdog = new Worker(source, { eval: true, name: "memory-watchdog" });
  await new Promise((resolve) => watchdog.once("message", resolve));
  watchdog.unref();
}
