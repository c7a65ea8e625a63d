/**
 * Memories across tenants: bob and the admin read, search, list, write,
 * delete and consolidate at alice's exact paths and with crafted prefixes
 * and filters. Every path a client names is a path of its own namespaces
 * (the owner is a column beside the path, src/memories/store/namespace.ts), so
 * alice's path must answer exactly like a path that never existed: `null`,
 * `[]`, an empty report, `NOT_FOUND` for a delete, a fresh version 1 for a
 * write, and none of hers. Admins get no cross-user access to memories:
 * src/memories scopes every statement to the viewer and never reads roles.
 */
import assert from "node:assert/strict";
import { crossTenant } from "../support/tally.ts";
import { startTenants, type TenantName } from "../support/tenants.ts";
import { ok, refuses } from "./helpers.ts";
import {
  BOBS,
  CONSOLIDATE,
  DELETE,
  GET,
  HISTORY,
  NAMESPACES,
  PUT,
  SEARCH,
  storeAlices,
  storeBobs,
} from "./memory_queries.ts";
import {
  badInputs,
  LISTINGS,
  REFUSED_PREFIXES,
  sameAsMissing,
  searchProbes,
} from "./memory_probes.ts";

const INTRUDERS: TenantName[] = ["bob", "admin"];
const BOTH = `query ($ns: [String!]!, $key: String!) {
  memory(namespace: $ns, key: $key) { namespace key value version createdAt updatedAt validFrom }
  memoryHistory(namespace: $ns, key: $key) { version value validFrom validTo change supersededBy } }`;
type Hit = { memory: { key: string; namespace: string[] } };

