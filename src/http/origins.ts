/**
 * Which browser origins may call the API (`CORS_ORIGINS`): exact origins
 * such as `https://app.example.com`, `*` for any, or `scheme://host:*` for
 * any port of one host (development's default is this machine's hosts on
 * any port). The same policy answers CORS and WebSocket upgrades, since
 * browsers apply no CORS to WebSockets.
 *
 * @example
 * ```ts
 * const origins = createOriginPolicy(["http://localhost:*"]);
 * origins.allows("http://localhost:5173"); // true
 * origins.allows("https://evil.example"); // false
 * ```
 * @module
 */

/** Answers whether an origin may call the API. */
export interface OriginPolicy {
  /** True when every origin is allowed (`*`). */
  readonly any: boolean;
  allows(origin: string): boolean;
}

/** Builds the policy from `CORS_ORIGINS` entries. */
export function createOriginPolicy(entries: readonly string[]): OriginPolicy {
  const any = entries.includes("*");
  const exact = new Set<string>();
  const anyPort: string[] = [];
  for (const entry of entries) {
    const trimmed = entry.replace(/\/+$/, "").toLowerCase();
    if (trimmed.endsWith(":*")) anyPort.push(trimmed.slice(0, -2));
    else exact.add(trimmed);
  }
  return {
    any,
    allows(origin) {
      if (any) return true;
      const normalized = origin.toLowerCase();
      if (exact.has(normalized)) return true;
      const port = /^(.*):(\d{1,5})$/.exec(normalized);
      const host = port ? port[1]! : normalized;
      return anyPort.includes(host);
    },
  };
}
