/**
 * The store's input types and the checks every write, search and listing
 * passes before anything touches the database: each failure is
 * `BAD_USER_INPUT` naming the field, and nothing is stored.
 *
 * @module
 */
import type { Config } from "../../config.ts";
import { BadUserInputError } from "../../core/errors.ts";
import { compileFilter } from "./filter.ts";
import type { ItemWrite } from "./item_queries.ts";
import { checkNamespace } from "./namespace.ts";
import type { ListParams } from "./namespace_queries.ts";
import type { VersionChange } from "./records.ts";
import type { Queryable } from "../../db/sql.ts";
import { checkKey, checkTtl, checkValue, checkVector, textToEmbed } from "./values.ts";

/** One item to store. */
export interface PutInput {
  namespace: string[];
  key: string;
  value: Record<string, unknown>;
  /** `false`: not searchable by meaning; paths: embed those instead of the default text. */
  index?: false | string[] | undefined;
  /** Seconds until it expires; absent or null for never. */
  ttlSeconds?: number | null | undefined;
  /** A precomputed embedding, used instead of embedding the text. */
  vector?: number[] | undefined;
  /** Record the replaced value as `contradicted` by this one instead of `updated`. */
  contradicts?: boolean | undefined;
}

/** A search. */
export interface SearchInput {
  namespacePrefix: string[];
  query?: string | undefined;
  /** A query embedding, used instead of embedding `query`. */
  vector?: number[] | undefined;
  filter?: unknown;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** A delete. */
export interface DeleteInput {
  namespace: string[];
  key: string;
  /** Why it ends; `deleted` unless an agent says it was contradicted. */
  change?: VersionChange;
  /** For contradictions: the key of the memory that replaces it. */
  supersededBy?: string | null;
  /** Erase its history too. */
  purge?: boolean;
}

/** Most hits one search (or namespaces one listing) returns. */
export const MAX_SEARCH_LIMIT = 1000;
const MAX_OFFSET = 100_000;
const MAX_QUERY_LENGTH = 8000;

/** A checked write, with the text still to embed (when no vector was given). */
export type PreparedWrite = ItemWrite & { embedText?: string | undefined };

/** Checks a put and works out what to embed. */
export function prepareWrite(
  input: PutInput,
  settings: Config["memory"],
  dims: number,
): PreparedWrite {
  checkNamespace(input.namespace, "namespace");
  checkKey(input.key, "key");
  checkValue(input.value, settings.maxValueBytes, "value");
  checkTtl(input.ttlSeconds, "ttlSeconds");
  const vector = input.vector === undefined ? undefined : checkVector(input.vector, dims, "vector");
  const text = textToEmbed(input.value, input.index, settings.indexFields);
  return {
    namespace: input.namespace,
    key: input.key,
    value: input.value,
    ttlSeconds: input.ttlSeconds ?? null,
    vector,
    closeAs: input.contradicts ? "contradicted" : "updated",
    // A given vector is stored with the text it stands for, for re-indexing.
    text,
    embedText: vector === undefined ? text : undefined,
  };
}

/** Checks a search; returns its limit and offset with defaults applied. */
export function checkSearch(
  sql: Queryable,
  input: SearchInput,
  dims: number,
): { limit: number; offset: number } {
  checkNamespace(input.namespacePrefix, "namespacePrefix", { allowEmpty: true });
  const limit = input.limit ?? 10;
  const offset = input.offset ?? 0;
  checkRange(limit, 1, MAX_SEARCH_LIMIT, "limit");
  checkRange(offset, 0, MAX_OFFSET, "offset");
  if (input.query !== undefined && input.query.length > MAX_QUERY_LENGTH) {
    throw new BadUserInputError(`Invalid query: at most ${MAX_QUERY_LENGTH} characters.`, {
      field: "query",
    });
  }
  if (input.vector !== undefined) checkVector(input.vector, dims, "vector");
  // Compiled only to reject a malformed filter before any cache or database work.
  compileFilter(sql, input.filter);
  return { limit, offset };
}

/** Checks a namespace listing. */
export function checkList(params: ListParams): void {
  for (const [name, path] of [["prefix", params.prefix], ["suffix", params.suffix]] as const) {
    if (path !== undefined) checkNamespace(path, name, { allowEmpty: true, allowWildcards: true });
  }
  if (params.maxDepth !== undefined) checkRange(params.maxDepth, 1, 16, "maxDepth");
  checkRange(params.offset, 0, MAX_OFFSET, "offset");
  checkRange(params.limit, 1, MAX_SEARCH_LIMIT, "limit");
}

function checkRange(value: number, min: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadUserInputError(
      `Invalid ${field}: expected a whole number from ${min} to ${max}.`,
      {
        field,
      },
    );
  }
}
