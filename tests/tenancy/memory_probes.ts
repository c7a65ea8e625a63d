/**
 * What the memory tenancy test sends at alice's memories: crafted search
 * prefixes and filters, namespace listings, and the comparison of an
 * answer about alice's path with the answer about a path that never
 * existed (memory reads answer `null` or `[]` for both, never NOT_FOUND,
 * since every path is also a valid empty path of the viewer's own).
 *
 * @module
 */
import assert from "node:assert/strict";
import { crossTenant } from "../support/tally.ts";
import type { Result, TenantName, Tenants, Transport } from "../support/tenants.ts";
import {
  CONSOLIDATE,
  DEEP,
  DELETE,
  GET,
  HISTORY,
  NAMESPACES,
  PUT,
  SEARCH,
  UNICODE,
} from "./memory_queries.ts";

/** A search input, and whether the same input finds alice's memories for alice. */
export type SearchProbe = [what: string, input: Record<string, unknown>, aliceFinds: boolean];

/** Searches whose prefix or filter aims at alice's memories; all valid input. */
export function searchProbes(marker: string): SearchProbe[] {
  const prefixes: [string, string[], boolean][] = [
    ["[]", [], true],
    ["alice's ['profile']", ["profile"], true],
    ["alice's user id first", ["alice"], true],
    ["alice's ['alice','diary']", ["alice", "diary"], true],
    ["['alice','profile']", ["alice", "profile"], false],
    ["['%']", ["%"], true],
    ["['_']", ["_"], true],
    ["['_','x']", ["_", "x"], true],
    ["['%%']", ["%%"], false],
    ["alice's unicode path", ["notes", UNICODE], true],
    ["['notes']", ["notes"], true],
    ["alice's 16 labels of 200", DEEP, true],
    ["8 of alice's deep labels", DEEP.slice(0, 8), true],
    ["alice's unsearchable ['vault']", ["vault"], true],
    ["['\\uffff']", ["\uffff"], false],
    ["['😀']", ["😀"], false],
    ["SQL quote", ["' OR '1'='1"], false],
    ["backslash", ["\\"], false],
    ["array literal", ['a","b', "}", "{}"], false],
    ["NULL label", ["NULL"], false],
    ["the admin's id", ["root-admin"], false],
    ["16 labels of 200 \\uffff", Array(16).fill("\uffff".repeat(200)), false],
  ];
  const probes: SearchProbe[] = prefixes.map(([what, prefix, finds]) => [
    `prefix ${what}`,
    { namespacePrefix: prefix, limit: 100 },
    finds,
  ]);
  const aliceText = `Rome ${marker}`;
  const filters: [string, Record<string, unknown>][] = [
    ["alice's secret", { secret: marker }],
    ["$eq alice's content", { content: { $eq: aliceText } }],
    ["$exists secret", { secret: { $exists: true } }],
    ["$in alice's secret", { secret: { $in: [marker, "x"] } }],
    ["$gte '' on secret", { secret: { $gte: "" } }],
    ["$gt 0 on score", { score: { $gt: 0 } }],
    ["kind fact", { kind: "fact" }],
    ["$ne on secret", { secret: { $ne: "x" } }],
  ];
  for (const [what, filter] of filters) {
    probes.push([`filter ${what}`, { namespacePrefix: [], filter, limit: 100 }, true]);
  }
  probes.push(
    ["query = alice's content", { namespacePrefix: [], query: aliceText, limit: 100 }, true],
    ["query = alice's old content", {
      namespacePrefix: ["profile"],
      query: `alice lives in Berlin ${marker}`,
    }, true],
    ["query = alice's content, filter = her secret", {
      namespacePrefix: ["profile"],
      query: aliceText,
      filter: { secret: marker, kind: "fact" },
    }, true],
    ["query and offset", { namespacePrefix: [], query: aliceText, offset: 1, limit: 100 }, true],
  );
  return probes;
}

/** Crafted search prefixes the API refuses (none is covered by tests/memories). */
export const REFUSED_PREFIXES: [string, string[]][] = [
  ['[""]', [""]],
  ['["*"]', ["*"]],
  ['["profile","*"]', ["profile", "*"]],
  ['[".."]', [".."]],
  ['["..","alice"]', ["..", "alice"]],
  ['["alice:diary"]', ["alice:diary"]],
  ["NUL", ["\0"]],
  // Control characters and unpaired surrogates are refused in every string (text_rules.ts).
  ["['profile\\u0001'] (the range's upper bound)", ["profile\u0001"]],
  ["['\\u0001']", ["\u0001"]],
  ["a lone surrogate", ["\ud800"]],
  ['["alice\\u0000"]', ["alice\u0000"]],
  ['["alice",""]', ["alice", ""]],
  ["reserved root", ["langgraph"]],
  ["17 labels", Array(17).fill("a")],
  ["a label of 201", ["a".repeat(201)]],
];

