/**
 * Long-term memory over GraphQL: `memory`, `searchMemories`,
 * `memoryNamespaces`, `memoryHistory`, `putMemory`, `deleteMemory` and
 * `consolidateMemories`. Namespaces are always the viewer's own: the viewer
 * id is passed beside the path to the store and never read from it.
 *
 * @module
 */
import type { ArgBuilder } from "@pothos/core";
import { builder } from "../graphql/builder.ts";
import { NotFoundError } from "../core/errors.ts";
import {
  consolidateMemoriesRule,
  deleteMemoryRule,
  keyRule,
  namespaceRule,
  prefixRule,
  putMemoryRule,
  searchMemoriesRule,
} from "./inputs.ts";
import {
  ConsolidationReportRef,
  DeleteMemoryPayloadRef,
  MemoryRef,
  MemorySearchHitRef,
  MemoryVersionRef,
} from "./schema_types.ts";

type SchemaTypesOf<B> = B extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The arguments that name one memory: its namespace and key. */
function memoryKeyArgs(arg: ArgBuilder<SchemaTypesOf<typeof builder>>) {
  return {
    namespace: arg.stringList({
      required: true,
      description: "Its namespace.",
      validate: namespaceRule,
    }),
    key: arg.string({ required: true, description: "Its key.", validate: keyRule }),
  };
}

builder.queryField("memory", (t) =>
  t.field({
    type: MemoryRef,
    nullable: true,
    description: "One of your memories, or null when there is none (or it expired).",
    args: memoryKeyArgs(t.arg),
    resolve: (_r, { namespace, key }, { services, viewer }) =>
      services.memory.get(viewer.id, namespace, key),
  }));

builder.queryField("memoryHistory", (t) =>
  t.field({
    type: [MemoryVersionRef],
    description: "Every version of one of your memories, newest first, including closed ones " +
      "(updated, contradicted, merged, evicted or deleted). Empty when the key never existed.",
    args: memoryKeyArgs(t.arg),
    resolve: (_r, { namespace, key }, { services, viewer }) =>
      services.memory.history(viewer.id, namespace, key),
  }));

const SearchMemoriesInput = builder.inputType("SearchMemoriesInput", {
  description: "A search over your memories.",
  fields: (t) => ({
    namespacePrefix: t.stringList({
      required: true,
      description: "Search this namespace and everything under it; [] searches all of yours.",
    }),
    query: t.string({ description: "Rank by meaning: closest to this text first." }),
    vector: t.floatList({ description: "Rank by closeness to this embedding instead of `query`." }),
    filter: t.field({
      type: "JSON",
      description:
        'Conditions on values, e.g. {"kind": "fact", "score": {"$gte": 0.5}}; operators ' +
        "$eq $ne $gt $gte $lt $lte $in $nin $exists; dotted keys reach nested fields.",
    }),
    limit: t.int({ description: "Most hits, 1 to 100. Default 10." }),
    offset: t.int({ description: "Hits to skip, for paging. Default 0." }),
  }),
  validate: searchMemoriesRule,
});

builder.queryField("searchMemories", (t) =>
  t.field({
    type: [MemorySearchHitRef],
    description: "Your memories under a namespace prefix, closest to `query` first (by cosine " +
      "similarity), or newest first without a query.",
    args: {
      input: t.arg({ type: SearchMemoriesInput, required: true, description: "The search." }),
    },
    resolve: (_r, { input }, { services, viewer }) =>
      services.memory.search(viewer.id, {
        namespacePrefix: input.namespacePrefix,
        query: input.query ?? undefined,
        vector: input.vector ?? undefined,
        filter: input.filter ?? undefined,
        limit: input.limit ?? 10,
        offset: input.offset ?? 0,
      }),
  }));

builder.queryField("memoryNamespaces", (t) =>
  t.field({
    type: t.listRef(t.listRef("String")),
    description: "Your namespaces that hold memories, sorted. `*` in `prefix` or `suffix` " +
      "matches any one label.",
    args: {
      prefix: t.arg.stringList({
        description: "Only namespaces starting with this path.",
        validate: prefixRule.nullish(),
      }),
      suffix: t.arg.stringList({
        description: "Only namespaces ending with this path.",
        validate: prefixRule.nullish(),
      }),
      maxDepth: t.arg.int({
        description: "Cut each namespace to this many labels (deduplicated).",
      }),
      limit: t.arg.int({
        defaultValue: 100,
        description: "Most namespaces, 1 to 1000. Default 100.",
      }),
      offset: t.arg.int({ defaultValue: 0, description: "Namespaces to skip. Default 0." }),
    },
    resolve: (_r, args, { services, viewer }) =>
      services.memory.listNamespaces(viewer.id, {
        prefix: args.prefix ?? undefined,
        suffix: args.suffix ?? undefined,
        maxDepth: args.maxDepth ?? undefined,
        limit: args.limit ?? 100,
        offset: args.offset ?? 0,
      }),
  }));

