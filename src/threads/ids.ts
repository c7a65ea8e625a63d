/**
 * Ids and opaque cursors. Ids are UUIDs; anything else cannot name a row,
 * so it answers NOT_FOUND without a query (and never reaches Postgres as a
 * malformed uuid, which would be an internal error).
 *
 * @module
 */
import { BadUserInputError } from "../graphql/errors.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its canonical text form. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

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
      `Invalid cursor ${JSON.stringify(cursor)} for ${field}: pass a cursor from this list's ` +
        "edges or pageInfo.endCursor.",
      { field },
    );
  }
  return value;
}
