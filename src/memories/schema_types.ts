/**
 * The GraphQL object types of long-term memory: `Memory`, `MemorySearchHit`,
 * `MemoryVersion` (with `MemoryChange`), `ConsolidationReport` and
 * `DeleteMemoryPayload`. The fields that read and change them are in
 * {@link ./schema.ts}.
 *
 * @module
 */
import { builder } from "../graphql/builder.ts";
import { lowerCaseEnum } from "../graphql/enums.ts";
import type { ConsolidationReport } from "./jobs/consolidation.ts";
import type { MemoryHit, MemoryRecord, MemoryVersion } from "./store/records.ts";

export const MemoryRef = builder.objectRef<MemoryRecord>("Memory").implement({
  description: "A long-term memory: a JSON value under a key in one of your namespaces.",
  fields: (t) => ({
    namespace: t.exposeStringList("namespace", { description: "Its namespace path." }),
    key: t.exposeString("key", { description: "Its key, unique within the namespace." }),
    value: t.field({
      type: "JSON",
      description: "The stored JSON object.",
      resolve: (m) => m.value,
    }),
    createdAt: t.field({
      type: "DateTime",
      description: "When it was first stored.",
      resolve: (m) => m.createdAt,
    }),
    updatedAt: t.field({
      type: "DateTime",
      description: "When it was last written.",
      resolve: (m) => m.updatedAt,
    }),
    validFrom: t.field({
      type: "DateTime",
      description: "When its current value began to hold (its last change).",
      resolve: (m) => m.validFrom,
    }),
    expiresAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it expires (from `ttlSeconds`); null for never.",
      resolve: (m) => m.expiresAt,
    }),
    version: t.exposeInt("version", { description: "1 for the first value, +1 for each change." }),
  }),
});

export const MemorySearchHitRef = builder.objectRef<MemoryHit>("MemorySearchHit").implement({
  description: "One search result.",
  fields: (t) => ({
    memory: t.field({ type: MemoryRef, description: "The memory.", resolve: (hit) => hit }),
    score: t.float({
      nullable: true,
      description:
        "Cosine similarity to the query, -1 to 1 (higher is closer); null without a query.",
      resolve: (hit) => hit.score ?? null,
    }),
  }),
});

const MemoryChangeRef = lowerCaseEnum(
  "MemoryChange",
  "Why a version of a memory stopped being current.",
  {
    UPDATED: "A new value replaced it.",
    DELETED: "It was deleted.",
    CONTRADICTED: "A contradicting fact closed it.",
    MERGED: "Consolidation merged it into another memory.",
    EVICTED: "The namespace cap evicted it as least useful.",
  },
);

export const MemoryVersionRef = builder.objectRef<MemoryVersion>("MemoryVersion").implement({
  description: "One version of a memory: what it said, and when that held.",
  fields: (t) => ({
    version: t.exposeInt("version", { description: "Its version number." }),
    value: t.field({ type: "JSON", description: "The value it held.", resolve: (v) => v.value }),
    validFrom: t.field({
      type: "DateTime",
      description: "When it began to hold.",
      resolve: (v) => v.validFrom,
    }),
    validTo: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it stopped holding; null for the current version.",
      resolve: (v) => v.validTo,
    }),
    change: t.field({
      type: MemoryChangeRef,
      nullable: true,
      description: "Why it stopped holding; null for the current version.",
      resolve: (v) => v.change,
    }),
    supersededBy: t.string({
      nullable: true,
      description: "The key of the memory that replaced it (merges and contradictions).",
      resolve: (v) => v.supersededBy,
    }),
  }),
});

const MergeModeRef = lowerCaseEnum("MemoryMergeMode", "How consolidation merged near-duplicates.", {
  OFFLINE: "Deterministically: the newest memory survives.",
  MODEL: "The language model rewrote the survivor.",
});

export const ConsolidationReportRef = builder.objectRef<ConsolidationReport>("ConsolidationReport")
  .implement({
    description: "What one consolidation pass did.",
    fields: (t) => ({
      namespace: t.exposeStringList("namespace", { description: "The namespace consolidated." }),
      scanned: t.exposeInt("scanned", { description: "Memories whose neighbours were examined." }),
      clusters: t.exposeInt("clusters", { description: "Clusters of near-duplicates found." }),
      merged: t.exposeInt("merged", { description: "Memories merged away (kept in history)." }),
      remaining: t.exposeInt("remaining", { description: "Memories left in the namespace." }),
      similarity: t.exposeFloat("similarity", {
        description: "The cosine similarity threshold used.",
      }),
      mode: t.field({
        type: MergeModeRef,
        description: "How clusters were merged.",
        resolve: (r) => r.mode,
      }),
      durationSeconds: t.exposeFloat("durationSeconds", { description: "How long the pass took." }),
    }),
  });

export interface DeletePayload {
  namespace: string[];
  key: string;
  purged: boolean;
}

export const DeleteMemoryPayloadRef = builder.objectRef<DeletePayload>("DeleteMemoryPayload")
  .implement({
    description: "The memory that was deleted.",
    fields: (t) => ({
      namespace: t.exposeStringList("namespace", { description: "Its namespace." }),
      key: t.exposeString("key", { description: "Its key." }),
      purged: t.exposeBoolean("purged", { description: "True when its history was erased too." }),
    }),
  });
