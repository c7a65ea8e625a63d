/**
 * One full garbage collection, now. PGlite runs initdb through a second,
 * nested PGlite instance with WASM memories of its own; once the cluster
 * exists they are garbage, but V8 keeps them (a few hundred MiB) until its
 * next full collection, which an idle server reaches only half a minute
 * later. Collecting once, when the app is ready, returns that memory (and
 * the rest of the start-up's garbage) at start.
 *
 * `gc` is exposed to new contexts only (`--expose-gc` set at run time), so
 * nothing else in the process sees it. Where V8 flags cannot be set, this
 * does nothing and V8 collects in its own time.
 *
 * @example
 * ```ts
 * collectGarbage(); // true when a collection ran
 * ```
 * @module
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | null | undefined;

/** Runs a full collection; false when the runtime does not allow it. */
export function collectGarbage(): boolean {
  if (gc === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      const found = runInNewContext("typeof gc === 'function' ? gc : null");
      gc = typeof found === "function" ? found as () => void : null;
    } catch {
      gc = null;
    }
  }
  gc?.();
  return gc !== null;
}
