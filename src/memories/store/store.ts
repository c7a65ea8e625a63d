/**
 * The memory store's operations, for one owner at a time: checked inputs,
 * embeddings on write, the read cache, metrics, the per-namespace cap and
 * the auto-consolidation trigger. Agents reach it through
 * {@linkcode OwnerMemoryStore} (LangGraph's `BaseStore`); GraphQL calls it
 * directly.
 *
 * @module
 */
import { embedChecked } from "../../llm/embeddings.ts";
import type { MemoryContext } from "../context.ts";
import { checkNamespace } from "./namespace.ts";
import { closeItems, purgeHistory, selectHistory, selectItem, upsertItem } from "./item_queries.ts";
import { listNamespaces, type ListParams } from "./namespace_queries.ts";
import type { MemoryHit, MemoryRecord, MemoryVersion } from "./records.ts";
import { searchItems } from "./search_query.ts";
import { checkKey } from "./values.ts";
import {
  checkList,
  checkSearch,
  type DeleteInput,
  prepareWrite,
  type PutInput,
  type SearchInput,
} from "./store_inputs.ts";
import { afterGrowth } from "../jobs/growth.ts";
import type { MemoryOperation } from "../metrics.ts";

export type { DeleteInput, PutInput, SearchInput } from "./store_inputs.ts";
export { MAX_SEARCH_LIMIT } from "./store_inputs.ts";

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

  async function put(owner: string, inputs: PutInput[]): Promise<MemoryRecord[]> {
    const writes = inputs.map((input) => prepareWrite(input, settings, ctx.embedder.dims));
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

  async function search(owner: string, input: SearchInput): Promise<MemoryHit[]> {
    const { limit, offset } = checkSearch(sql, input, ctx.embedder.dims);
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
      checkList(params);
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
