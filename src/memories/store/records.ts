/**
 * The shapes memories take outside the database: LangGraph's `Item` plus
 * what Graphmind adds (expiry, version), versions for history, and the
 * mapping from rows.
 *
 * @module
 */
import type { Item, SearchItem } from "@langchain/langgraph-checkpoint";

/** A live memory: LangGraph's `Item` with its expiry and version. */
export interface MemoryRecord extends Item {
  /** When a TTL makes it expire; `null` for never. */
  expiresAt: Date | null;
  /** 1 for the first value, +1 for each change. */
  version: number;
  /** When the current value began to hold. */
  validFrom: Date;
}

/** A search hit: the memory and its cosine similarity to the query, if any. */
export interface MemoryHit extends MemoryRecord, SearchItem {
  score?: number;
}

/** Why a version stopped being current. */
export type VersionChange = "updated" | "deleted" | "contradicted" | "merged" | "evicted";

/** One version of a memory, current (`validTo` null) or closed. */
export interface MemoryVersion {
  version: number;
  value: Record<string, unknown>;
  validFrom: Date;
  validTo: Date | null;
  /** Why it was closed; `null` while current. */
  change: VersionChange | null;
  /** The key of the memory that replaced it, for merges and contradictions. */
  supersededBy: string | null;
}

/** The columns every item query selects. */
export interface ItemRow {
  namespace: string[];
  key: string;
  value: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  expires_at: Date | null;
  version: number;
  valid_from: Date;
  score?: number | null;
}

/** Maps a row to a record (or a hit, when the row carries a score). */
export function toRecord(row: ItemRow): MemoryHit {
  const record: MemoryHit = {
    namespace: row.namespace,
    key: row.key,
    value: row.value,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    version: row.version,
    validFrom: row.valid_from,
  };
  if (row.score !== undefined && row.score !== null) record.score = Number(row.score);
  return record;
}

/** Turns the ISO strings of a cached record back into dates. */
export function reviveRecord(cached: MemoryHit): MemoryHit {
  return {
    ...cached,
    createdAt: new Date(cached.createdAt),
    updatedAt: new Date(cached.updatedAt),
    expiresAt: cached.expiresAt === null ? null : new Date(cached.expiresAt),
    validFrom: new Date(cached.validFrom),
  };
}