/** A namespace listing, and whether the same listing shows alice's namespaces to alice. */
export const LISTINGS: [string, Record<string, unknown>, boolean][] = [
  ["no arguments", {}, true],
  ["prefix []", { prefix: [] }, true],
  ["prefix ['*']", { prefix: ["*"] }, true],
  ["prefix ['*','*']", { prefix: ["*", "*"] }, true],
  ["prefix alice's id", { prefix: ["alice"] }, true],
  ["prefix ['alice','*']", { prefix: ["alice", "*"] }, true],
  ["prefix ['%']", { prefix: ["%"] }, true],
  ["prefix ['_']", { prefix: ["_"] }, true],
  ["prefix alice's unicode path", { prefix: ["notes", UNICODE] }, true],
  ["prefix alice's deep path", { prefix: DEEP }, true],
  ["suffix ['diary']", { suffix: ["diary"] }, true],
  ["suffix ['*']", { suffix: ["*"] }, true],
  ["suffix alice's last deep label", { suffix: DEEP.slice(-1) }, true],
  ["maxDepth 1", { maxDepth: 1 }, true],
  ["maxDepth 16", { maxDepth: 16 }, true],
  ["prefix ['*'], maxDepth 1, limit 1000", { prefix: ["*"], maxDepth: 1, limit: 1000 }, true],
  ["offset 1", { offset: 1 }, true],
  ["prefix and suffix of alice's", { prefix: ["alice"], suffix: ["diary"], maxDepth: 2 }, true],
];

function replaceSent(value: unknown, sent: Set<string>): unknown {
  if (typeof value === "string") return sent.has(value) ? "<sent>" : value;
  if (Array.isArray(value)) return value.map((v) => replaceSent(v, sent));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSent(v, sent)]));
  }
  return value;
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

/**
 * Asserts that an operation on alice's path answers, without errors, exactly
 * as it does on a path that never existed (the strings sent replaced), and
 * carries nothing of hers. One cross-tenant attempt per transport.
 */
export async function sameAsMissing(
  t: Tenants,
  what: string,
  options: {
    as: TenantName;
    query: string;
    variables: Record<string, unknown>;
    missing: Record<string, unknown>;
    transports?: Transport[];
  },
): Promise<Result> {
  let victim: Result = {};
  for (const transport of options.transports ?? ["http"]) {
    crossTenant(`${what} as ${options.as} over ${transport}`);
    [victim = {}] = await t.run(transport, options.as, options.query, options.variables, {
      take: 1,
    });
    const [never = {}] = await t.run(transport, options.as, options.query, options.missing, {
      take: 1,
    });
    assert.equal(victim.errors, undefined, `${what}: ${JSON.stringify(victim.errors)}`);
    assert.deepEqual(
      replaceSent(victim, new Set(strings(options.variables))),
      replaceSent(never, new Set(strings(options.missing))),
      `${what} as ${options.as} over ${transport}: alice's path answers unlike a missing one`,
    );
    const text = JSON.stringify(victim);
    for (const secret of [t.marker, "Rome", "Berlin"]) {
      assert.ok(!text.includes(secret), `${what} leaks ${secret}: ${text}`);
    }
  }
  return victim;
}

/**
 * Inputs the API must refuse that tests/memories does not send: `ns` is a
 * namespace of the sender's own, so only the refused part is wrong.
 */
export function badInputs(ns: string[]): [string, string, Record<string, unknown>, RegExp][] {
  return [
    ["memory blank key", GET, { ns, key: "  " }, /key/],
    ["memory key of 257", GET, { ns, key: "k".repeat(257) }, /key/],
    ["memory namespace ['*']", GET, { ns: ["*"], key: "k" }, /namespace/],
    ["memoryHistory namespace []", HISTORY, { ns: [], key: "k" }, /namespace/],
    ["memoryHistory namespace ['a:b']", HISTORY, { ns: ["a:b"], key: "k" }, /namespace/],
    ["memoryNamespaces maxDepth 0", NAMESPACES, { maxDepth: 0 }, /maxDepth/],
    ["memoryNamespaces maxDepth 17", NAMESPACES, { maxDepth: 17 }, /maxDepth/],
    ["memoryNamespaces limit 0", NAMESPACES, { limit: 0 }, /limit/],
    ["memoryNamespaces limit 1001", NAMESPACES, { limit: 1001 }, /limit/],
    ["memoryNamespaces offset -1", NAMESPACES, { offset: -1 }, /offset/],
    ["memoryNamespaces prefix ['']", NAMESPACES, { prefix: [""] }, /prefix/],
    ["memoryNamespaces suffix ['..']", NAMESPACES, { suffix: [".."] }, /suffix/],
    ["searchMemories limit 0", SEARCH, { i: { namespacePrefix: [], limit: 0 } }, /limit/],
    ["searchMemories limit 101", SEARCH, { i: { namespacePrefix: [], limit: 101 } }, /limit/],
    ["searchMemories offset -1", SEARCH, { i: { namespacePrefix: [], offset: -1 } }, /offset/],
    ["searchMemories query of 8001", SEARCH, {
      i: { namespacePrefix: [], query: "q".repeat(8001) },
    }, /query/],
    [
      "deleteMemory namespace ['*']",
      DELETE,
      { i: { namespace: ["*"], key: "k" } },
      /namespace/,
    ],
    ["deleteMemory blank key", DELETE, { i: { namespace: ns, key: " " } }, /key/],
    ["consolidateMemories namespace []", CONSOLIDATE, { i: { namespace: [] } }, /namespace/],
    ["consolidateMemories similarity 0", CONSOLIDATE, {
      i: { namespace: ["health"], similarity: 0 },
    }, /similarity/],
    ["consolidateMemories similarity 1.5", CONSOLIDATE, {
      i: { namespace: ["health"], similarity: 1.5 },
    }, /similarity/],
    ["putMemory namespace ['langgraph']", PUT, {
      i: { namespace: ["langgraph"], value: { content: "x" } },
    }, /namespace/],
    ["putMemory key of 257", PUT, {
      i: { namespace: ns, key: "k".repeat(257), value: { content: "x" } },
    }, /key/],
  ];
}