const PutMemoryInput = builder.inputType("PutMemoryInput", {
  description:
    "A memory to store; an existing key is updated and its previous value kept in history.",
  fields: (t) => ({
    namespace: t.stringList({ required: true, description: 'Its namespace, e.g. ["profile"].' }),
    key: t.string({ description: "Its key; a new UUID when omitted." }),
    value: t.field({
      type: "JSON",
      required: true,
      description:
        'A JSON object; `content` (a string) is what search matches, e.g. {"content": "likes tea"}.',
    }),
    ttlSeconds: t.int({ description: "Forget it after this many seconds; never when omitted." }),
    indexFields: t.stringList({
      description: "Value paths to embed instead of `content` (e.g. `title`, `notes[*]`).",
    }),
    searchable: t.boolean({ description: "False: store it without an embedding. Default true." }),
    vector: t.floatList({
      description: "A precomputed embedding of LANGMEM_EMBEDDING_DIMS numbers.",
    }),
    contradicts: t.boolean({
      description: "True when this value contradicts the one it replaces: the old value is kept " +
        "in history as CONTRADICTED rather than UPDATED. Default false.",
    }),
  }),
  validate: putMemoryRule,
});

builder.mutationField("putMemory", (t) =>
  t.field({
    type: MemoryRef,
    description: "Stores or updates one of your memories.",
    args: { input: t.arg({ type: PutMemoryInput, required: true, description: "The memory." }) },
    resolve: async (_r, { input }, { services, viewer }) => {
      const [record] = await services.memory.put(viewer.id, [{
        namespace: input.namespace,
        key: input.key ?? crypto.randomUUID(),
        value: input.value as Record<string, unknown>,
        ttlSeconds: input.ttlSeconds ?? null,
        index: input.searchable === false ? false : input.indexFields ?? undefined,
        vector: input.vector ?? undefined,
        contradicts: input.contradicts ?? false,
      }]);
      return record!;
    },
  }));

const DeleteMemoryInput = builder.inputType("DeleteMemoryInput", {
  description: "A memory to delete.",
  fields: (t) => ({
    namespace: t.stringList({ required: true, description: "Its namespace." }),
    key: t.string({ required: true, description: "Its key." }),
    purge: t.boolean({ description: "Also erase its history. Default false (history is kept)." }),
  }),
  validate: deleteMemoryRule,
});

builder.mutationField("deleteMemory", (t) =>
  t.field({
    type: DeleteMemoryPayloadRef,
    description: "Deletes one of your memories; its last value stays in `memoryHistory` unless " +
      "`purge` is set. NOT_FOUND when there is no such memory.",
    args: { input: t.arg({ type: DeleteMemoryInput, required: true, description: "The memory." }) },
    resolve: async (_r, { input }, { services, viewer }) => {
      const purge = input.purge ?? false;
      const deleted = await services.memory.delete(viewer.id, {
        namespace: input.namespace,
        key: input.key,
        purge,
      });
      if (!deleted) {
        throw new NotFoundError(
          `No memory "${input.key}" in namespace ${JSON.stringify(input.namespace)}; ` +
            "check both with `memoryNamespaces` and `searchMemories`.",
        );
      }
      return { namespace: input.namespace, key: input.key, purged: purge };
    },
  }));

const ConsolidateMemoriesInput = builder.inputType("ConsolidateMemoriesInput", {
  description: "A namespace to consolidate.",
  fields: (t) => ({
    namespace: t.stringList({
      required: true,
      description: "The namespace (exact, not a prefix).",
    }),
    similarity: t.float({
      description:
        "Cosine similarity at or above which memories merge; MEMORY_CONSOLIDATE_SIMILARITY by default.",
    }),
  }),
  validate: consolidateMemoriesRule,
});

builder.mutationField("consolidateMemories", (t) =>
  t.field({
    type: ConsolidationReportRef,
    description:
      "Merges near-duplicate memories in one of your namespaces now and reports what changed.",
    args: {
      input: t.arg({
        type: ConsolidateMemoriesInput,
        required: true,
        description: "The namespace.",
      }),
    },
    resolve: (_r, { input }, { services, viewer }) =>
      services.memory.consolidate(viewer.id, input.namespace, {
        similarity: input.similarity ?? undefined,
      }),
  }));
