/**
 * The environment variables `src/config.ts` reads, found by running the real
 * `loadConfig` against an environment that records every name it is asked
 * for, so the list can never drift from the schema.
 *
 * @module
 */
import { loadConfig } from "../../../src/config.ts";

/** Every variable `loadConfig` reads, sorted. */
export function configVariables(): string[] {
  const read = new Set<string>();
  const recorder = new Proxy({} as Record<string, string | undefined>, {
    get(_target, name) {
      if (typeof name === "string") read.add(name);
      return undefined;
    },
  });
  loadConfig(recorder);
  return [...read].sort();
}
