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
import { decodeCursor, encodeCursor } from "../graphql/cursor.ts";

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

const KEY = /^\d{1,9}$/;

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
        ...(after ? { after: Number(decodeCursor(kind, after, { pattern: KEY })) } : {}),
        ...(before
          ? { before: Number(decodeCursor(kind, before, { pattern: KEY, field: "before" })) }
          : {}),
        limit,
        inverted,
      }),
  );
}
