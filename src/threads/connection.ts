/**
 * Forward Relay pagination (`first`/`after`) shared by the thread, run and
 * checkpoint lists. Lists are keyset-paginated newest first, so `last` and
 * `before` are refused with a message saying what to use instead.
 *
 * @module
 */
import { BadUserInputError } from "../graphql/errors.ts";
import { decodeCursor, encodeCursor } from "../graphql/cursor.ts";

/** The connection arguments the relay plugin adds. */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A page request: how many, and the cursor to continue after. */
export interface PageRequest {
  limit: number;
  after: string | undefined;
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

/** The largest `first` a client may ask for. */
export const MAX_PAGE_SIZE = 100;
/** `first` when the client sends none. */
export const DEFAULT_PAGE_SIZE = 20;

/** Validates the arguments. */
export function readPage(args: ConnectionArgs): PageRequest {
  if (args.last != null || args.before != null) {
    throw new BadUserInputError(
      "Only forward pagination is supported: use first and after (lists are newest first).",
      { field: args.last != null ? "last" : "before" },
    );
  }
  const limit = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be from 1 to ${MAX_PAGE_SIZE}; got ${limit}.`, {
      field: "first",
    });
  }
  return { limit, after: args.after ?? undefined };
}

/**
 * Builds the connection from up to `limit + 1` items: the extra one only
 * tells whether another page follows.
 */
export function toConnection<T>(
  items: T[],
  limit: number,
  cursorOf: (item: T) => string,
  hasPreviousPage: boolean,
): Connection<T> {
  const page = items.slice(0, limit);
  const edges = page.map((node) => ({ cursor: cursorOf(node), node }));
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

/**
 * A newest-first page of rows keyed by their `seq` column, with cursors of
 * the given kind: the one paging path of threads and runs.
 */
export async function seqConnection<T extends { seq: string }>(
  kind: string,
  args: ConnectionArgs,
  fetchRows: (limit: number, afterSeq: string | undefined) => Promise<readonly T[]>,
): Promise<Connection<T>> {
  const page = readPage(args);
  const afterSeq = page.after === undefined
    ? undefined
    : decodeCursor(kind, page.after, { pattern: /^\d{1,18}$/ });
  const rows = await fetchRows(page.limit + 1, afterSeq);
  return toConnection(
    [...rows],
    page.limit,
    (row) => encodeCursor(kind, row.seq),
    afterSeq !== undefined,
  );
}
