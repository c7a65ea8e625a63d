/**
 * Relay connections, one module for every list. Cursors are opaque
 * (`kind:key` in base64): the kind keeps a cursor from one list out of
 * another, and a cursor that does not decode, or names another list, is the
 * client's mistake and answers BAD_USER_INPUT naming the argument. Lists are
 * keyset-paginated, forwards with `first`/`after` and backwards with
 * `last`/`before`, following the Relay specification.
 *
 * @example
 * ```ts
 * const threads = await keysetConnection({
 *   kind: "thread",
 *   args: { first: 10 },
 *   keyOf: (thread) => thread.seq,
 *   fetch: (page) => store.list(ownerId, page),
 * });
 * ```
 * @module
 */
import { BadUserInputError } from "./errors.ts";
import type { KeysetPage } from "../db/sql.ts";

export type { KeysetPage };

/** The standard connection arguments. */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A Relay connection value. */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/** The largest `first` or `last` a client may ask for. */
export const MAX_PAGE_SIZE = 100;
/** The page size when the client sends neither `first` nor `last`. */
export const DEFAULT_PAGE_SIZE = 20;

/** An opaque cursor for `key` in a list of `kind`. */
export function encodeCursor(kind: string, key: string | number): string {
  return btoa(`${kind}:${key}`);
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
  const key = decoded?.startsWith(`${kind}:`) ? decoded.slice(kind.length + 1) : undefined;
  if (key === undefined || !(options.pattern ?? /./).test(key)) {
    throw new BadUserInputError(
      `Invalid cursor ${JSON.stringify(cursor)} in \`${field}\`: pass a cursor from this ` +
        "list's edges or pageInfo.",
      { field },
    );
  }
  return key;
}

/** How a list's items are keyed and read, for {@linkcode keysetConnection}. */
export interface KeysetOptions<T> {
  /** The cursor kind, e.g. `thread`. */
  kind: string;
  args: ConnectionArgs;
  /** The key a cursor to `item` carries. */
  keyOf: (item: T) => string | number;
  /** What a valid key looks like; a cursor with any other key is refused. */
  keyPattern?: RegExp;
  /** Reads one page; it may return one row past `limit - 1` to show that more follow. */
  fetch: (page: KeysetPage) => Promise<readonly T[]>;
}

/** Resolves a connection by reading one keyset page. */
export async function keysetConnection<T>(options: KeysetOptions<T>): Promise<Connection<T>> {
  const { kind, args, keyPattern: pattern } = options;
  const size = pageSize(args);
  const after = args.after == null ? undefined : decodeCursor(kind, args.after, { pattern });
  const before = args.before == null
    ? undefined
    : decodeCursor(kind, args.before, { pattern, field: "before" });
  // As the Relay specification (and Pothos) reads it: `last`, or `before`
  // alone, pages backwards from the far end of the slice.
  const inverted = args.last != null || (args.first == null && after === undefined &&
    before !== undefined);
  const rows = await options.fetch({
    ...(after === undefined ? {} : { after }),
    ...(before === undefined ? {} : { before }),
    limit: size + 1,
    inverted,
  });
  const page = rows.slice(0, size);
  if (inverted) page.reverse();
  const edges = page.map((node) => ({ cursor: encodeCursor(kind, options.keyOf(node)), node }));
  const more = rows.length > size;
  return {
    edges,
    pageInfo: {
      hasNextPage: inverted ? before !== undefined : more,
      hasPreviousPage: inverted ? more : after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * Reads a page of a list that can only be read forwards (a thread's
 * checkpoint history): how many, and the key to continue after.
 */
export function readForwardPage(
  kind: string,
  args: ConnectionArgs,
  options: { keyPattern?: RegExp } = {},
): { limit: number; after: string | undefined } {
  if (args.last != null || args.before != null) {
    throw new BadUserInputError(
      "This list pages forwards only: use first and after (it is newest first).",
      { field: args.last != null ? "last" : "before" },
    );
  }
  const limit = pageSize(args);
  const after = args.after == null
    ? undefined
    : decodeCursor(kind, args.after, { pattern: options.keyPattern });
  return { limit, after };
}

/**
 * Builds a forward connection from up to `limit + 1` items: the extra one
 * only tells whether another page follows.
 */
export function toConnection<T>(
  items: readonly T[],
  limit: number,
  cursorOf: (item: T) => string,
  hasPreviousPage: boolean,
): Connection<T> {
  const edges = items.slice(0, limit).map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: items.length > limit,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

function pageSize(args: ConnectionArgs): number {
  if (args.first != null && args.last != null) {
    throw new BadUserInputError("Pass first or last, not both: first pages forwards, last back.", {
      field: "last",
    });
  }
  const field = args.last != null ? "last" : "first";
  const size = args[field] ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`${field} must be from 1 to ${MAX_PAGE_SIZE}; got ${size}.`, {
      field,
    });
  }
  return size;
}

/** A list keyed by a bigint `seq` column: threads, runs, documents. */
export function seqConnection<T extends { seq: string }>(
  kind: string,
  args: ConnectionArgs,
  fetch: (page: KeysetPage) => Promise<readonly T[]>,
): Promise<Connection<T>> {
  return keysetConnection({ kind, args, keyOf: (row) => row.seq, keyPattern: /^\d{1,18}$/, fetch });
}
