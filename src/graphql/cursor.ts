/**
 * Opaque Relay cursors, one codec for every list: `kind:value` in base64.
 * The kind keeps a cursor from one list out of another; a cursor that does
 * not decode, or names another list, is the client's mistake and answers
 * BAD_USER_INPUT naming the argument.
 *
 * @example
 * ```ts
 * const cursor = encodeCursor("thread", 42);
 * decodeCursor("thread", cursor, { pattern: /^\d+$/ }); // "42"
 * ```
 * @module
 */
import { BadUserInputError } from "./errors.ts";

/** An opaque cursor for `value` in a list of `kind`. */
export function encodeCursor(kind: string, value: string | number): string {
  return btoa(`${kind}:${value}`);
}

/** Reads a cursor made by {@linkcode encodeCursor}; BAD_USER_INPUT otherwise. */
export function decodeCursor(
  kind: string,
  cursor: string,
  options: { pattern?: RegExp; field?: string } = {},
): string {
  const field = options.field ?? "after";
  let decoded: string | undefined;
  try {
    decoded = atob(cursor);
  } catch {
    decoded = undefined;
  }
  const value = decoded?.startsWith(`${kind}:`) ? decoded.slice(kind.length + 1) : undefined;
  if (value === undefined || !(options.pattern ?? /./).test(value)) {
    throw new BadUserInputError(
      `Invalid cursor ${JSON.stringify(cursor)} in \`${field}\`: pass a cursor from this ` +
        "list's edges or pageInfo.",
      { field },
    );
  }
  return value;
}
