/**
 * The design document's operations: the per-namespace cap (merge first, then
 * evict the least useful), auto-consolidation every N new memories, cleanup
 * on its interval, and the `langmem_*` metrics on `/metrics/memory`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startTestApp, type TestApp } from "../support/app.ts";
import { cluster } from "../../src/memories/jobs/consolidation.ts";

async function count(app: TestApp, owner: string, namespace: string[]): Promise<number> {
  const [row] = await app.database.sql`
    SELECT count(*)::int AS n FROM memory_items
    WHERE owner_id = ${owner} AND namespace = ${namespace}::text[]`;
  return row!.n;
}

const FACTS = [
  "The user was born in Lisbon",
  "The user's favourite colour is teal",
  "The user drives an electric bicycle",
  "The user speaks Japanese fluently",
  "The user keeps bees on the roof",
];

Deno.test("the namespace cap merges near-duplicates first, then evicts the least useful", async () => {
  const app = await startTestApp({
    LANGMEM_MAX_MEMORIES_PER_NAMESPACE: "5",
    LANGMEM_AUTO_CONSOLIDATE: "false",
  });
  try {
    const user = "cap-user";
    const store = app.memory.forOwner(user);
    for (const [i, content] of FACTS.entries()) await store.put(["facts"], `f${i}`, { content });
    // Reads make f1..f4 more useful than f0.
    for (const key of ["f1", "f2", "f3", "f4"]) await store.get(["facts"], key);

    await store.put(["facts"], "dup", { content: "the user speaks Japanese fluently!" });
    assert.equal(await count(app, user, ["facts"]), 5);
    assert.equal(await store.get(["facts"], "f3"), null);
    const merged = await app.memory.history(user, ["facts"], "f3");
    assert.deepEqual(merged.map((v) => [v.change, v.supersededBy]), [["merged", "dup"]]);
    // Checked in SQL: a get would count as a read and make f0 useful.
    const [f0] = await app.database
      .sql`SELECT 1 FROM memory_items WHERE owner_id = ${user} AND key = 'f0'`;
    assert.ok(f0, "nothing evicted while merging was enough");

    await store.put(["facts"], "new", { content: "The user collects vinyl records" });
    assert.equal(await count(app, user, ["facts"]), 5);
    assert.equal(await store.get(["facts"], "f0"), null);
    assert.deepEqual((await app.memory.history(user, ["facts"], "f0")).map((v) => v.change), [
      "evicted",
    ]);
    assert.ok(await store.get(["facts"], "new"), "the new memory is never the one evicted");
    // The merged survivor inherited the read count of what it absorbed.
    const [usage] = await app.database.sql`
      SELECT access_count FROM memory_usage WHERE owner_id = ${user} AND key = 'dup'`;
    assert.ok(usage!.access_count >= 1);
  } finally {
    await app.close();
  }
});

Deno.test("auto-consolidation runs each time a namespace grew by the threshold", async () => {
  const app = await startTestApp({ LANGMEM_CONSOLIDATE_THRESHOLD: "4" });
  try {
    const user = "auto-user";
    const store = app.memory.forOwner(user);
    await store.put(["n"], "a", { content: "The user likes hiking in the Alps" });
    await store.put(["n"], "b", { content: "the user likes hiking in the alps." });
    await store.put(["n"], "c", { content: "The user has two sisters" });
    // Consolidation runs as a job: run whatever is queued now, and wait for it.
    await app.jobs.flush("memory.consolidate");
    assert.equal(await count(app, user, ["n"]), 3, "below the threshold nothing merges");
    await store.put(["n"], "d", { content: "The user is learning the cello" });
    await app.jobs.flush("memory.consolidate");
    assert.equal(await count(app, user, ["n"]), 3);
    assert.deepEqual((await app.memory.history(user, ["n"], "a")).map((v) => v.change), ["merged"]);
    const [stats] = await app.database.sql`
      SELECT added_since_consolidation, last_consolidated_at FROM memory_namespaces
      WHERE owner_id = ${user} AND namespace = '{n}'`;
    assert.equal(stats!.added_since_consolidation, 0);
    assert.ok(stats!.last_consolidated_at instanceof Date);
    assert.ok(app.logs.every((l) => l.message !== "background memory task failed"));
    const consolidations = app.logs.filter((l) =>
      l.event === "job_start" && l.kind === "memory.consolidate"
    );
    assert.equal(consolidations.length, 1, "one consolidation job, at the threshold");
  } finally {
    await app.close();
  }
});

Deno.test("clustering is greedy from the newest memory and never chains", () => {
  const at = (s: number) => new Date(s * 1000);
  // c~b and b~a, but c is not similar to a: c leads and takes b; a stays alone.
  const clusters = cluster([
    { key: "c", updated_at: at(3), neighbor: "b", neighbor_updated_at: at(2) },
    { key: "b", updated_at: at(2), neighbor: "a", neighbor_updated_at: at(1) },
  ]);
  assert.deepEqual(clusters, [["c", "b"]]);
});

Deno.test("cleanup runs on MEMORY_CLEANUP_INTERVAL without being asked", async () => {
  const app = await startTestApp({ MEMORY_CLEANUP_INTERVAL: "1" });
  try {
    const user = "cleanup-user";
    await app.memory.put(user, [{
      namespace: ["t"],
      key: "k",
      value: { content: "brief" },
      ttlSeconds: 1,
    }]);
    const deadline = Date.now() + 5000;
    while (await count(app, user, ["t"]) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(await count(app, user, ["t"]), 0);
    // It ran as a periodic job, and the next one is scheduled. The job deletes
    // the row before it records itself done: wait for that record too.
    const readJobs = async () =>
      (await app.database.sql<{ done: number; unfinished: number }[]>`
        SELECT count(*) FILTER (WHERE status = 'done')::int AS done,
          count(*) FILTER (WHERE status IN ('pending', 'running'))::int AS unfinished
        FROM jobs WHERE kind = 'memory.cleanup'`)[0]!;
    let job = await readJobs();
    while (job.done < 1 && Date.now() < deadline + 5000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = await readJobs();
    }
    assert.ok(job.done >= 1, JSON.stringify(job));
    assert.equal(job.unfinished, 1, "the next cleanup is scheduled, once");
  } finally {
    await app.close();
  }
});

Deno.test("/metrics/memory serves the langmem_* family with bounded namespace labels", async () => {
  const app = await startTestApp({ MEMORY_METRICS_NAMESPACE_DEPTH: "1" });
  try {
    const store = app.memory.forOwner("metrics-user");
    await store.put(["projects", "secret-project-name"], "k", { content: "a plan" });
    await store.search(["projects"], { query: "plan" });
    await store.get(["projects", "secret-project-name"], "k");
    await app.memory.consolidate("metrics-user", ["projects", "secret-project-name"]);
    await assert.rejects(() => store.put(["projects"], "", { content: "x" }));
    await app.memory.context.metrics.refreshSizes(app.database.sql);
    const response = await app.fetch(new Request("http://localhost/metrics/memory"));
    const text = await response.text();
    assert.equal(response.status, 200);
    for (
      const line of [
        'langmem_operations_total{operation="put",namespace="projects",status="success"} 1',
        'langmem_operations_total{operation="search",namespace="projects",status="success"} 1',
        'langmem_operations_total{operation="get",namespace="projects",status="success"} 1',
        'langmem_operations_total{operation="consolidate",namespace="projects",status="success"} 1',
        'langmem_operations_total{operation="put",namespace="projects",status="error"} 1',
        'langmem_search_duration_seconds_count{namespace="projects"} 1',
        "langmem_consolidation_duration_seconds_count 1",
      ]
    ) {
      assert.ok(text.includes(line), `missing ${line}\n${text}`);
    }
    assert.match(text, /langmem_store_size_bytes\{namespace="projects"\} \d{4,}/);
    assert.ok(!text.includes("secret-project-name"), "labels are cut to one level");
    assert.ok(!text.includes("metrics-user"), "owner ids are never labels");
    assert.ok(!/^http_requests_total/m.test(text), "only the memory family");
  } finally {
    await app.close();
  }
});
