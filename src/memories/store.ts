/**
 * The memory store's operations, for one owner at a time: checked inputs,
 * embeddings on write, the read cache, metrics, the per-namespace cap and
 * the auto-consolidation trigger. Agents reach it through
 * {@linkcode OwnerMemoryStore} (LangGraph's `BaseStore`); GraphQL calls it
 * directly.
 *
 * @module
 */
import { embedChecked } from "../llm/embeddings.ts";
import { BadUserInputError } from "../graphql/errors.ts";
import type { MemoryContext } from "./context.ts";
import { compileFilter } from "./filter.ts";
import { checkNamespace } from "./namespace.ts";
import {
  closeItems,
  type ItemWrite,
  purgeHistory,
  selectHistory,
  selectItem,
  upsertItem,
} from "./item_queries.ts";
import { listNamespaces, type ListParams } from "./namespace_queries.ts";
import type { MemoryHit, MemoryRecord, MemoryVersion, VersionChange } from "./records.ts";
import { searchItems } from "./search_query.ts";
import { checkKey, checkTtl, checkValue, checkVector, textToEmbed } from "./values.ts";
import { afterGrowth } from "./growth.ts";
import type { MemoryOperation } from "./metrics.ts";

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

/** Most hits one search returns. */
export const MAX_SEARCH_LIMIT = 1000;
const MAX_OFFSET = 100_000;
const MAX_QUERY_LENGTH = 8000;

/** The store's operations. */
export interface MemoryStore {
  get(owner: string, namespace: string[], key: string): Promise<MemoryRecord | null>;
  put(owner: string, inputs: PutInput[]): Promise<MemoryRecord[]>;
  delete(owner: string, input: DeleteInput): Promise<boolean>;
  search(owner: string, input: SearchInput): Promise<MemoryHit[]>;
  listNamespaces(owner: string, params: ListParams): Promise<string[][]>;
  history(owner: string, namespace: string[], key: string): Promise<MemoryVersion[]>;
}

