/**
 * The multi-replica harness itself: three real server processes on one
 * throwaway database and Redis through the proxy, all ready; the
 * round-robin proxy hands connections out in turn, obeys `routeNextTo`,
 * and `cut()` drops a live subscription. These pass on any main.
 */
import assert from "node:assert/strict";
import {
  clusterServices,
  describeStream,
  readStream,
  startCluster,
  waitFor,
} from "../support/replicas.ts";
import { freshConnectionClient } from "../support/round_robin_proxy.ts";

Deno.test({
  name: "scale-out harness: three replicas, one database, a round-robin proxy that can cut",
  ignore: clusterServices.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    assert.equal(clusterServices.reason, undefined, clusterServices.reason);
    const cluster = await startCluster({ mock: false });
    try {
      await t.step("every replica is ready on the shared Postgres and Redis", async () => {
        for (const replica of cluster.replicas) {
          const response = await fetch(`${replica.url}/health/ready`);
          const body = await response.json();
          assert.equal(response.status, 200, `${replica.name}: ${JSON.stringify(body)}`);
          const modes = body.checks.map((c: { name: string; mode: string }) =>
            `${c.name}:${c.mode}`
          );
          assert.deepEqual(modes, ["database:server", "cache:upstash", "llm:offline"]);
        }
        const [a, b] = cluster.replicas;
        const id = (await a!.gql("alice", "mutation { createThread(input: {}) { id } }"))
          .createThread.id;
        const seen = await b!.gql("alice", "query($id: ID!) { thread(id: $id) { id } }", { id });
        assert.equal(seen.thread.id, id, "B reads what A wrote: one database");
        const anonymous = await fetch(a!.graphqlUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ viewer { id } }" }),
        });
        const refused = await anonymous.json();
        assert.equal(refused.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
      });

      await t.step("the proxy hands out connections in turn, or where it is told", async () => {
        const proxy = cluster.balancer();
        const client = freshConnectionClient();
        try {
          for (let i = 0; i < 6; i++) {
            const response = await fetch(`${proxy.url}/health`, { client });
            assert.equal(response.status, 200);
            await response.body?.cancel();
          }
          assert.deepEqual(proxy.countsByTarget(), [2, 2, 2]);
          proxy.routeNextTo(2);
          const response = await fetch(`${proxy.url}/health`, { client });
          await response.body?.cancel();
          assert.equal(proxy.connections.at(-1)?.target, 2);
        } finally {
          client.close();
        }
      });

      await t.step("cut() drops a live subscription through the proxy", async () => {
        const proxy = cluster.balancer();
        const client = await cluster.ws(`${proxy.url.replace("http", "ws")}/graphql`, "alice");
        try {
          const beats = client.iterate({
            query: "subscription { heartbeat(count: 1000, intervalMs: 20) { __typename } }",
          });
          let received = 0;
          const reading = readStream(beats, "heartbeat", {
            timeoutMs: 10_000,
            stop: () => ++received === 1_000_000,
          });
          await waitFor(() => received >= 3, 5000, "three heartbeats through the proxy");
          assert.equal(proxy.cut(), 1);
          const read = await reading;
          assert.notEqual(read.ended, "timeout", describeStream(read));
          assert.ok(read.error !== undefined || read.ended === "completed", describeStream(read));
          assert.equal(proxy.connections[0]?.cut, true);
        } finally {
          await client.dispose();
        }
      });
    } finally {
      await cluster.close();
    }
  },
});