Deno.test("tenancy: memory", async (t) => {
  const tenants = await startTenants();
  const { marker } = tenants;
  const sql = tenants.app.database.sql;
  try {
    const paths = await storeAlices(tenants);
    await storeBobs(tenants);
    const aliceKeys = new Set(Object.values(paths).map((p) => p.key));
    const bobKeys = new Set(BOBS.map((b) => b.key));
    /** Everything alice has: each path's memory and history (read as her, warming the cache), and her rows. */
    const snapshot = async () => ({
      paths: await Promise.all(
        Object.values(paths).map(({ ns, key }) => ok(tenants, "alice", BOTH, { ns, key })),
      ),
      items: await sql`SELECT * FROM memory_items WHERE owner_id = 'alice' ORDER BY namespace, key`,
      versions: await sql`SELECT * FROM memory_versions WHERE owner_id = 'alice'
        ORDER BY namespace, key, version`,
      namespaces: await sql`SELECT * FROM memory_namespaces WHERE owner_id = 'alice'
        ORDER BY namespace`,
    });
    const before = await snapshot();
    assert.equal(before.paths[0]!.memoryHistory.length, 2, "city has two versions");
    assert.equal(before.paths.filter((p) => p.memory === null).length, 1, "only `gone` is gone");
    // A path that never existed, shaped like alice's: only its first label differs, so an
    // answer that quotes the path (escaped, say) reads the same once the sent ids are replaced.
    const missingOf = (ns: string[], key: string) => ({
      ns: [`missing-${crypto.randomUUID()}`, ...ns.slice(1)],
      key,
    });
    const unchanged = (ns: string[], key: string) => ({
      as: "alice" as const,
      query: BOTH,
      variables: { ns, key },
    });

    await t.step(
      "memory and memoryHistory at alice's paths, over HTTP, SSE, WebSocket",
      async () => {
        for (const as of INTRUDERS) {
          for (const [name, { ns, key }] of Object.entries(paths)) {
            const transports = name === "city" ? ["http", "sse", "ws"] as const : ["http"] as const;
            const missing = missingOf(ns, key);
            for (const [what, query] of [["memory", GET], ["memoryHistory", HISTORY]]) {
              await sameAsMissing(tenants, `${what} (alice's ${name})`, {
                as,
                query: query!,
                variables: { ns, key },
                missing: { ns: missing.ns, key: missing.key },
                transports: [...transports],
              });
            }
          }
        }
      },
    );

    await t.step("searchMemories with alice's and crafted prefixes, filters, queries", async () => {
      for (const [what, input, aliceFinds] of searchProbes(marker)) {
        const transports = what === "prefix []"
          ? ["http", "sse", "ws"] as const
          : ["http"] as const;
        // The same search finds alice's memories for alice, so an empty answer means something.
        const own = (await ok(tenants, "alice", SEARCH, { i: input })).searchMemories as Hit[];
        assert.equal(own.some((h) => aliceKeys.has(h.memory.key)), aliceFinds, `alice: ${what}`);
        for (const as of INTRUDERS) {
          for (const transport of transports) {
            crossTenant(`searchMemories (${what}) as ${as} over ${transport}`);
            const [result] = await tenants.run(transport, as, SEARCH, { i: input }, { take: 1 });
            assert.equal(result?.errors, undefined, `${what}: ${JSON.stringify(result)}`);
            const text = JSON.stringify(result);
            assert.ok(!text.includes(marker), `${as}: ${what} leaks alice's memories: ${text}`);
            const hits = result!.data!.searchMemories as Hit[];
            const allowed = as === "bob" ? bobKeys : new Set<string>();
            assert.ok(hits.every((h) => allowed.has(h.memory.key)), `${as}: ${what}: ${text}`);
          }
        }
      }
      // bob's own memories are found by the probes that match them: the search works for him.
      const bobs = await ok(tenants, "bob", SEARCH, { i: { namespacePrefix: [] } });
      assert.deepEqual(
        bobs.searchMemories.map((h: Hit) => h.memory.key).sort(),
        [...bobKeys].sort(),
      );
    });

    await t.step("searchMemories with crafted prefixes the API refuses", async () => {
      for (const as of INTRUDERS) {
        for (const [what, prefix] of REFUSED_PREFIXES) {
          crossTenant(`searchMemories (prefix ${what}) as ${as}`);
          const result = await tenants.http(as, SEARCH, { i: { namespacePrefix: prefix } });
          const error = result.errors?.[0];
          assert.equal(
            error?.extensions?.code,
            "BAD_USER_INPUT",
            `${what}: ${JSON.stringify(result)}`,
          );
          assert.match(`${error?.extensions?.field} ${error?.message}`, /namespacePrefix/);
          assert.equal(result.data ?? null, null);
          assert.ok(!JSON.stringify(result).includes(marker));
        }
      }
    });

    await t.step("memoryNamespaces with prefixes, suffixes, wildcards and maxDepth", async () => {
      const bobsPrefixes = new Set(
        BOBS.flatMap((b) => b.ns.map((_, i) => JSON.stringify(b.ns.slice(0, i + 1)))),
      );
      const aliceNamespaces = new Set(Object.values(paths).map((p) => JSON.stringify(p.ns)));
      for (const [what, variables, aliceFinds] of LISTINGS) {
        const own = (await ok(tenants, "alice", NAMESPACES, variables))
          .memoryNamespaces as string[][];
        assert.equal(
          own.some((ns) =>
            [...aliceNamespaces].some((a) => a.startsWith(JSON.stringify(ns).slice(0, -1)))
          ),
          aliceFinds,
          `alice: ${what}`,
        );
        for (const as of INTRUDERS) {
          const result = await tenants.invisible(`memoryNamespaces (${what})`, {
            as,
            query: NAMESPACES,
            variables,
            markers: ["alice", "vault", "health", "%", "notes", "0ddd"],
          });
          const listed = (result.data!.memoryNamespaces as string[][]).map((n) =>
            JSON.stringify(n)
          );
          const allowed = as === "bob" ? bobsPrefixes : new Set<string>();
          assert.ok(listed.every((n) => allowed.has(n)), `${as}: ${what}: ${listed}`);
        }
      }
    });

    await t.step("deleteMemory of alice's keys, with and without purge", async () => {
      for (const as of INTRUDERS) {
        for (const [name, { ns, key }] of Object.entries(paths)) {
          for (const purge of [false, true]) {
            const missing = missingOf(ns, key);
            await tenants.attempt(`deleteMemory (alice's ${name}, purge ${purge})`, {
              as,
              query: DELETE,
              variables: { i: { namespace: ns, key, purge } },
              missing: { i: { namespace: missing.ns, key: missing.key, purge } },
              unchanged: unchanged(ns, key),
            });
          }
        }
      }
    });

    await t.step("consolidateMemories of alice's namespaces", async () => {
      for (const as of INTRUDERS) {
        for (const name of ["h0", "deep", "diary", "percent", "unicode"]) {
          for (const similarity of [undefined, 0.01, 1]) {
            const extra = similarity === undefined ? {} : { similarity };
            await sameAsMissing(tenants, `consolidateMemories (alice's ${name}, ${similarity})`, {
              as,
              query: CONSOLIDATE,
              variables: { i: { namespace: paths[name]!.ns, ...extra } },
              missing: { i: { namespace: missingOf(paths[name]!.ns, "").ns, ...extra } },
            });
          }
        }
        // ["profile"] is bob's too: consolidating it reaches his own memory only.
        crossTenant(`consolidateMemories (alice's city) as ${as}`);
        const own = await ok(tenants, as, CONSOLIDATE, {
          i: { namespace: ["profile"], similarity: 0.01 },
        });
        const count = as === "bob" ? 1 : 0;
        assert.deepEqual(
          [own.consolidateMemories.scanned, own.consolidateMemories.remaining],
          [count, count],
        );
      }
      assert.deepEqual(await snapshot(), before, "alice's memories, counters and history stay");
    });

    await t.step("putMemory at alice's paths creates the intruder's own memory", async () => {
      const variants: [string, Record<string, unknown>][] = [
        ["plain", {}],
        ["contradicts", { contradicts: true }],
        ["with a TTL", { ttlSeconds: 3600 }],
        ["unsearchable", { searchable: false }],
      ];
      for (const as of INTRUDERS) {
        for (const [name, { ns, key }] of Object.entries(paths)) {
          // The same writes to a path of the intruder's own that never existed: same versions.
          const missing = missingOf(ns, key);
          for (const [variant, extra] of variants) {
            const value = { content: `${as} was here`, n: variant };
            const put = await sameAsMissing(tenants, `putMemory (alice's ${name}, ${variant})`, {
              as,
              // Timestamps differ between any two writes; the rest must not.
              query: PUT.replace("createdAt updatedAt validFrom expiresAt", ""),
              variables: { i: { namespace: ns, key, value, ...extra } },
              missing: { i: { namespace: missing.ns, key: missing.key, value, ...extra } },
            });
            // Version 1 on a new key, +1 on the intruder's own: never alice's count.
            const version = (put.data!.putMemory as { version: number }).version;
            assert.equal(version, variants.findIndex(([v]) => v === variant) + 1, `${as} ${name}`);
          }
          const mine = await ok(tenants, as, BOTH, { ns, key });
          assert.deepEqual(mine.memory.value, { content: `${as} was here`, n: "unsearchable" });
          assert.deepEqual(mine.memoryHistory.map((v: { version: number }) => v.version), [
            4,
            3,
            2,
            1,
          ]);
          assert.ok(!JSON.stringify(mine).includes(marker));
        }
      }
      assert.deepEqual(await snapshot(), before, "alice's memories, counters and history stay");
    });

    await t.step("bad inputs the memory tests do not cover", async () => {
      const cases = badInputs(paths.city!.ns);
      for (const [what, query, variables, field] of cases) {
        await refuses(tenants, what, { as: "alice", query, variables, field });
      }
      assert.deepEqual(await snapshot(), before, "refused inputs change nothing");
    });

    await t.step("alice still reads, consolidates and deletes her own", async () => {
      const city = await ok(tenants, "alice", GET, { ns: ["profile"], key: "city" });
      assert.equal(city.memory.value.content, `Rome ${marker}`);
      const report = await ok(tenants, "alice", CONSOLIDATE, { i: { namespace: ["health"] } });
      assert.equal(report.consolidateMemories.merged, 1, "the namespace bob attacked could merge");
      const deleted = await ok(tenants, "alice", DELETE, {
        i: { namespace: ["profile"], key: "gone", purge: true },
      });
      assert.equal(deleted.deleteMemory.purged, true, "the history bob tried to purge was there");
      const owners = await sql`SELECT DISTINCT owner_id FROM memory_items ORDER BY 1`;
      assert.deepEqual(owners.map((r) => r.owner_id), ["alice", "bob", "root-admin"]);
    });
  } finally {
    await tenants.close();
  }
});