/** Creates the store over `ctx`. */
export function createMemoryStore(ctx: MemoryContext): MemoryStore {
  const { sql, settings, metrics } = ctx;

  async function measured<T>(op: MemoryOperation, namespace: string[], run: () => Promise<T>) {
    try {
      const result = await run();
      metrics.operation(op, namespace, "success");
      return result;
    } catch (error) {
      metrics.operation(op, namespace, "error");
      throw error;
    }
  }

  function prepare(input: PutInput): ItemWrite & { embedText?: string | undefined } {
    checkNamespace(input.namespace, "namespace");
    checkKey(input.key, "key");
    checkValue(input.value, settings.maxValueBytes, "value");
    checkTtl(input.ttlSeconds, "ttlSeconds");
    const vector = input.vector === undefined
      ? undefined
      : checkVector(input.vector, ctx.embedder.dims, "vector");
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

  async function put(owner: string, inputs: PutInput[]): Promise<MemoryRecord[]> {
    const writes = inputs.map(prepare);
    const texts = [
      ...new Set(writes.flatMap((w) => w.embedText === undefined ? [] : [w.embedText])),
    ];
    const vectors = new Map<string, number[]>();
    (await embedChecked(ctx.embedder, texts)).forEach((v, i) => vectors.set(texts[i]!, v));
    for (const write of writes) {
      if (write.embedText !== undefined) write.vector = vectors.get(write.embedText);
    }
    const results = await sql.begin(async (tx) => {
      const done = [];
      for (const write of writes) done.push(await upsertItem(tx, owner, write));
      return done;
    });
    await ctx.cache.invalidate(owner, writes.map((w) => w.namespace));
    for (const write of writes) metrics.operation("put", write.namespace, "success");
    const inserted = results.filter((r) => r.inserted).map((r) => r.record);
    await afterGrowth(ctx, owner, inserted);
    return results.map((r) => r.record);
  }

  function checkSearch(input: SearchInput): Required<Pick<SearchInput, "limit" | "offset">> {
    checkNamespace(input.namespacePrefix, "namespacePrefix", { allowEmpty: true });
    const limit = input.limit ?? 10;
    const offset = input.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
      throw new BadUserInputError(`Invalid limit: expected 1 to ${MAX_SEARCH_LIMIT}.`, {
        field: "limit",
      });
    }
    if (!Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
      throw new BadUserInputError(`Invalid offset: expected 0 to ${MAX_OFFSET}.`, {
        field: "offset",
      });
    }
    if (input.query !== undefined && input.query.length > MAX_QUERY_LENGTH) {
      throw new BadUserInputError(
        `Invalid query: at most ${MAX_QUERY_LENGTH} characters.`,
        { field: "query" },
      );
    }
    if (input.vector !== undefined) checkVector(input.vector, ctx.embedder.dims, "vector");
    compileFilter(sql, input.filter);
    return { limit, offset };
  }

  async function search(owner: string, input: SearchInput): Promise<MemoryHit[]> {
    const { limit, offset } = checkSearch(input);
    const prefix = input.namespacePrefix;
    const started = performance.now();
    return await measured("search", prefix, async () => {
      const request = {
        prefix,
        query: input.query,
        vector: input.vector,
        filter: input.filter,
        limit,
        offset,
      };
      const hits = await ctx.cache.search(owner, prefix, request, async () => {
        const vector = input.vector ??
          (input.query === undefined || input.query.trim() === ""
            ? undefined
            : await ctx.embedder.embeddings.embedQuery(input.query));
        const found = await searchItems(sql, owner, {
          namespacePrefix: prefix,
          filter: input.filter,
          limit,
          offset,
          vector,
        }, { efSearch: settings.hnswEfSearch });
        ctx.usage.record(owner, found);
        return found;
      });
      metrics.searchSeconds(prefix, (performance.now() - started) / 1000);
      return hits;
    });
  }

  return {
    get(owner, namespace, key) {
      checkNamespace(namespace, "namespace");
      checkKey(key, "key");
      return measured("get", namespace, () =>
        ctx.cache.item(owner, namespace, key, async () => {
          const record = await selectItem(sql, owner, namespace, key);
          if (record !== null) ctx.usage.record(owner, [record]);
          return record;
        }));
    },
    put: (owner, inputs) =>
      put(owner, inputs).catch((error) => {
        for (const input of inputs) {
          metrics.operation("put", Array.isArray(input?.namespace) ? input.namespace : [], "error");
        }
        throw error;
      }),
    delete(owner, input) {
      checkNamespace(input.namespace, "namespace");
      checkKey(input.key, "key");
      return measured("delete", input.namespace, async () => {
        const closed = await sql.begin(async (tx) => {
          const keys = await closeItems(
            tx,
            owner,
            input.namespace,
            [input.key],
            input.change ?? "deleted",
            input.supersededBy ?? null,
          );
          const purged = input.purge
            ? await purgeHistory(tx, owner, input.namespace, input.key)
            : 0;
          return keys.length > 0 || purged > 0;
        });
        await ctx.cache.invalidate(owner, [input.namespace]);
        return closed;
      });
    },
    search,
    listNamespaces(owner, params) {
      for (const [name, path] of [["prefix", params.prefix], ["suffix", params.suffix]] as const) {
        if (path !== undefined) {
          checkNamespace(path, name, { allowEmpty: true, allowWildcards: true });
        }
      }
      if (
        params.maxDepth !== undefined && (!Number.isInteger(params.maxDepth) || params.maxDepth < 1)
      ) {
        throw new BadUserInputError("Invalid maxDepth: expected a whole number of at least 1.", {
          field: "maxDepth",
        });
      }
      if (!Number.isInteger(params.limit) || params.limit < 1 || params.limit > MAX_SEARCH_LIMIT) {
        throw new BadUserInputError(`Invalid limit: expected 1 to ${MAX_SEARCH_LIMIT}.`, {
          field: "limit",
        });
      }
      return measured(
        "list_namespaces",
        params.prefix ?? [],
        () => listNamespaces(sql, owner, params),
      );
    },
    history(owner, namespace, key) {
      checkNamespace(namespace, "namespace");
      checkKey(key, "key");
      return measured("history", namespace, () => selectHistory(sql, owner, namespace, key));
    },
  };
}
