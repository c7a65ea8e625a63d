/**
 * Relay connections over a numeric keyset (a plan's `seq`, a task's
 * position). Cursors are opaque to clients; a malformed one, or a negative
 * page size, is the client's mistake and answers BAD_USER_INPUT.
 *
 * @example
 * ```ts
 * const connection = await keysetConnection(args, "task", (t) => t.position,
 *   (page) => selectTaskPage(sql, planId, filter, page));
 * ```
 * @module
 */
import { resolveCursorConnection } from "@pothos/plugin-relay";
import { BadUserInputError } from "../graphql/errors.ts";

/** Which slice of a keyset to read: strictly after/before, at most `limit` rows. */
export interface KeysetPage {
  after?: number;
  before?: number;
  limit: number;
  /** Read backwards (for `last`); the connection reverses the rows again. */
  inverted: boolean;
}

/** The standard connection arguments. */
export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/** Most items one page returns, whatever `first` or `last` asks. */
export const MAX_PAGE_SIZE = 100;

/** An opaque cursor for `key` in the keyset named `kind`. */
export function encodeCursor(kind: string, key: number): string {
  return btoa(`${kind}:${key}`);
}

/** The key inside a cursor, or BAD_USER_INPUT naming the argument. */
export function decodeCursor(kind: string, cursor: string, argument: string): number {
  let text = "";
  try {
    text = atob(cursor);
  } catch {
    // Not base64: reported below like any other foreign cursor.
  }
  const match = new RegExp(`^${kind}:(\\d{1,9})$`).exec(text);
  if (!match) {
    throw new BadUserInputError(
      `Invalid cursor ${JSON.stringify(cursor)} in \`${argument}\`: pass a cursor this list ` +
        "returned.",
      { field: argument },
    );
  }
  return Number(match[1]);
}

/** Resolves a connection by reading one keyset page with `fetch`. */
export async function keysetConnection<T>(
  args: ConnectionArgs,
  kind: string,
  keyOf: (item: T) => number,
  fetch: (page: KeysetPage) => Promise<T[]>,
) {
  for (const name of ["first", "last"] as const) {
    const value = args[name];
    if (value !== undefined && value !== null && value < 0) {
      throw new BadUserInputError(`\`${name}\` must not be negative; got ${value}.`, {
        field: name,
      });
    }
  }
  return await resolveCursorConnection<Promise<T[]>>(
    { args, maxSize: MAX_PAGE_SIZE, toCursor: (item: T) => encodeCursor(kind, keyOf(item)) },
    ({ after, before, limit, inverted }) =>
      fetch({
        ...(after ? { after: decodeCursor(kind, after, "after") } : {}),
        ...(before ? { before: decodeCursor(kind, before, "before") } : {}),
        limit,
        inverted,
      }),
  );
}
