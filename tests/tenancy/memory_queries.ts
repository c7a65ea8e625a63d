/**
 * The GraphQL operations the memory tenancy test sends, and the memories
 * alice and bob store before the attacks: alice's paths are chosen to be
 * what a crafted prefix would aim at (her user id as the first label, `%`
 * and `_`, unicode, the deepest and longest path allowed).
 *
 * @module
 */
import type { Tenants } from "../support/tenants.ts";
import { ok } from "./helpers.ts";

const FIELDS = "namespace key value version createdAt updatedAt validFrom expiresAt";

/** One memory. */
export const GET = `query ($ns: [String!]!, $key: String!) {
  memory(namespace: $ns, key: $key) { ${FIELDS} } }`;
/** Every version of one memory. */
export const HISTORY = `query ($ns: [String!]!, $key: String!) {
  memoryHistory(namespace: $ns, key: $key) { version value validFrom validTo change supersededBy } }`;
/** A search. */
export const SEARCH = `query ($i: SearchMemoriesInput!) {
  searchMemories(input: $i) { score memory { ${FIELDS} } } }`;
/** A namespace listing. */
export const NAMESPACES =
  `query ($prefix: [String!], $suffix: [String!], $maxDepth: Int, $limit: Int, $offset: Int) {
  memoryNamespaces(prefix: $prefix, suffix: $suffix, maxDepth: $maxDepth, limit: $limit, offset: $offset) }`;
/** A write. */
export const PUT = `mutation ($i: PutMemoryInput!) { putMemory(input: $i) { ${FIELDS} } }`;
/** A delete. */
export const DELETE =
  `mutation ($i: DeleteMemoryInput!) { deleteMemory(input: $i) { namespace key purged } }`;
/** A consolidation (without its duration, which differs on every call). */
export const CONSOLIDATE = `mutation ($i: ConsolidateMemoriesInput!) {
  consolidateMemories(input: $i) { namespace scanned clusters merged remaining similarity mode } }`;

/** One stored memory's path. */
export interface MemoryPath {
  ns: string[];
  key: string;
}

/** The deepest namespace allowed, every label as long as allowed. */
export const DEEP = Array.from({ length: 16 }, (_, i) => `${i}`.padEnd(200, "d"));
/** A label of unicode and control characters that are allowed. */
export const UNICODE = "ünïcødé-😀-\u007f-\u200b";

/**
 * Stores alice's memories (each value carrying `marker`) and returns their
 * paths. `profile/city` is updated once (two versions); `gone` is deleted
 * with its history kept; `health` holds near-duplicates consolidation would
 * merge.
 */
export async function storeAlices(t: Tenants): Promise<Record<string, MemoryPath>> {
  const m = t.marker;
  const paths: Record<string, MemoryPath & { value: Record<string, unknown> }> = {
    city: {
      ns: ["profile"],
      key: "city",
      value: { content: `alice lives in Berlin ${m}`, kind: "fact", secret: m, score: 0.9 },
    },
    diary: { ns: ["alice", "diary"], key: "d1", value: { content: `dear diary ${m}` } },
    percent: { ns: ["%"], key: "_", value: { content: `percent ${m}`, secret: m } },
    underscore: { ns: ["_", "x"], key: "%", value: { content: `underscore ${m}` } },
    unicode: { ns: ["notes", UNICODE], key: UNICODE, value: { content: `unicode ${m}` } },
    deep: { ns: DEEP, key: "k".repeat(200), value: { content: `deep ${m}` } },
    hidden: { ns: ["vault"], key: "pin", value: { content: `pin ${m}`, secret: m } },
    gone: { ns: ["profile"], key: "gone", value: { content: `deleted ${m}` } },
    h0: { ns: ["health"], key: "h0", value: { content: `allergic to peanuts ${m}` } },
    h1: { ns: ["health"], key: "h1", value: { content: `allergic to peanuts! ${m}` } },
  };
  for (const { ns, key, value } of Object.values(paths)) {
    const searchable = key !== "pin";
    await ok(t, "alice", PUT, { i: { namespace: ns, key, value, searchable } });
  }
  await ok(t, "alice", PUT, {
    i: {
      namespace: ["profile"],
      key: "city",
      value: { ...paths.city!.value, content: `Rome ${m}` },
    },
  });
  await ok(t, "alice", DELETE, { i: { namespace: ["profile"], key: "gone" } });
  return paths;
}

/** Bob's own memories: what his searches and listings may (and must) return. */
export const BOBS: (MemoryPath & { value: Record<string, unknown> })[] = [
  { ns: ["profile"], key: "bob-city", value: { content: "bob lives in Oslo", kind: "fact" } },
  { ns: ["bob", "diary"], key: "bob-d1", value: { content: "bob's diary" } },
];

/** Stores bob's memories. */
export async function storeBobs(t: Tenants): Promise<void> {
  for (const { ns, key, value } of BOBS) {
    await ok(t, "bob", PUT, { i: { namespace: ns, key, value } });
  }
}
