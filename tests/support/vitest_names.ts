/**
 * Names of `describe.each` / `it.each` cases, formatted as vitest does:
 * printf-style `%s %d %i %f %j %o %O %#  %%` take the row's values in turn,
 * and `$key` or `$a.b` take properties of a row that is one object.
 *
 * @module
 */

/** The name of row `index` (whose values are `args`) of an `each` table. */
export function eachName(template: string, args: readonly unknown[], index: number): string {
  let next = 0;
  const named = template.replace(/%([sdifjoO#%])/g, (_, code: string) => {
    if (code === "%") return "%";
    if (code === "#") return String(index);
    const value = args[next++];
    if (code === "d" || code === "i") {
      return String(code === "i" ? Math.trunc(Number(value)) : Number(value));
    }
    if (code === "f") return String(Number(value));
    if (code === "s") return typeof value === "string" ? value : display(value);
    return JSON.stringify(value);
  });
  const [only] = args;
  if (args.length !== 1 || only === null || typeof only !== "object") return named;
  return named.replace(/\$([A-Za-z_][\w.]*)/g, (match, path: string) => {
    let value: unknown = only;
    for (const key of path.split(".")) {
      if (value === null || typeof value !== "object" || !(key in value)) return match;
      value = (value as Record<string, unknown>)[key];
    }
    return typeof value === "string" ? value : display(value);
  });
}

function display(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "function") return `[Function ${value.name || "anonymous"}]`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
