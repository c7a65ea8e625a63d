/**
 * LangGraph's `BaseStore` for one user: what agents get as the graph's
 * `store`. Every operation runs as that user, so an agent can name any
 * namespace and still only ever reach its user's memories.
 *
 * Batches run in order, so a read sees the writes before it; consecutive
 * puts are embedded together and written in one transaction.
 *
 * @example
 * ```ts
 * const store = memory.forOwner(viewer.id);
 * await store.put(["profile"], "food", { content: "likes green tea" });
 * const hits = await store.search(["profile"], { query: "drinks", limit: 3 });
 * ```
 * @module
 */
import {
  BaseStore,
  type GetOperation,
  type ListNamespacesOperation,
  type Operation,
  type OperationResults,
  type PutOperation,
  type SearchOperation,
} from "@langchain/langgraph";
import type { DeleteInput, MemoryStore, PutInput } from "./store.ts";

/** A put with Graphmind's extensions: a TTL, a precomputed vector, a contradiction. */
export interface OwnerPutOperation extends PutOperation {
  ttlSeconds?: number | null;
  vector?: number[];
  /** The value replaced is recorded as `contradicted` by this one. */
  contradicts?: boolean;
}

/** `BaseStore` scoped to one owner. */
export class OwnerMemoryStore extends BaseStore {
  readonly ownerId: string;
  readonly #store: MemoryStore;

  constructor(store: MemoryStore, ownerId: string) {
    super();
    if (ownerId === "") throw new TypeError("A memory store needs an owner id");
    this.#store = store;
    this.ownerId = ownerId;
  }

  /** Runs `operations` in order and returns their results in the same order. */
  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const results: unknown[] = new Array(operations.length);
    let puts: { index: number; op: OwnerPutOperation }[] = [];
    const flush = async () => {
      if (puts.length === 0) return;
      const pending = puts;
      puts = [];
      const writes = pending.filter(({ op }) => op.value !== null);
      if (writes.length > 0) {
        await this.#store.put(this.ownerId, writes.map(({ op }) => toPutInput(op)));
      }
      for (const { op } of pending.filter(({ op }) => op.value === null)) {
        await this.#store.delete(this.ownerId, { namespace: op.namespace, key: op.key });
      }
      for (const { index } of pending) results[index] = undefined;
    };
    for (const [index, op] of operations.entries()) {
      if (isPut(op)) {
        // A delete between puts must keep its place in the order.
        if (op.value === null) await flush();
        puts.push({ index, op });
        if (op.value === null) await flush();
        continue;
      }
      await flush();
      results[index] = await this.#read(op);
    }
    await flush();
    return results as OperationResults<Op>;
  }

  /** Puts with a TTL in seconds (or a precomputed vector), beyond `BaseStore.put`. */
  async putWith(operation: Omit<OwnerPutOperation, "value"> & { value: Record<string, unknown> }) {
    const [record] = await this.#store.put(this.ownerId, [toPutInput(operation)]);
    return record!;
  }

  /** Deletes with a reason (`contradicted`, …) and optionally erases history. */
  remove(namespace: string[], key: string, options: Omit<DeleteInput, "namespace" | "key"> = {}) {
    return this.#store.delete(this.ownerId, { namespace, key, ...options });
  }

  #read(op: Operation): Promise<unknown> {
    if ("namespacePrefix" in op) {
      const search = op as SearchOperation & { vector?: number[] };
      return this.#store.search(this.ownerId, {
        namespacePrefix: search.namespacePrefix,
        query: search.query,
        vector: search.vector,
        filter: search.filter,
        limit: search.limit,
        offset: search.offset,
      });
    }
    if ("matchConditions" in op || "maxDepth" in op || "limit" in op) {
      const list = op as ListNamespacesOperation;
      const prefix = list.matchConditions?.find((c) => c.matchType === "prefix")?.path;
      const suffix = list.matchConditions?.find((c) => c.matchType === "suffix")?.path;
      return this.#store.listNamespaces(this.ownerId, {
        prefix,
        suffix,
        maxDepth: list.maxDepth,
        limit: list.limit ?? 100,
        offset: list.offset ?? 0,
      });
    }
    const get = op as GetOperation;
    return this.#store.get(this.ownerId, get.namespace, get.key);
  }
}

function isPut(op: Operation): op is OwnerPutOperation {
  return "value" in op && "namespace" in op;
}

function toPutInput(op: OwnerPutOperation): PutInput {
  return {
    namespace: op.namespace,
    key: op.key,
    value: op.value as Record<string, unknown>,
    index: op.index,
    ttlSeconds: op.ttlSeconds ?? null,
    vector: op.vector,
    contradicts: op.contradicts,
  };
}
